"""Facet counts of the catalogue from an in-memory index of bitsets (PostgreSQL and SQLite alike).

Counting every facet option with the other filters applied means grouping every matching
practice: 50-100 ms for 100,000 practices in SQL, on each new set of filters. Instead, the
published catalogue is read once per version (``selectors.catalogue_version``, which changes on
every publication and every staff edit) into one bitset per facet option: bit ``n`` is set when
the practice with primary key ``n`` has that option (the keys are dense, so a bitset takes about
one bit per practice ever created: 12.5 KB for 100,000). Counting an option for a set of
filters is then an AND of a few bitsets and a population count: under a millisecond for every
facet of 100,000 practices. Only a text query still asks the database, for its matches.

The index is built after each change by a task (``practices.build_facet_index``), kept in the
shared cache for every process, and memoised in each process for its version. The matches of a
text query are read from the database once per version and words, and kept in the cache too;
the task reads those of the last words searched anew, so that they stay quick after a change.

In the cache every bitset is ``bytes`` (little-endian), never a Python int: Django's Redis
cache stores a bare int as its decimal text, and Python refuses to read back more than 4,300
digits (a catalogue past key ~14,300). The cached index is plain data (no class), so it
unpickles whatever ``FacetIndex`` becomes; its key still names the format.
"""

import hashlib
import time
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from functools import reduce
from operator import or_

from django.conf import settings
from django.core.cache import cache
from django.db.models.expressions import RawSQL

from .models import Practice, Sector, Theme

FACETS = ("country", "sector", "theme", "type", "language")
# Bump the suffixes whenever what is cached changes shape: a deploy must not read an old one.
INDEX_KEY = "practices:facet-index:v2"
MATCHES_KEY = "practices:matches:v2"
# The matches of a text query are kept this long at most (and only for their version).
MATCHES_CACHE_SECONDS = 3600
RECENT_SEARCHES_KEY = "practices:recent-searches"
RECENT_SEARCHES = 20
# How long a request waits for the index another process is building, before building it too.
BUILD_WAIT_SECONDS = 5
# A practice without a year: its own bitset, never inside a year range.
NO_YEAR = None


@dataclass(frozen=True)
class FacetIndex:
    """Bitsets of the published practices, per facet option and per year."""

    version: str
    published: int
    options: dict[str, dict[str, int]]
    years: dict[int | None, int]
    # (slug, English label, French label) of the sectors and themes, in label order.
    terms: dict[str, list[tuple[str, str, str]]]


@dataclass
class Counts:
    """The total and the count of every facet option for one set of filters."""

    total: int
    facets: dict[str, dict[str, int]]
    terms: dict[str, list[tuple[str, str, str]]]


def bitset(keys: Iterable[int]) -> int:
    """A Python integer with bit ``n`` set for every ``n`` in ``keys``."""
    keys = list(keys)
    bits = bytearray((max(keys, default=0) >> 3) + 1)
    for key in keys:
        bits[key >> 3] |= 1 << (key & 7)
    return int.from_bytes(bits, "little")


