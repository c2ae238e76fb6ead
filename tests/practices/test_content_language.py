"""A practice is shown in the language it is written in: pages, the feed and the emails mark
it when that differs from theirs (WCAG 3.1.2)."""

import xml.etree.ElementTree as ET

import pytest

from ensie_portal.outbox.services import mail_render
from practices.models import Practice
from tests.factories import UserFactory
from tests.practices.factories import PracticeFactory

pytestmark = pytest.mark.django_db
ATOM = "{http://www.w3.org/2005/Atom}"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


@pytest.fixture
def practices():
    return {
        "fr": PracticeFactory(
            title="Une recyclerie solidaire",
            slug="recyclerie",
            summary="Collecter, réparer, revendre.",
            body="Une **recyclerie** emploie des personnes en insertion.",
            context="Un quartier sans emploi.",
            language="fr",
        ),
        "en": PracticeFactory(
            title="A repair café", slug="repair-cafe", summary="Repairing together.", language="en"
        ),
        "de": PracticeFactory(
            title="Eine Fahrradwerkstatt", slug="fahrrad", summary="Räder.", language="de"
        ),
        "other": PracticeFactory(
            title="Oficina de reparação", slug="oficina", summary="Reparar.", language="other"
        ),
    }


def test_the_english_list_marks_practices_written_in_other_languages(client, practices):
    html = client.get("/practices/").content.decode()
    assert '<h3 lang="fr"><a href="/practices/recyclerie/' in html
    assert '<p lang="fr">Collecter, réparer, revendre.</p>' in html
    assert '<h3 lang="de"><a href="/practices/fahrrad/' in html
    assert '<h3 lang=""><a href="/practices/oficina/' in html  # a language we cannot name
    assert '<h3><a href="/practices/repair-cafe/' in html


def test_the_french_list_marks_the_english_practice_only(client, practices):
    html = client.get("/fr/practices/").content.decode()
    assert '<h3><a href="/fr/practices/recyclerie/' in html
    assert '<h3 lang="en"><a href="/fr/practices/repair-cafe/' in html
    assert '<p lang="en">Repairing together.</p>' in html


def test_the_detail_page_marks_every_text_of_the_practice(client, practices):
    html = client.get("/practices/recyclerie/").content.decode()
    assert '<h1 lang="fr">Une recyclerie solidaire</h1>' in html
    assert '<p class="lead" lang="fr">Collecter, réparer, revendre.</p>' in html
    assert '<div class="prose" lang="fr"><p>Une <strong>recyclerie</strong>' in html
    assert '<h2>Context</h2><div lang="fr"><p>Un quartier sans emploi.</p>' in html
    french = client.get("/fr/practices/recyclerie/").content.decode()
    assert "<h1>Une recyclerie solidaire</h1>" in french


def test_each_feed_entry_carries_its_language(client, practices):
    root = ET.fromstring(client.get("/practices/feed/").content)  # noqa: S314 - our own feed
    assert root.get(XML_LANG) == "en"
    languages = {
        entry.find(f"{ATOM}title").text: entry.get(XML_LANG) for entry in root.iter(f"{ATOM}entry")
    }
    assert languages == {
        "Une recyclerie solidaire": "fr",
        "A repair café": "en",
        "Eine Fahrradwerkstatt": "de",
        "Oficina de reparação": "",
    }


def test_the_submitters_email_marks_the_title_in_its_html_part(practices):
    practice = practices["fr"]
    practice.status = Practice.Status.PUBLISHED
    context = {"practice": practice, "recipient": UserFactory(), "url": "https://portal.example/"}
    _subject, text, html = mail_render(
        template="practices_published", context=context, language="en"
    )
    assert "“Une recyclerie solidaire”" in text
    assert '“<span lang="fr">Une recyclerie solidaire</span>”' in html
    _subject, _text, french = mail_render(
        template="practices_published", context=context, language="fr"
    )
    assert '<span lang="fr">' not in french
