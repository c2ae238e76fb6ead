"""Sessions in English and French: each page, email and calendar shows the version in its own
language, else the other one, marked with its language (WCAG 3.1.2)."""

import base64
import re

import pytest
from django.urls import reverse
from django.utils import translation

from ensie_portal.outbox.models import OutgoingMail
from sessions_app.models import Session
from sessions_app.services import session_cancel, session_link_set
from tests.calendars import calendar_check
from tests.factories import make_organiser
from tests.sessions_app.factories import RegistrationFactory, SessionFactory, SpeakerFactory
from tests.sessions_app.helpers import mails_to, register

pytestmark = pytest.mark.django_db

ENGLISH_ONLY = {
    "title": "Work Integration Social Enterprises",
    "summary": "WISEs share what they learnt during the crisis.",
    "description": "They **kept** their activity running.",
    "discussion_points": "Masks\nResilience",
    "format": "15-25 min presentation.",
    "access_note": "Browser access is possible.",
}
BOTH = {
    **ENGLISH_ONLY,
    "title_fr": "Les entreprises sociales d’insertion",
    "summary_fr": "Des ESI partagent ce qu’elles ont appris pendant la crise.",
    "description_fr": "Elles ont **maintenu** leur activité.",
    "discussion_points_fr": "Masques\nRésilience",
    "format_fr": "Présentation de 15 à 25 min.",
    "access_note_fr": "L’accès par le navigateur est possible.",
}


def _page(client, session, language):
    prefix = "/fr" if language == "fr" else ""
    with translation.override(language):
        path = session.get_absolute_url()
    return client.get(prefix + path.removeprefix(prefix)).content.decode()


def test_each_page_shows_the_version_in_its_language_unmarked(client):
    session = SessionFactory(**BOTH)
    english, french = _page(client, session, "en"), _page(client, session, "fr")
    assert "Online session" in english
    assert "Work Integration Social Enterprises</h1>" in english
    assert "<p>WISEs share what they learnt during the crisis.</p>" in english
    assert "Les entreprises sociales d’insertion</h1>" in french
    assert "<p>Des ESI partagent ce qu’elles ont appris pendant la crise.</p>" in french
    assert '<div class="prose"><p>Elles ont <strong>maintenu</strong>' in french
    assert "<li>Résilience</li>" in french
    assert "Work Integration" not in french
    assert ' lang="en"' not in french.split("<main", 1)[1].split("</main>", 1)[0]


def test_a_french_page_shows_english_text_marked_as_english(client):
    session = SessionFactory(**ENGLISH_ONLY)
    french = _page(client, session, "fr")
    assert '<span lang="en">Work Integration Social Enterprises</span></h1>' in french
    assert '<p lang="en">WISEs share what they learnt during the crisis.</p>' in french
    assert '<div class="prose" lang="en"><p>They <strong>kept</strong>' in french
    assert '<ul lang="en"><li>Masks</li>' in french
    assert '<p lang="en">15-25 min presentation.</p>' in french
    assert '<p lang="en">Browser access is possible.</p>' in french
    listing = client.get("/fr/sessions/").content.decode()
    assert '<span lang="en">Work Integration Social Enterprises</span></a></h3>' in listing
    assert '<p lang="en">WISEs share' in listing


def test_an_english_page_shows_a_french_only_session_marked_as_french(client):
    session = SessionFactory(
        title="", title_fr="Économie sociale", summary="", summary_fr="Résumé."
    )
    english = _page(client, session, "en")
    assert '<span lang="fr">Économie sociale</span></h1>' in english
    assert '<p lang="fr">Résumé.</p>' in english


def test_speakers_biographies_are_marked_with_their_language(client):
    session = SessionFactory(**BOTH)
    SpeakerFactory(session=session, role="Directeur", biography="Dirige un réseau.", language="fr")
    english = _page(client, session, "en")
    assert '<span lang="fr">Directeur</span>' in english
    assert '<p lang="fr">Dirige un réseau.</p>' in english
    french = _page(client, session, "fr")
    assert "<p>Dirige un réseau.</p>" in french


def test_a_cancellation_note_is_shown_in_the_page_language_else_marked():
    organiser = make_organiser()
    session = SessionFactory(**BOTH, organisers=[organiser])
    session_cancel(session=session, actor=organiser, note_fr="Les intervenants sont malades.")
    session.refresh_from_db()
    with translation.override("en"):
        assert session.cancellation_note == "Les intervenants sont malades."
        assert session.cancellation_note.language == "fr"


# --- Organisers write both ------------------------------------------------------------------


def _form(**overrides):
    return {
        "number": 40,
        "slug": "bilingual",
        "starts_at": "2031-03-04T10:30",
        "ends_at": "2031-03-04T12:00",
        **overrides,
    }


def test_the_organisers_form_edits_both_languages(client_for):
    organiser = make_organiser()
    client = client_for(organiser)
    html = client.get(reverse("sessions_app:manage_create")).content.decode()
    assert 'name="title_en"' in html
    assert re.search(
        r'<input[^>]*name="title_fr"[^>]*lang="fr"|lang="fr"[^>]*name="title_fr"', html
    )
    assert re.search(r'<textarea[^>]*name="description_fr"', html)
    client.post(
        reverse("sessions_app:manage_create"),
        _form(title_fr="Seulement en français", summary_fr="Un résumé."),
    )
    created = Session.objects.get(number=40)
    assert (created.title_en, created.title_fr) == ("", "Seulement en français")
    created.organisers.add(organiser)
    client.post(
        reverse("sessions_app:manage_edit", args=[created.pk]),
        _form(title_en="Now in English too", title_fr="Seulement en français"),
    )
    created.refresh_from_db()
    assert created.title_en == "Now in English too"


