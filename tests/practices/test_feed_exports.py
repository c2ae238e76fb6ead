"""The Atom feed and the CSV and JSON exports hold exactly the filtered set, streamed."""

import csv
import io
import json
import xml.etree.ElementTree as ET
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from django.http import QueryDict, StreamingHttpResponse

from practices.models import Practice
from practices.selectors import practice_export
from tests.practices.factories import PracticeFactory, SectorFactory

pytestmark = pytest.mark.django_db
ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture
def practices():
    textile = SectorFactory(slug="textile", label_en="Textile")
    return {
        "be_textile": PracticeFactory(
            title="Belgian, textile; “quoted”", country="BE", sectors=[textile]
        ),
        "be_other": PracticeFactory(title="Belgian other", country="BE"),
        "fr_textile": PracticeFactory(
            title="Atelier de couture",
            country="FR",
            language="fr",
            summary="Couture de masques réutilisables.",
            sectors=[textile],
        ),
        "draft": PracticeFactory(title="Draft", country="BE", status=Practice.Status.DRAFT),
    }


def body(response) -> str:
    assert isinstance(response, StreamingHttpResponse)
    return b"".join(response.streaming_content).decode("utf-8")


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", {"Belgian, textile; “quoted”", "Belgian other", "Atelier de couture"}),
        ("country=BE", {"Belgian, textile; “quoted”", "Belgian other"}),
        ("sector=textile&country=BE", {"Belgian, textile; “quoted”"}),
        ("q=masque", {"Atelier de couture"}),
        ("country=DE", set()),
    ],
)
def test_feed_csv_and_json_hold_exactly_the_filtered_set(client, practices, query, expected):
    feed = client.get(f"/practices/feed/?{query}")
    assert feed["Content-Type"].startswith("application/atom+xml")
    root = ET.fromstring(feed.content)  # noqa: S314 - our own feed
    assert {e.find(f"{ATOM}title").text for e in root.iter(f"{ATOM}entry")} == expected

    rows = list(
        csv.DictReader(
            io.StringIO(body(client.get(f"/practices/export.csv?{query}")).lstrip("\ufeff"))
        )
    )
    assert {r["title"] for r in rows} == expected
    assert len(rows) == len(expected)

    records = json.loads(body(client.get(f"/practices/export.json?{query}")))
    assert {r["title"] for r in records} == expected
    assert len(records) == len(expected)


def test_export_rows_carry_the_taxonomy_and_an_absolute_link(client, practices):
    records = json.loads(body(client.get("/practices/export.json?country=FR")))
    assert records == [
        {
            "title": "Atelier de couture",
            "url": "http://testserver/practices/" + practices["fr_textile"].slug + "/",
            "summary": "Couture de masques réutilisables.",
            "organisation": "A social enterprise",
            "country": "FR",
            "region": "",
            "sectors": ["textile"],
            "themes": [],
            "type": "initiative",
            "language": "fr",
            "year": 2020,
            "website": "",
            "source": "",
            "published_at": practices["fr_textile"].published_at.isoformat(),
        }
    ]
    csv_text = body(client.get("/practices/export.csv?country=FR"))
    assert "attachment" in client.get("/practices/export.csv")["Content-Disposition"]
    assert "textile" in csv_text


def test_export_dates_are_utc_iso_8601_with_their_fraction_of_a_second(client):
    moments = [
        datetime(2024, 5, 6, 7, 8, 9, tzinfo=UTC),
        datetime(2024, 11, 6, 9, 8, 9, 120000, tzinfo=ZoneInfo("Europe/Brussels")),
    ]
    for n, moment in enumerate(moments):
        PracticeFactory(title=f"Practice {n}", published_at=moment)
    expected = ["2024-05-06T07:08:09+00:00", "2024-11-06T08:08:09.120000+00:00"]
    assert [moment.astimezone(UTC).isoformat() for moment in moments] == expected
    records = json.loads(body(client.get("/practices/export.json?sort=title")))
    assert [record["published_at"] for record in records] == expected
    text = body(client.get("/practices/export.csv?sort=title")).lstrip("\ufeff")
    assert [row["published_at"] for row in csv.DictReader(io.StringIO(text))] == expected


def test_exports_read_the_rows_in_chunks_without_a_query_per_row(practices):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries_of_an_export() -> tuple[int, list[int]]:
        with CaptureQueriesContext(connection) as queries:
            export = practice_export(params=QueryDict(""), chunk_size=10)
            sizes = [len(chunk) for chunk in export.chunks]
        assert export.total == sum(sizes)
        return len(queries), sizes

    few, sizes = queries_of_an_export()
    assert sizes == [3]
    PracticeFactory.create_batch(45, sectors=[SectorFactory(slug="textile")])
    many, sizes = queries_of_an_export()
    assert sizes == [10, 10, 10, 10, 8]
    assert many == few  # the count, the terms' names, the rows (fetched through one cursor)


def test_the_feed_lists_the_newest_first_and_links_back_to_the_filtered_list(client, practices):
    root = ET.fromstring(client.get("/practices/feed/?country=BE").content)  # noqa: S314 - our own feed
    link = root.find(f"{ATOM}link").get("href")
    assert link.endswith("/practices/?country=BE")
    titles = [e.find(f"{ATOM}title").text for e in root.iter(f"{ATOM}entry")]
    assert titles == ["Belgian other", "Belgian, textile; “quoted”"]


def test_the_csv_export_never_starts_a_cell_with_a_formula(client):
    PracticeFactory(title='=HYPERLINK("http://evil.example","Open")', organisation="@SUM(A1)")
    rows = list(
        csv.DictReader(io.StringIO(body(client.get("/practices/export.csv")).lstrip("\ufeff")))
    )
    assert rows[0]["title"] == '\'=HYPERLINK("http://evil.example","Open")'
    assert rows[0]["organisation"] == "'@SUM(A1)"
