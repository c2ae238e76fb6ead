"""The CSV and JSON exports of the catalogue over HTTP, through gunicorn (PostgreSQL, Redis).

``python -m bench practices_export`` uses the database of ``practices_list`` (seeding it when
it is not there: BENCH_KEEPDB=1 keeps it between runs), starts gunicorn as production runs it
(sync worker, its default 30 s timeout; one worker, so that its memory is the exports'), and
downloads each export with http.client as any client would, counting the rows as they arrive:
rows per second from the request to the last byte, and the worker's peak resident memory
(VmHWM) after each export. Constant memory: the peak after every practice is the peak after
one country. Each export must be complete (the chunked body terminated, as many rows as its
``X-Total-Count``, the JSON parses). BENCH_EXPORT_RUNS=N downloads each export N times (3).
"""

import http.client
import json
import os
import statistics
import time
from pathlib import Path

from django.db import connection

from bench.practices_list import bench_cache, machine, seeded_database
from practices.models import Practice
from tests.integration import Gunicorn

RUNS = int(os.environ.get("BENCH_EXPORT_RUNS", "3"))
EMPTY = "/practices/export.csv?year_min=3000"
EXPORTS = [
    ("CSV", "one country", "/practices/export.csv?country=BE"),
    ("JSON", "one country", "/practices/export.json?country=BE"),
    ("CSV", "every practice", "/practices/export.csv"),
    ("JSON", "every practice", "/practices/export.json"),
]


def download(port: int, path: str) -> tuple[float, int, int]:
    """Seconds from the request to the last byte, rows received, and X-Total-Count."""
    began = time.perf_counter()
    client = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    client.request("GET", path)
    response = client.getresponse()
    assert response.status == 200, (path, response.status)
    assert response.getheader("Transfer-Encoding") == "chunked"
    announced = int(response.getheader("X-Total-Count"))
    lines, body = 0, []
    while block := response.read1(1 << 16):  # raises IncompleteRead if the stream is cut
        lines += block.count(b"\n")
        if path.startswith("/practices/export.json"):
            body.append(block)
    elapsed = time.perf_counter() - began
    client.close()
    # JSON: the records of the parsed document; CSV: the lines after the header.
    rows = len(json.loads(b"".join(body))) if body else lines - 1
    assert rows == announced, (path, rows, announced)
    return elapsed, rows, announced


def worker_pid(server: Gunicorn) -> int:
    master = server.process.pid
    (worker,) = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    return int(worker)


def worker_peak_mib(server: Gunicorn) -> float:
    for line in Path(f"/proc/{worker_pid(server)}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise AssertionError("no VmHWM")


def database_backend_pid() -> int:
    """The PostgreSQL backend serving the worker (its only connection, kept open)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database()"
            " AND backend_type = 'client backend' AND pid <> pg_backend_pid()"
        )
        (pid,) = cursor.fetchone()
    return pid


def cpu_seconds(pid: int) -> float:
    """User and system CPU time a process has used (the machine is shared: the wall time of a
    download depends on the other processes, its CPU time much less)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def main() -> None:
    if connection.vendor != "postgresql":
        print("The practices benchmark needs PostgreSQL (set DATABASE_URL).")
        return
    with seeded_database() as seeding, bench_cache():
        total = Practice.objects.published().count()
        # One database connection for the whole run, so that its backend's CPU time is read.
        server = Gunicorn(extra_env={"CONN_MAX_AGE": "3600"}).start()
        try:
            download(server.port, EMPTY)  # loads the code and opens the database connection
            started = worker_peak_mib(server)
            processes = (worker_pid(server), database_backend_pid())
            print(
                f"## Practices exports ({total:,} published practices; seeded in {seeding:.0f} s)"
            )
            print(
                f"\n{machine()}; gunicorn, 1 sync worker, default timeout (30 s); each export"
                f" downloaded {RUNS} times with http.client, its rows counted as they arrive\n"
            )
            print(
                "| export | rows | seconds, median (min-max) | rows/s, median "
                "| CPU s: worker + database, median | rows per CPU s "
                "| worker peak memory after it |"
            )
            print("|---|---:|---:|---:|---:|---:|---:|")
            print(
                f"| none: an empty export after start-up (`{EMPTY}`) | 0 | | | | "
                f"| {started:.0f} MiB |"
            )
            for kind, label, path in EXPORTS:
                timings, cpu = [], []
                for _ in range(RUNS):
                    before = [cpu_seconds(pid) for pid in processes]
                    elapsed, rows, _announced = download(server.port, path)
                    timings.append(elapsed)
                    used = [cpu_seconds(pid) - b for pid, b in zip(processes, before, strict=True)]
                    cpu.append(used)
                median = statistics.median(timings)
                worker_cpu = statistics.median(used[0] for used in cpu)
                database_cpu = statistics.median(used[1] for used in cpu)
                print(
                    f"| {kind}, {label} (`{path}`) | {rows:,} | {median:.2f} "
                    f"({min(timings):.2f}-{max(timings):.2f}) | {rows / median:,.0f} "
                    f"| {worker_cpu:.2f} + {database_cpu:.2f} "
                    f"| {rows / (worker_cpu + database_cpu):,.0f} "
                    f"| {worker_peak_mib(server):.0f} MiB |"
                )
        finally:
            server.stop()
