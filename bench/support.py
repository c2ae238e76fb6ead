"""What the benchmarks share: a throwaway database, timing a page through the URL stack."""

import contextlib
import statistics
import time

from django.db import connection
from django.test.utils import CaptureQueriesContext


def time_get(client, path: str, *, runs: int) -> tuple[float, float, int]:
    """GET ``path`` ``runs`` times: (median ms, worst ms, SQL queries of one more request)."""
    durations = []
    for _ in range(runs):
        start = time.perf_counter()
        response = client.get(path)
        durations.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, (path, response.status_code)
    with CaptureQueriesContext(connection) as queries:
        client.get(path)
    return statistics.median(durations), max(durations), len(queries)


@contextlib.contextmanager
def bench_database(suffix: str):
    """A fresh, migrated database next to DATABASE_URL's, dropped at the end."""
    name = connection.settings_dict["NAME"]
    connection.settings_dict.setdefault("TEST", {})["NAME"] = f"{name}_{suffix}"
    connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
    try:
        yield
    finally:
        connection.creation.destroy_test_db(name, verbosity=0)
