"""The exports over HTTP, through the real gunicorn: complete and announced, or visibly cut.

gunicorn sends a response without Content-Length in chunked transfer encoding (HTTP/1.1) and
ends it with an empty chunk only when the stream ends normally. An export cut by an error or a
killed worker must therefore stay unterminated, so that clients report an incomplete transfer
rather than save part of the catalogue as if it were all of it.
"""

import csv
import http.client
import io
import json
import time

import pytest
from django.db import connection, transaction

from practices.models import Practice
from tests.integration import Gunicorn
from tests.practices.factories import PracticeFactory, SectorFactory

pytestmark = pytest.mark.django_db(transaction=True)
# Short enough for a test to wait for; the exports below take a few milliseconds.
WORKER_TIMEOUT = 3


@pytest.fixture(scope="module")
def gunicorn(django_db_setup):
    server = Gunicorn(args=("--timeout", str(WORKER_TIMEOUT), "--graceful-timeout", "1"))
    yield server.start()
    server.stop()


@pytest.fixture
def catalogue():
    textile = SectorFactory(slug="textile")
    practices = [
        PracticeFactory(title=f"Practice {n}, “quoted”", sectors=[textile] if n % 2 else [])
        for n in range(7)
    ]
    PracticeFactory(title="Draft", status=Practice.Status.DRAFT)
    return practices


def get(server, path: str) -> http.client.HTTPResponse:
    client = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
    client.request("GET", path)
    return client.getresponse()


def test_a_complete_export_holds_every_published_practice_and_says_how_many(gunicorn, catalogue):
    response = get(gunicorn, "/practices/export.csv")
    assert response.status == 200
    assert response.getheader("Transfer-Encoding") == "chunked"
    assert response.getheader("X-Total-Count") == "7"
    rows = list(csv.DictReader(io.StringIO(response.read().decode().lstrip("\ufeff"))))
    assert sorted(row["title"] for row in rows) == sorted(p.title for p in catalogue)

    response = get(gunicorn, "/practices/export.json?sector=textile")
    assert response.getheader("X-Total-Count") == "3"
    records = json.loads(response.read())
    assert [record["sectors"] for record in records] == [["textile"]] * 3


def _export_waiting_for_the_database():
    """Hold the sectors table: the export's worker has sent the headers and the CSV header
    row, and waits to name the sectors of its first rows. Yields the waiting backend's pid."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("LOCK TABLE practices_sector IN ACCESS EXCLUSIVE MODE")
        yield lambda: _waiting_backend(cursor)


def _waiting_backend(cursor) -> int:
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        cursor.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database()"
            " AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()"
        )
        if row := cursor.fetchone():
            return row[0]
        time.sleep(0.05)
    raise AssertionError("the export never waited for the sectors table")


def rows_in(body: bytes, fmt: str) -> list:
    """The practices of a whole export (raises on a JSON export that is not whole)."""
    if fmt == "csv":
        return list(csv.DictReader(io.StringIO(body.decode().lstrip("\ufeff"))))
    return json.loads(body)


@pytest.mark.parametrize("fmt", ["csv", "json"])
@pytest.mark.parametrize("failure", ["database connection lost", "worker timed out"])
def test_an_export_cut_mid_stream_never_looks_complete(gunicorn, catalogue, failure, fmt):
    waiting = _export_waiting_for_the_database()
    waiting_backend = next(waiting)
    try:
        response = get(gunicorn, f"/practices/export.{fmt}")
        assert response.status == 200  # already sent when the stream breaks
        total = int(response.getheader("X-Total-Count"))
        pid = waiting_backend()
        if failure == "database connection lost":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
        # Otherwise the worker waits until gunicorn's timeout kills it.
        with pytest.raises(http.client.IncompleteRead) as cut:
            response.read()
    finally:
        waiting.close()
    received = cut.value.partial
    if fmt == "csv":
        lines = received.decode().lstrip("\ufeff").splitlines()
        assert lines[0].startswith("title,url,summary")
        assert len(lines) - 1 < total == 7
    else:
        assert received.startswith(b"[")
        with pytest.raises(json.JSONDecodeError):  # what was received does not even parse
            json.loads(received)
    # The next export is whole again (a new worker, or a new database connection).
    assert len(rows_in(get(gunicorn, f"/practices/export.{fmt}").read(), fmt)) == total
