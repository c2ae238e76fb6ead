"""Benchmark of the best-practices catalogue on 100,000 practices (PostgreSQL only).

``python -m bench practices_list`` creates a throwaway database next to DATABASE_URL's
(``<name>_bench_practices``), seeds 100,000 published practices with realistic French and
English text and taxonomies using COPY, then requests the list page through the real URL stack
(middleware, view, templates) for five scenarios and reports SQL queries per page and the server
time (median and 95th percentile). The cache is Redis (REDIS_URL), as in production, under a
key prefix of the benchmark's own, whose keys it deletes at the end. The exports are measured by
``python -m bench practices_export`` (same database). Set BENCH_PRACTICES=N for another size,
BENCH_KEEPDB=1 to keep the seeded database between runs, BENCH_RUNS=N for fewer timed requests.
"""

import os
import pickle
import platform
import random
import statistics
import time
import uuid
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import override_settings, setup_test_environment

from practices import demo, facet_index
from practices.models import CatalogueVersion, Practice, Sector, Theme

COUNT = int(os.environ.get("BENCH_PRACTICES", "100000"))
RUNS = int(os.environ.get("BENCH_RUNS", "30"))
SCENARIOS = [
    ("no filter", "/practices/"),
    ("three filters", "/practices/?country=FR&sector=recycling-repair&theme=disability"),
    ("full-text query", "/practices/?q=recyclage"),
    ("query + filters", "/practices/?q=insertion&country=BE&type=initiative"),
    ("last page", None),  # filled in once the total is known
]
COUNTRIES = [
    "FR",
    "BE",
    "ES",
    "IT",
    "DE",
    "AT",
    "FI",
    "SE",
    "DK",
    "PL",
    "BG",
    "RO",
    "HU",
    "EE",
    "PT",
    "NL",
    "LU",
    "IE",
    "SI",
    "CZ",
]
TYPES = ["initiative", "project", "publication", "organisation", "policy", "training"]
WORDS_TITLE = [
    "Atelier",
    "Coopérative",
    "Réseau",
    "Projet",
    "Workshop",
    "Network",
    "Social",
    "Café",
    "Garage",
    "Jardin",
    "Recyclerie",
    "Repair",
    "Green",
    "Solidaire",
    "Textile",
    "Formation",
    "Insertion",
    "Inclusive",
    "Community",
    "Services",
]


def corpus() -> list[str]:
    """Sentences of the real seed practices, French and English."""
    sentences = []
    for row in demo.FRENCH + demo.ENGLISH:
        sentences += [s.strip() + "." for s in row[2].split(". ") if len(s) > 30]
    return sentences


def seed(count: int) -> None:
    demo.load(stdout=open(os.devnull, "w"))  # noqa: SIM115 - the taxonomy terms
    rng = random.Random(2026)
    sentences = corpus()
    sectors = list(Sector.objects.values_list("pk", flat=True))
    themes = list(Theme.objects.values_list("pk", flat=True))
    start = datetime(2015, 1, 1, tzinfo=UTC)
    columns = (
        "title, slug, summary, body, context, objectives, method, results, transferability,"
        " organisation, country, region, type, language, year, website, source, status,"
        " return_comment, published_at, created_at, updated_at"
    )
    with connection.cursor() as cursor:
        with cursor.copy(f"COPY practices_practice ({columns}) FROM STDIN") as copy:
            for n in range(count):
                published = start + timedelta(minutes=n * 5)
                title = " ".join(rng.sample(WORDS_TITLE, 3)) + f" {n}"
                copy.write_row(
                    (
                        title,
                        f"bench-{n}",
                        " ".join(rng.sample(sentences, 2)),
                        " ".join(rng.sample(sentences, 4)),
                        "",
                        "",
                        "",
                        "",
                        "",
                        f"Organisation {n % 5000}",
                        rng.choice(COUNTRIES),
                        "",
                        rng.choice(TYPES),
                        rng.choice(["fr", "fr", "en", "en", "de", "es", "it"]),
                        rng.randint(1995, 2025),
                        "",
                        "",
                        "published",
                        "",
                        published,
                        published,
                        published,
                    )
                )
        new_pks = list(
            Practice.objects.filter(slug__startswith="bench-").values_list("pk", flat=True)
        )
        with cursor.copy(
            "COPY practices_practice_sectors (practice_id, sector_id) FROM STDIN"
        ) as copy:
            for pk in new_pks:
                for sector in rng.sample(sectors, rng.randint(1, 2)):
                    copy.write_row((pk, sector))
        with cursor.copy(
            "COPY practices_practice_themes (practice_id, theme_id) FROM STDIN"
        ) as copy:
            for pk in new_pks:
                for theme in rng.sample(themes, rng.randint(1, 3)):
                    copy.write_row((pk, theme))
    with connection.cursor() as cursor:
        # The term arrays were filled by one UPDATE of every row (trigger on the COPY of the
        # many-to-many rows): compact the table as a steady state would be, then what
        # autovacuum does soon after a bulk load: statistics and the visibility map
        # (index-only scans for the counts).
        cursor.execute("VACUUM FULL practices_practice")
        cursor.execute("VACUUM ANALYZE")


