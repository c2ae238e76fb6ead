"""Every read of the catalogue: the filtered, faceted, sorted list, a practice, exports."""

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from itertools import islice

from django.conf import settings
from django.contrib.postgres.search import SearchHeadline, SearchRank
from django.core.paginator import Page, Paginator
from django.db import connection, transaction
from django.db.models import Count, F, Q, QuerySet, Window
from django.db.models.expressions import RawSQL
from django.http import Http404, QueryDict
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from ensie_portal.accounts import roles

from .facet_index import FACETS, Counts, facet_counts, facet_index, text_matches
from .filters import PracticeFilter, search_query
from .models import CatalogueVersion, Practice, PracticeLanguage, PracticeType, Sector, Theme

PAGE_SIZE = 20
# A query matching more practices than this ranks only the newest this many (practice_sorted).
RANK_CANDIDATES = 500
SORTS = {
    "relevance": _("relevance"),
    "newest": _("newest first"),
    "title": _("title"),
    "year": _("year"),
}
FACET_LABELS = {
    "country": _("Country"),
    "sector": _("Sector"),
    "theme": _("Theme"),
    "type": _("Type"),
    "language": _("Language"),
}
# Markers put around matching words by ts_headline, replaced by <mark> after escaping.
MARK_START, MARK_STOP = "\x02", "\x03"
LIST_FIELDS = (
    "title",
    "slug",
    "summary",
    "organisation",
    "country",
    "region",
    "type",
    "language",
    "year",
    "published_at",
)


@dataclass
class FacetOption:
    value: str
    label: str
    count: int
    selected: bool


@dataclass
class Facet:
    name: str
    label: str
    options: list[FacetOption]


@dataclass
class Chip:
    label: str
    remove_url: str


@dataclass
class Catalogue:
    filterset: PracticeFilter
    page: Page
    total: int
    facets: list[Facet]
    chips: list[Chip]
    sort: str
    sorts: list[tuple[str, str]]
    query: str
    params: QueryDict = field(repr=False)


def practice_filterset(*, params: QueryDict) -> PracticeFilter:
    """The published practices filtered by ``params`` (their sort and page set aside)."""
    data = params.copy()
    for name in ("sort", "page"):
        data.pop(name, None)
    return PracticeFilter(data, queryset=Practice.objects.published())


def _search_text(filterset: PracticeFilter) -> str:
    """The validated text query: kept when another filter is invalid, never the raw one."""
    filterset.is_valid()
    return (filterset.form.cleaned_data.get("q") or "").strip()


def practice_sorted(*, queryset: QuerySet, query: str, sort: str) -> QuerySet:
    """Order the filtered practices; with a query on PostgreSQL, by relevance (ranked).

    The rank reads the small title-and-summary vector (``rank_vector``), not the whole text.
    """
    if sort == "relevance" and query and settings.IS_POSTGRES:
        rank = SearchRank(F("rank_vector"), search_query(query))
        return queryset.annotate(rank=rank).order_by("-rank", "-published_at", "-pk")
    if sort == "title":
        return queryset.order_by("title", "pk")
    if sort == "year":
        return queryset.order_by(F("year").desc(nulls_last=True), "-published_at", "-pk")
    return queryset.order_by("-published_at", "-pk")


def practice_broad_page_keys(*, queryset: QuerySet, query: str, start: int) -> list[int]:
    """One page of a query matching more than ``RANK_CANDIDATES`` practices, by relevance.

    Runs inside ``text_index_first`` (PostgreSQL only).

    Only the newest ``RANK_CANDIDATES`` matches are ranked, and come first; the older ones
    follow, newest first. A broad query then costs a bounded number of ranks, not one per
    match, and a page reads at most ``RANK_CANDIDATES`` rows, not every match.
    """
    newest = queryset.order_by("-published_at", "-pk").values_list("pk", flat=True)
    end = start + PAGE_SIZE
    if start >= RANK_CANDIDATES:
        # Deep in the matches: walking the newest-first index would test (and read from TOAST)
        # every vector it skips; the GIN bitmap and a sort of the matches' dates cost less.
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL enable_indexscan = off")
        return list(newest[start:end])
    candidates = Practice.objects.filter(pk__in=newest[:RANK_CANDIDATES])
    ranked = practice_sorted(queryset=candidates, query=query, sort="relevance")
    pks = list(ranked.values_list("pk", flat=True)[start:end])
    if end > RANK_CANDIDATES:  # a page across the boundary (PAGE_SIZE not dividing it)
        pks += list(newest[RANK_CANDIDATES:end])
    return pks


