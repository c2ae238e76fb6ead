"""Control characters from outside (NUL above all: PostgreSQL refuses it in text) are stripped
from every parameter, form field and cookie before any view sees them
(``core.middleware.CleanInputMiddleware``)."""

import csv
import io
import json
import xml.etree.ElementTree as ET

import pytest

from networks.models import Application
from practices import services
from practices.models import Practice
from tests.practices.factories import PracticeFactory, make_editor, make_representative
from tests.practices.test_moderation import form_data

pytestmark = pytest.mark.django_db


def streamed(response) -> str:
    assert response.streaming
    return b"".join(response.streaming_content).decode("utf-8-sig")


def feed_titles(response) -> list[str]:
    root = ET.fromstring(response.content)  # noqa: S314 - our own feed
    return [e.text for e in root.iter("{http://www.w3.org/2005/Atom}title")]


@pytest.fixture
def atelier():
    PracticeFactory(title="Unrelated practice")
    return PracticeFactory(title="Atelier de couture", summary="Des masques cousus.")


@pytest.mark.parametrize("query", ["%00", "ate%00lier", "atelier%00%01%1F"])
def test_a_nul_in_the_search_gives_the_catalogue_searched_without_it(client, atelier, query):
    response = client.get(f"/practices/?q={query}")
    assert response.status_code == 200
    assert "Atelier de couture" in response.content.decode()


def test_a_nul_in_any_catalogue_filter_gives_the_catalogue(client, atelier):
    response = client.get(
        "/practices/?country=B%00E&sector=%00&type=initia%00tive&language=en%00&year_min=%002000"
        "&year_max=2030%00&sort=title%00&page=1%00"
    )
    assert response.status_code == 200
    assert "Atelier de couture" in response.content.decode()


def test_both_exports_with_a_nul_in_the_search_are_complete(client, atelier):
    rows = list(csv.DictReader(io.StringIO(streamed(client.get("/practices/export.csv?q=a%00te")))))
    assert [row["title"] for row in rows] == ["Atelier de couture"]
    records = json.loads(streamed(client.get("/practices/export.json?q=atelier%00")))
    assert [record["title"] for record in records] == ["Atelier de couture"]


def test_the_feed_with_a_nul_in_its_filters_is_valid_atom(client, atelier):
    response = client.get("/practices/feed/?q=%00atelier&country=%00")
    assert response.status_code == 200
    assert "Atelier de couture" in feed_titles(response)


def test_a_nul_in_the_session_cookie_is_an_anonymous_visit(client, atelier):
    # Django's cookie parser turns the octal escape \000 of a quoted value into a NUL.
    response = client.get("/practices/", HTTP_COOKIE='sessionid="abcdefghij\\000"')
    assert response.status_code == 200


def test_text_pasted_with_control_characters_is_stored_without_them(client):
    """Word pastes a manual line break as a vertical tab (\\x0b); stored, it would make the
    Atom feed unserialisable (XML 1.0 has no such character)."""
    submitter = make_representative()
    client.force_login(submitter)
    client.post(
        "/practices/contribute/",
        form_data(title="Vélo\x0bsolidaire\x00", summary="Des vélos\x0b réparés.\x01", save="1"),
    )
    practice = Practice.objects.get()
    assert (practice.title, practice.summary) == ("Vélosolidaire", "Des vélos réparés.")
    services.practice_submit(practice=practice, actor=submitter)
    services.practice_publish(practice=practice, actor=make_editor())
    client.logout()
    feed = client.get("/practices/feed/")
    assert feed.status_code == 200
    assert "Vélosolidaire" in feed_titles(feed)


def test_the_public_interest_form_with_a_nul_is_saved_without_it(client):
    response = client.post(
        "/join/interest/",
        {
            "organisation": "Réseau\x00 Sud",
            "country": "FR",
            "contact_name": "Anne\x00",
            "contact_email": "anne@example.org",
            "wise_count": "12",
            "message": "Bonjour\x00",
        },
    )
    assert response.status_code == 302
    application = Application.objects.get()
    assert (application.contact_name, application.network.legal_name) == ("Anne", "Réseau Sud")