def measure(client: Client, url: str, *, runs: int, forget: str = "") -> tuple:
    """SQL queries of one request, then the median and p95 server time of ``runs`` requests.

    Every request counts its facets from the facet index (nothing is cached per set of
    filters). ``forget="words"`` forgets the matches of text queries before each request (the
    first search of those words since the catalogue last changed). ``forget="index"`` starts a
    new catalogue version before each request and forgets every facet index, so that the
    request builds the index itself: a visitor arriving right after a publication, before the
    task has built the new index.
    """

    def forget_now():
        if forget == "index":
            # What practice_catalogue_changed does, without queueing the task that would
            # build the index: a new version, so the shared index and this process's are old.
            CatalogueVersion.objects.update_or_create(
                pk=CatalogueVersion.ROW, defaults={"token": uuid.uuid4().hex}
            )
            facet_index._memo.clear()
        elif forget == "words":
            cache.clear()  # the matches of text queries (this process keeps its index)

    client.get(url)  # warm-up
    forget_now()
    statements = []

    def count(execute, sql, params, many, context):
        statements.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        response = client.get(url)
    assert response.status_code == 200, url
    timings = []
    for _ in range(runs):
        forget_now()
        began = time.perf_counter()
        client.get(url)
        timings.append((time.perf_counter() - began) * 1000)
    p95 = statistics.quantiles(timings, n=20)[-1]
    return len(statements), statistics.median(timings), p95, response.context["catalogue"].total


def index_build() -> tuple[float, int]:
    """Median seconds of building the facet index (the task's work), and its size as cached."""
    timings = []
    for _ in range(5):
        began = time.perf_counter()
        index = facet_index.facet_index_build("bench")
        timings.append(time.perf_counter() - began)
    return statistics.median(timings), len(pickle.dumps(facet_index._index_packed(index)))


@contextmanager
def seeded_database():
    """The benchmark database (``<name>_bench_practices``), seeded unless it already is; kept
    afterwards with BENCH_KEEPDB=1. Yields the seconds the seeding took."""
    keep = os.environ.get("BENCH_KEEPDB") == "1"
    test_settings = settings.DATABASES["default"].setdefault("TEST", {})
    test_settings["NAME"] = f"{settings.DATABASES['default']['NAME']}_bench_practices"
    old_name = connection.creation.create_test_db(
        verbosity=0, autoclobber=True, keepdb=keep, serialize=False
    )
    try:
        began = time.perf_counter()
        if not Practice.objects.filter(slug__startswith="bench-").exists():
            seed(COUNT)
        yield time.perf_counter() - began
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0, keepdb=keep)


@contextmanager
def bench_cache():
    """The production cache (Redis) under a key prefix of this run's own, deleted at the end
    (``clear`` deletes the prefix's keys only)."""
    prefix = f"bench:practices:{uuid.uuid4().hex[:12]}"
    with override_settings(
        CACHES={"default": {**settings.CACHES["default"], "KEY_PREFIX": prefix}}
    ):
        try:
            yield
        finally:
            cache.clear()


def machine() -> str:
    return (
        f"{platform.node()}, {os.cpu_count()} cores, {platform.python_version()}, "
        f"PostgreSQL {connection.pg_version // 10000}, load average "
        f"{' / '.join(f'{load:.1f}' for load in os.getloadavg())} at the start, "
        f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC"
    )


def main() -> None:
    if connection.vendor != "postgresql":
        print("The practices benchmark needs PostgreSQL (set DATABASE_URL).")
        return
    if "redis" not in settings.CACHES["default"]["BACKEND"].lower():
        print("The practices benchmark needs Redis, the production cache (set REDIS_URL).")
        return
    settings.SECURE_SSL_REDIRECT = False
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    setup_test_environment()
    with seeded_database() as seeding, bench_cache():
        client = Client()
        total = Practice.objects.published().count()
        SCENARIOS[-1] = ("last page", f"/practices/?page={(total + 19) // 20}")
        print(f"## Practices list ({total:,} published practices; seeded in {seeding:.0f} s)\n")
        print(
            f"{machine()}, {RUNS} requests per scenario through django.test.Client (whole URL"
            " stack), the cache on Redis\n"
        )
        print(
            "| scenario | URL | results | SQL queries | median ms | p95 ms "
            "| first search of the words: SQL queries, median / p95 ms |"
        )
        print("|---|---|---:|---:|---:|---:|---|")
        for name, url in SCENARIOS:
            queries, median, p95, results = measure(client, url, runs=RUNS)
            first = "no text query"
            if "q=" in url:
                first_queries, first_median, first_p95, _ = measure(
                    client, url, runs=RUNS, forget="words"
                )
                first = f"{first_queries}, {first_median:.1f} / {first_p95:.1f}"
            print(
                f"| {name} | `{url}` | {results:,} | {queries} | {median:.1f} | {p95:.1f} "
                f"| {first} |"
            )
        seconds, size = index_build()
        print(
            f"\nFacet index: built in {seconds * 1000:.0f} ms (median of 5), "
            f"{size / 1024:.0f} KiB pickled as cached.\n"
        )
        print("Right after a catalogue change, before the task has built the new index:\n")
        print("| scenario | SQL queries | median ms | p95 ms |")
        print("|---|---:|---:|---:|")
        for name, url in SCENARIOS:
            queries, median, p95, _results = measure(client, url, runs=10, forget="index")
            print(f"| {name} | {queries} | {median:.1f} | {p95:.1f} |")