def practice_page_rows(*, pks: list[int], query: str) -> list[Practice]:
    """The practices of one page, in the order of ``pks``, with highlighted summaries."""
    rows = Practice.objects.filter(pk__in=pks).only(*LIST_FIELDS)
    if query and settings.IS_POSTGRES:
        rows = rows.annotate(
            headline=SearchHeadline(
                "summary",
                search_query(query),
                config="ensie_fr",
                start_sel=MARK_START,
                stop_sel=MARK_STOP,
                max_words=60,
                min_words=25,
            )
        )
    by_pk = {practice.pk: practice for practice in rows}
    practices = [by_pk[pk] for pk in pks if pk in by_pk]
    for practice in practices:
        headline = getattr(practice, "headline", None)
        practice.summary_html = highlighted(headline) if headline else escape(practice.summary)
    return practices


def highlighted(text: str) -> SafeString:
    """Escape ``text`` and turn the headline markers into <mark> elements."""
    html = escape(text).replace(MARK_START, "<mark>").replace(MARK_STOP, "</mark>")
    return mark_safe(html)  # noqa: S308 - escaped just above; only our own tags added


def _planner_settings(*settings_off: str):
    """Turn planner settings off until the end of the transaction (a new one if none is open)."""
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("; ".join(f"SET LOCAL {name} = off" for name in settings_off))
        yield


@contextmanager
def text_index_first(query: str) -> Iterator[None]:
    """With a text query on PostgreSQL, match through the GIN index, never by a table scan.

    The planner does not know that testing a search vector in a scan means reading it from
    TOAST storage (the vectors are stored out of line): for a broad query it picks a scan that
    costs ten times the bitmap of the GIN index. Turning scans off inflates the estimated cost
    of every other statement in the block past ``jit_above_cost``, so JIT compilation (100+ ms
    for a two-row table) is turned off too. ``SET LOCAL`` lasts until the transaction ends:
    this block's own, or the caller's if one is open.
    """
    if not (query and settings.IS_POSTGRES):
        yield
        return
    yield from _planner_settings("enable_seqscan", "jit")


def practice_catalogue(*, params: QueryDict) -> Catalogue:
    """The list page: one page of results, the total, the facets and the active filters."""
    filterset = practice_filterset(params=params)
    query = _search_text(filterset)
    sort = params.get("sort", "")
    allowed = [s for s in SORTS if s != "relevance" or query]
    if sort not in allowed:
        sort = "relevance" if query else "newest"
    with text_index_first(query):
        counts = practice_counts(filterset=filterset)
        ordered = practice_sorted(queryset=filterset.qs, query=query, sort=sort)
        # Paginate the primary keys only (an index-only walk, even deep into the results),
        # then read the 20 rows of the page: a deep page never reads the rows it skips.
        paginator = Paginator(ordered.values_list("pk", flat=True), PAGE_SIZE)
        paginator.count = counts.total  # known already: no second COUNT query
        page = paginator.get_page(params.get("page"))
        broad = sort == "relevance" and counts.total > RANK_CANDIDATES
        if broad and settings.IS_POSTGRES:
            start = (page.number - 1) * PAGE_SIZE
            pks = practice_broad_page_keys(queryset=filterset.qs, query=query, start=start)
        else:
            pks = list(page.object_list)
    page.object_list = practice_page_rows(pks=pks, query=query)
    facets = practice_facets(counts=counts, filterset=filterset)
    chips = practice_chips(params=params)
    chip_term_labels(chips, facets)
    return Catalogue(
        filterset=filterset,
        page=page,
        total=counts.total,
        facets=facets,
        chips=chips,
        sort=sort,
        sorts=[(s, SORTS[s]) for s in allowed],
        query=query,
        params=params,
    )