def _packed(bits: int) -> bytes:
    """A bitset as it is kept in the cache: bytes, little-endian."""
    return bits.to_bytes((bits.bit_length() + 7) // 8, "little")


def _unpacked(data: bytes) -> int:
    return int.from_bytes(data, "little")


def _index_packed(index: FacetIndex) -> dict:
    """The index as the cache keeps it: builtins only, every bitset as bytes."""
    return {
        "version": index.version,
        "published": _packed(index.published),
        "options": {
            name: {value: _packed(bits) for value, bits in by_value.items()}
            for name, by_value in index.options.items()
        },
        "years": {year: _packed(bits) for year, bits in index.years.items()},
        "terms": index.terms,
    }


def _index_unpacked(data: dict) -> FacetIndex:
    return FacetIndex(
        version=data["version"],
        published=_unpacked(data["published"]),
        options={
            name: {value: _unpacked(bits) for value, bits in by_value.items()}
            for name, by_value in data["options"].items()
        },
        years={year: _unpacked(bits) for year, bits in data["years"].items()},
        terms=data["terms"],
    )


def _terms() -> dict[str, list[tuple[int, str, str, str]]]:
    terms: dict[str, list] = {}
    for name, model in (("sector", Sector), ("theme", Theme)):
        rows = model.objects.order_by("label_en", "slug")
        terms[name] = list(rows.values_list("pk", "slug", "label_en", "label_fr"))
    return terms


def _published_rows() -> list[tuple]:
    """(key, country, type, language, year, sector keys, theme keys) of each published practice.

    The term keys are comma-separated (``"3,7"``). On PostgreSQL they come from the
    ``sector_ids``/``theme_ids`` arrays that triggers keep on the practice (migration 0004),
    as text: psycopg takes longer to load 100,000 pairs of arrays than the rest of the rows.
    Elsewhere they come from the many-to-many tables.
    """
    published = Practice.objects.published().order_by()
    fields = ("pk", "country", "type", "language", "year")
    if settings.IS_POSTGRES:
        return list(
            published.annotate(
                s_ids=RawSQL('array_to_string("practices_practice"."sector_ids", \',\')', ()),
                t_ids=RawSQL('array_to_string("practices_practice"."theme_ids", \',\')', ()),
            ).values_list(*fields, "s_ids", "t_ids")
        )
    linked = {}
    for name in ("sectors", "themes"):
        through = Practice._meta.get_field(name).remote_field.through
        keys = defaultdict(list)
        for practice_id, term_id in through.objects.filter(practice__in=published).values_list(
            "practice_id", f"{name[:-1]}_id"
        ):
            keys[practice_id].append(str(term_id))
        linked[name] = {pk: ",".join(term_ids) for pk, term_ids in keys.items()}
    return [
        (*row, linked["sectors"].get(row[0], ""), linked["themes"].get(row[0], ""))
        for row in published.values_list(*fields)
    ]


def facet_index_build(version: str) -> FacetIndex:
    """Read the published catalogue into bitsets, in one pass."""
    terms = _terms()
    slugs = {name: {str(pk): slug for pk, slug, *_ in rows} for name, rows in terms.items()}
    rows = _published_rows()
    size = (max((row[0] for row in rows), default=0) >> 3) + 1

    def bitsets():
        return defaultdict(lambda: bytearray(size))

    country, type_, language, sector, theme, years = (bitsets() for _ in range(6))
    for pk, country_code, kind, written_in, year, sector_ids, theme_ids in rows:
        byte, bit = pk >> 3, 1 << (pk & 7)
        country[country_code][byte] |= bit
        type_[kind][byte] |= bit
        language[written_in][byte] |= bit
        years[year][byte] |= bit
        if sector_ids:
            for term_id in sector_ids.split(","):
                sector[slugs["sector"].get(term_id)][byte] |= bit
        if theme_ids:
            for term_id in theme_ids.split(","):
                theme[slugs["theme"].get(term_id)][byte] |= bit
    options = dict(zip(FACETS, (country, sector, theme, type_, language), strict=True))
    years_bits = {year: int.from_bytes(bits, "little") for year, bits in years.items()}
    return FacetIndex(
        version=version,
        published=reduce(or_, years_bits.values(), 0),
        options={
            name: {
                value: int.from_bytes(bits, "little")
                for value, bits in by_value.items()
                if value is not None  # a term deleted since the row was read
            }
            for name, by_value in options.items()
        },
        years=years_bits,
        terms={
            name: [(slug, en, fr) for _pk, slug, en, fr in rows] for name, rows in terms.items()
        },
    )


_memo: dict[str, FacetIndex] = {}


def facet_index_share(index: FacetIndex) -> None:
    """Put ``index`` in the shared cache, for every process (replacing any other version's)."""
    cache.set(INDEX_KEY, _index_packed(index), None)


def _shared(version: str) -> FacetIndex | None:
    """The index in the shared cache, if it is the one of ``version``.

    One key holds the latest index whatever its version, so an old version's index never
    lingers in the cache.
    """
    data = cache.get(INDEX_KEY)
    if data is None or data["version"] != version:
        return None
    return _index_unpacked(data)


def facet_index(version: str) -> FacetIndex:
    """The index of ``version``: this process's copy, the shared cache's, or built now.

    One builder at a time per version (the task, usually): whoever finds another build under
    way waits for its index, up to ``BUILD_WAIT_SECONDS``, rather than building it again.
    """
    index = _memo.get(version)
    if index is None:
        index = _shared(version)
        building = f"{INDEX_KEY}:{version}:building"
        if index is None and not cache.add(building, 1, 60):
            deadline = time.monotonic() + BUILD_WAIT_SECONDS
            while index is None and time.monotonic() < deadline:
                time.sleep(0.05)
                index = _shared(version)
        if index is None:
            try:
                index = facet_index_build(version)
                facet_index_share(index)
            finally:
                cache.delete(building)
        _memo.clear()  # keep one version only
        _memo[version] = index
    return index


def text_matches(version: str, query: str, keys: Iterable[int]) -> int:
    """The bitset of the practices matching a text query, kept with the catalogue version.

    ``keys`` (a lazy query) gives the primary keys of the matches; it is read on the first
    search of ``query`` in this version of the catalogue only (the same words with other
    filters share it).
    """
    digest = hashlib.sha256(query.encode()).hexdigest()[:32]
    key = f"{MATCHES_KEY}:{version}:{digest}"
    cached = cache.get(key)
    if cached is not None:
        return _unpacked(cached)
    matches = bitset(keys)
    cache.set(key, _packed(matches), MATCHES_CACHE_SECONDS)
    _remember_search(query)
    return matches


def _remember_search(query: str) -> None:
    recent = [words for words in recent_searches() if words != query]
    cache.set(RECENT_SEARCHES_KEY, [query, *recent][:RECENT_SEARCHES], None)


def recent_searches() -> list[str]:
    """The words searched most recently, newest first: the task reads their matches anew
    after each change of the catalogue, so that they stay quick to search."""
    return cache.get(RECENT_SEARCHES_KEY, [])


def _any_of(bitsets: dict, values: Iterable) -> int:
    return reduce(or_, (bitsets.get(value, 0) for value in values), 0)


def facet_counts(
    index: FacetIndex, *, chosen: dict, year_min=None, year_max=None, matches: int | None = None
) -> Counts:
    """The total and every facet's option counts, each facet with the other filters applied.

    ``chosen`` maps a facet to its chosen values (none: no filter); ``matches`` is the bitset
    of the practices matching the text query, if there is one.
    """
    shared = index.published
    if matches is not None:
        shared &= matches
    if year_min is not None or year_max is not None:
        low = -(10**9) if year_min is None else year_min
        high = 10**9 if year_max is None else year_max
        in_range = [year for year in index.years if year is not NO_YEAR and low <= year <= high]
        shared &= _any_of(index.years, in_range)
    masks = {
        name: _any_of(index.options[name], chosen[name]) if chosen.get(name) else None
        for name in FACETS
    }
    facets = {}
    for name in FACETS:
        rows = shared
        for other, mask in masks.items():
            if other != name and mask is not None:
                rows &= mask
        facets[name] = {
            value: (rows & bits).bit_count() for value, bits in index.options[name].items()
        }
        for slug, _en, _fr in index.terms.get(name, ()):
            facets[name].setdefault(slug, 0)
    every = shared
    for mask in masks.values():
        if mask is not None:
            every &= mask
    return Counts(total=every.bit_count(), facets=facets, terms=index.terms)