def test_a_session_needs_a_title_in_one_language_at_least(client_for):
    client = client_for(make_organiser())
    response = client.post(reverse("sessions_app:manage_create"), _form(summary_en="Kept summary."))
    html = response.content.decode()
    assert "Give the title in English, in French or in both." in html
    assert "Kept summary." in html
    assert not Session.objects.filter(number=40).exists()


def test_the_database_refuses_a_session_without_any_title():
    from django.db import IntegrityError

    with pytest.raises(IntegrityError):
        SessionFactory(title="", title_fr="")


# --- Emails and calendars -------------------------------------------------------------------


def _calendar_summary(content: bytes) -> str:
    calendar = calendar_check(content, method="PUBLISH")
    return str(next(iter(calendar.walk("VEVENT")))["SUMMARY"])


def test_a_french_registrant_of_an_english_only_session_gets_its_title_marked_in_html():
    session = SessionFactory(**ENGLISH_ONLY)
    register(session, email="lea@example.fr", language="fr")
    [mail] = mails_to("lea@example.fr")
    assert "Work Integration Social Enterprises" in mail.subject
    assert "« Work Integration Social Enterprises »" in mail.body_text or (
        "“Work Integration Social Enterprises”" in mail.body_text
    )
    assert "<span" not in mail.body_text
    assert '<span lang="en">Work Integration Social Enterprises</span>' in mail.body_html
    assert 'lang="fr"' in mail.body_html.split(">", 2)[1]  # <html lang="fr">


def test_each_registrant_reads_the_session_in_their_language():
    session = SessionFactory(**BOTH)
    register(session, email="ann@example.org", language="en")
    register(session, email="lea@example.fr", language="fr")
    [english] = mails_to("ann@example.org")
    [french] = mails_to("lea@example.fr")
    assert "Work Integration Social Enterprises" in english.subject
    assert "Les entreprises sociales d’insertion" in french.subject
    assert "Les entreprises sociales d’insertion" in french.body_html
    assert 'lang="en"' not in french.body_html
    assert "Work Integration" not in french.body_text


def test_the_calendar_attachment_follows_the_registrants_language(
    django_capture_on_commit_callbacks,
):
    organiser = make_organiser()
    session = SessionFactory(**BOTH, organisers=[organiser])
    RegistrationFactory(session=session, email="lea@example.fr", language="fr")
    RegistrationFactory(session=session, email="ann@example.org", language="en")
    with django_capture_on_commit_callbacks(execute=True):
        session_link_set(session=session, link="https://meet.example.org/j/1", actor=organiser)
    summaries = {}
    for mail in OutgoingMail.objects.filter(key__startswith="sessions:link:"):
        [attachment] = mail.attachments
        summaries[mail.to_email] = _calendar_summary(base64.b64decode(attachment["content_b64"]))
    assert summaries == {
        "lea@example.fr": "Les entreprises sociales d’insertion",
        "ann@example.org": "Work Integration Social Enterprises",
    }


def test_the_cancellation_email_carries_the_note_in_the_registrants_language_else_marked():
    organiser = make_organiser()
    session = SessionFactory(**BOTH, organisers=[organiser])
    RegistrationFactory(session=session, email="ann@example.org", language="en")
    RegistrationFactory(session=session, email="lea@example.fr", language="fr")
    session_cancel(session=session, actor=organiser, note_fr="Les intervenants sont malades.")
    [english] = mails_to("ann@example.org")
    [french] = mails_to("lea@example.fr")
    assert "Les intervenants sont malades." in english.body_text
    assert '<span lang="fr">Les intervenants sont malades.</span>' in english.body_html
    assert '<span lang="fr">' not in french.body_html
    assert "Les intervenants sont malades." in french.body_html


@pytest.mark.parametrize(
    ("prefix", "title"),
    [("", "Work Integration Social Enterprises"), ("/fr", "Les entreprises sociales d’insertion")],
)
def test_the_public_calendars_follow_the_language_of_the_page(client, prefix, title):
    session = SessionFactory(**BOTH)
    one = client.get(f"{prefix}/sessions/{session.slug}/session.ics").content
    assert _calendar_summary(one) == title
    english_only = SessionFactory(**ENGLISH_ONLY)
    other = client.get(f"{prefix}/sessions/{english_only.slug}/session.ics").content
    assert _calendar_summary(other) == "Work Integration Social Enterprises"


def test_an_email_request_may_name_the_session_by_its_french_title():
    from sessions_app.inbound import match_session, parse_message
    from tests import mail_samples as samples

    session = SessionFactory(**BOTH)
    message = parse_message(
        samples.raw(subject="Inscription : Les entreprises sociales d’insertion", body="Bonjour")
    )
    assert match_session(message, [session], mailbox=samples.MAILBOX) == session