def _selected(filterset: PracticeFilter, name: str) -> set[str]:
    return {str(v) for v in filterset.data.getlist(name)}


def catalogue_version() -> str:
    """Changes whenever the published catalogue or its taxonomies change (see services).

    One primary-key read of the database (``CatalogueVersion``): a change and its new version
    commit together, so no reader sees one without the other, and a change made while Redis
    was down is seen as well as any other, during the outage and after it.
    """
    token = (
        CatalogueVersion.objects.filter(pk=CatalogueVersion.ROW)
        .values_list("token", flat=True)
        .first()
    )
    return token or "initial"


def practice_counts(*, filterset: PracticeFilter) -> Counts:
    """The total and every facet's counts, from the facet index of the current catalogue.

    With a text query, the keys of its matches are read from the database (through the GIN
    index on PostgreSQL) on its first search; everything else is counted in memory.
    """
    version = catalogue_version()
    index = facet_index(version)
    filterset.is_valid()
    chosen = filterset.form.cleaned_data
    matches = None
    if query := _search_text(filterset):
        matches = practice_text_matches(version=version, query=query)
    return facet_counts(
        index,
        chosen={name: chosen.get(name) for name in FACETS},
        year_min=chosen.get("year_min"),
        year_max=chosen.get("year_max"),
        matches=matches,
    )


def practice_text_matches(*, version: str, query: str) -> int:
    """The bitset of the published practices matching ``query`` (read once per version)."""
    text_only = PracticeFilter({"q": query}, queryset=Practice.objects.published())
    keys = text_only.qs.order_by().values_list("pk", flat=True)
    return text_matches(version, query, keys)


def practice_facets(*, counts: Counts, filterset: PracticeFilter) -> list[Facet]:
    """The options of every facet with their counts, in the interface language."""
    facets = []
    for name in FACETS:
        selected = _selected(filterset, name)
        found = counts.facets[name]
        if name in ("sector", "theme"):
            model = Sector if name == "sector" else Theme
            options = [
                FacetOption(
                    slug, model(label_en=en, label_fr=fr).label, found[slug], slug in selected
                )
                for slug, en, fr in counts.terms[name]
            ]
        elif name == "country":
            options = [
                FacetOption(code, str(label), found.get(code, 0), code in selected)
                for code, label in countries
                if found.get(code) or code in selected
            ]
        else:
            choices = PracticeType.choices if name == "type" else PracticeLanguage.choices
            options = [
                FacetOption(value, str(label), found.get(value, 0), value in selected)
                for value, label in choices
            ]
        facets.append(Facet(name, FACET_LABELS[name], options))
    return facets


def practice_chips(*, params: QueryDict) -> list[Chip]:
    """One removable chip per active filter value; the link drops only that value."""
    labels = {
        "country": dict(countries),
        "type": dict(PracticeType.choices),
        "language": dict(PracticeLanguage.choices),
    }
    chips = []
    for name in ("q", *FACETS, "year_min", "year_max"):
        for value in params.getlist(name):
            if not value.strip():
                continue
            remaining = params.copy()
            remaining.setlist(name, [v for v in params.getlist(name) if v != value])
            remaining.pop("page", None)
            label = labels.get(name, {}).get(value, value)
            if name == "q":
                text = _("Search: “%(value)s”") % {"value": value}
            elif name == "year_min":
                text = _("From %(value)s") % {"value": value}
            elif name == "year_max":
                text = _("Until %(value)s") % {"value": value}
            else:
                text = f"{FACET_LABELS[name]}: {label}"
            encoded = remaining.urlencode()
            chips.append(Chip(str(text), f"?{encoded}" if encoded else "?"))
    return chips


