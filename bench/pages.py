"""Timing a page through the whole URL stack, shared by the page benchmarks."""

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