def chip_term_labels(chips: list[Chip], facets: list[Facet]) -> None:
    """Replace sector and theme slugs in chip labels by their labels (no query: from facets)."""
    names = {
        (str(facet.label), option.value): option.label
        for facet in facets
        for option in facet.options
        if facet.name in ("sector", "theme")
    }
    for chip in chips:
        prefix, _sep, value = chip.label.partition(": ")
        chip.label = f"{prefix}: {names.get((prefix, value), value)}" if value else chip.label


def practice_visible_to(*, user, slug: str) -> Practice:
    """A published practice, or an unpublished one to its submitter and editors; else 404."""
    queryset = Practice.objects.select_related("submitted_by").prefetch_related(
        "sectors", "themes", "attachments"
    )
    if not roles.is_editor_or_staff(user):
        visible = Q(status=Practice.Status.PUBLISHED)
        if user.is_authenticated:
            visible |= Q(submitted_by=user)
        queryset = queryset.filter(visible)
    practice = queryset.filter(slug=slug).first()
    if practice is None:
        raise Http404
    return practice


def practice_owned(*, user, slug: str) -> Practice:
    """The user's own practice (any status); another user's is a 404."""
    practice = (
        Practice.objects.prefetch_related("sectors", "themes", "attachments")
        .filter(slug=slug, submitted_by=user)
        .first()
    )
    if practice is None:
        raise Http404
    return practice


def practice_related(*, practice: Practice, limit: int = 4) -> list[Practice]:
    """Published practices sharing a sector or a theme, newest first."""
    sector_ids = [s.pk for s in practice.sectors.all()]
    theme_ids = [t.pk for t in practice.themes.all()]
    if not sector_ids and not theme_ids:
        return []
    sectors = Practice.sectors.through.objects.filter(sector_id__in=sector_ids)
    themes = Practice.themes.through.objects.filter(theme_id__in=theme_ids)
    return list(
        Practice.objects.published()
        .filter(Q(pk__in=sectors.values("practice_id")) | Q(pk__in=themes.values("practice_id")))
        .exclude(pk=practice.pk)
        .only(*LIST_FIELDS)
        .order_by("-published_at", "-pk")[:limit]
    )


def practice_submissions(*, user) -> QuerySet:
    return Practice.objects.filter(submitted_by=user).order_by("-updated_at", "-pk")


def practice_moderation_queue() -> QuerySet:
    return (
        Practice.objects.filter(status=Practice.Status.SUBMITTED)
        .select_related("submitted_by")
        .order_by("updated_at", "pk")
    )


# What an export gives of each practice, in this order (``published_at`` as ISO 8601 text);
# then the practice's sector slugs and theme slugs.
EXPORT_FIELDS = (
    "title",
    "slug",
    "summary",
    "organisation",
    "country",
    "region",
    "type",
    "language",
    "year",
    "website",
    "source",
    "published_at",
)
# Rows per chunk: what an export holds in memory at once, and one write to the client.
EXPORT_CHUNK = 2000
# ``published_at`` as ``datetime.isoformat()`` writes a UTC time, written by PostgreSQL:
# loading 100,000 datetimes into Python costs more than the rest of their rows.
PUBLISHED_ISO = RawSQL(
    """CASE WHEN "practices_practice"."published_at"
                 = date_trunc('second', "practices_practice"."published_at")
       THEN to_char("practices_practice"."published_at" AT TIME ZONE 'UTC',
                    'YYYY-MM-DD"T"HH24:MI:SS"+00:00"')
       ELSE to_char("practices_practice"."published_at" AT TIME ZONE 'UTC',
                    'YYYY-MM-DD"T"HH24:MI:SS.US"+00:00"') END""",
    (),
)


@dataclass
class Export:
    """The rows of an export: how many there are, known before the first is sent, and the
    rows themselves in chunks (lists of tuples: ``EXPORT_FIELDS``, then the tuples of the
    practice's sector slugs and theme slugs)."""

    total: int
    chunks: Iterator[list[tuple]]


def practice_export(*, params: QueryDict, chunk_size: int = EXPORT_CHUNK) -> Export:
    """The filtered published practices, for the CSV and JSON exports (constant memory).

    One query, read through a server-side cursor ``chunk_size`` rows at a time, as plain
    tuples. Each row carries the number of rows (a window count), so the total is exactly
    the number of rows the cursor gives, from the same snapshot; the first chunk is read
    here to know it. On PostgreSQL the terms come with each row too (the ``sector_ids`` and
    ``theme_ids`` arrays the triggers keep, migration 0004), named from two small reads of
    the sectors and themes; elsewhere each chunk reads its terms in two more queries. Never
    a query per row.
    """
    filterset = practice_filterset(params=params)
    query = _search_text(filterset)
    sort = params.get("sort") or ("relevance" if query else "newest")
    queryset = practice_sorted(queryset=filterset.qs, query=query, sort=sort).annotate(
        total=Window(Count("pk"))
    )
    if settings.IS_POSTGRES:
        queryset = queryset.annotate(
            published=PUBLISHED_ISO,
            s_ids=RawSQL('array_to_string("practices_practice"."sector_ids", \',\')', ()),
            t_ids=RawSQL('array_to_string("practices_practice"."theme_ids", \',\')', ()),
        )
        rows = queryset.values_list("total", *EXPORT_FIELDS[:-1], "published", "s_ids", "t_ids")
    else:
        rows = queryset.values_list("total", "pk", *EXPORT_FIELDS)
    rows = rows.iterator(chunk_size=chunk_size)
    first = list(islice(rows, chunk_size))
    total = first[0][0] if first else 0
    chunks = _export_chunks if settings.IS_POSTGRES else _export_chunks_elsewhere
    return Export(total=total, chunks=chunks(first, rows, chunk_size))


def _export_chunks(first: list[tuple], rows: Iterator[tuple], chunk_size: int) -> Iterator:
    sectors = _slug_tuples(dict(Sector.objects.values_list("pk", "slug")))
    themes = _slug_tuples(dict(Theme.objects.values_list("pk", "slug")))
    chunk = first
    while chunk:
        yield [(*row[1:-2], sectors(row[-2]), themes(row[-1])) for row in chunk]
        chunk = list(islice(rows, chunk_size))


def _export_chunks_elsewhere(first: list[tuple], rows: Iterator[tuple], chunk_size: int):
    """SQLite: the terms of each chunk in two queries; the dates formatted here."""
    chunk = first
    while chunk:
        terms = _terms_of([row[1] for row in chunk])
        yield [
            (*row[2:-1], row[-1].isoformat() if row[-1] else None, *terms[row[1]]) for row in chunk
        ]
        chunk = list(islice(rows, chunk_size))


def _slug_tuples(slugs: dict[int, str]):
    """``"3,7"`` (term keys) -> the terms' slugs in alphabetical order, worked out once per
    combination of terms: a catalogue has few."""
    known: dict[str, tuple[str, ...]] = {}

    def named(ids: str) -> tuple[str, ...]:
        found = known.get(ids)
        if found is None:
            keys = (int(key) for key in ids.split(",") if key)
            found = known[ids] = tuple(sorted(slugs[key] for key in keys if key in slugs))
        return found

    return named


def _terms_of(pks: list[int]) -> dict[int, tuple[tuple[str, ...], tuple[str, ...]]]:
    terms: dict[int, tuple[list[str], list[str]]] = {pk: ([], []) for pk in pks}
    sectors = Practice.sectors.through.objects.filter(practice_id__in=pks).values_list(
        "practice_id", "sector__slug"
    )
    themes = Practice.themes.through.objects.filter(practice_id__in=pks).values_list(
        "practice_id", "theme__slug"
    )
    for pk, slug in sectors.order_by("sector__slug"):
        terms[pk][0].append(slug)
    for pk, slug in themes.order_by("theme__slug"):
        terms[pk][1].append(slug)
    return {pk: (tuple(s), tuple(t)) for pk, (s, t) in terms.items()}


def practice_feed_items(*, params: QueryDict, limit: int = 50) -> list[Practice]:
    filterset = practice_filterset(params=params)
    return list(filterset.qs.order_by("-published_at", "-pk")[:limit])
