from datetime import UTC, timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from ensie_portal.outbox.models import OutgoingMail
from sessions_app.models import Registration
from sessions_app.tokens import CANCEL, CONFIRM, registration_token
from tests.calendars import calendar_check
from tests.sessions_app.factories import RegistrationFactory, SessionFactory, SpeakerFactory
from tests.sessions_app.helpers import token_in

pytestmark = pytest.mark.django_db

FORM = {
    "name": "Ada Lovelace",
    "email": "ada@example.org",
    "organisation": "A WISE",
    "country": "BE",
    "question": "How do you fund training?",
    "consent": "on",
}


def test_the_list_shows_upcoming_sessions_first_then_past_ones(client):
    now = timezone.now()
    past = SessionFactory(title="Past one", starts_at=now - timedelta(days=30))
    later = SessionFactory(title="Later one", starts_at=now + timedelta(days=30))
    soon = SessionFactory(title="Soon one", starts_at=now + timedelta(days=3))
    SessionFactory(title="Draft one", status="draft")
    html = client.get(reverse("sessions_app:list")).content.decode()
    assert html.index(soon.title) < html.index(later.title) < html.index(past.title)
    assert "Draft one" not in html


def test_the_list_needs_a_fixed_number_of_queries(client, django_assert_max_num_queries):
    for _ in range(5):
        SpeakerFactory.create_batch(3, session=SessionFactory())
    SessionFactory.create_batch(3, starts_at=timezone.now() - timedelta(days=40))
    with django_assert_max_num_queries(8):
        assert client.get(reverse("sessions_app:list")).status_code == 200


def test_the_page_shows_the_session_in_brussels_time_with_its_speakers_never_the_link(client):
    session = SessionFactory(
        starts_at=timezone.datetime(2031, 6, 5, 8, 30, tzinfo=UTC),
        ends_at=timezone.datetime(2031, 6, 5, 10, 0, tzinfo=UTC),
        participation_link="https://meet.example.org/j/very-secret",
        partners="ENSIE\nEASPD",
        discussion_points="Masks\nResilience",
    )
    SpeakerFactory(session=session, name="Olivier Dupuis", country="FR")
    html = client.get(session.get_absolute_url()).content.decode()
    assert "10:30" in html
    assert "12:00" in html
    assert "Brussels time, CEST" in html
    assert "Olivier Dupuis" in html
    assert "France" in html
    assert "EASPD" in html
    assert "Resilience" in html
    assert "very-secret" not in html
    assert "Open until the session starts" in html


def test_the_detail_page_query_count_is_fixed(client, django_assert_max_num_queries):
    session = SessionFactory()
    SpeakerFactory.create_batch(5, session=session)
    with django_assert_max_num_queries(6):
        client.get(session.get_absolute_url())


def test_a_draft_is_not_public(client):
    session = SessionFactory(status="draft")
    assert client.get(session.get_absolute_url()).status_code == 404


def test_a_full_session_offers_the_waiting_list(client):
    session = SessionFactory(capacity=1)
    RegistrationFactory(session=session)
    html = client.get(session.get_absolute_url()).content.decode()
    assert "Full: join the waiting list" in html


def test_a_started_session_is_closed(client):
    session = SessionFactory(starts_at=timezone.now() - timedelta(minutes=5))
    html = client.get(session.get_absolute_url()).content.decode()
    assert "Closed." in html
    assert 'name="email"' not in html


def test_registering_sends_the_confirmation_email_in_the_page_language(client):
    session = SessionFactory()
    response = client.post(f"/fr{reverse('sessions_app:register', args=[session.slug])}", FORM)
    assert response.status_code == 302
    registration = Registration.objects.get()
    assert registration.language == "fr"
    assert registration.question == "How do you fund training?"
    assert registration.consent_at is not None
    mail = OutgoingMail.objects.get()
    assert mail.language == "fr"
    assert "/fr/sessions/registration/confirm/" in mail.body_text


def test_bad_input_is_explained_next_to_the_field_and_kept(client):
    session = SessionFactory()
    data = {**FORM, "email": "not-an-email"}
    del data["consent"]
    response = client.post(reverse("sessions_app:register", args=[session.slug]), data)
    html = response.content.decode()
    assert response.status_code == 400
    assert 'id="id_email_errors"' in html
    assert 'aria-describedby="id_email_errors"' in html
    assert "Please agree to the processing of your data." in html
    assert 'value="not-an-email"' in html
    assert 'value="Ada Lovelace"' in html
    assert Registration.objects.count() == 0


def test_an_email_address_longer_than_its_column_is_refused_next_to_the_field(client):
    """Valid, but longer than the 254 characters stored: it gave a server error."""
    session = SessionFactory()
    email = "a" * 64 + "@" + ".".join(["b" * 60] * 3 + ["c" * 30]) + ".org"
    response = client.post(
        reverse("sessions_app:register", args=[session.slug]), {**FORM, "email": email}
    )
    assert response.status_code == 400
    assert 'id="id_email_errors"' in response.content.decode()
    assert Registration.objects.count() == 0


def test_the_consent_links_the_privacy_page(client):
    session = SessionFactory()
    html = client.get(session.get_absolute_url()).content.decode()
    assert f'href="{reverse("core:privacy")}"' in html


def test_a_form_opened_before_the_start_and_sent_after_is_refused(client):
    session = SessionFactory()
    with time_machine.travel(session.starts_at - timedelta(minutes=2)):
        assert client.get(session.get_absolute_url()).status_code == 200
    with time_machine.travel(session.starts_at + timedelta(seconds=5)):
        response = client.post(reverse("sessions_app:register", args=[session.slug]), FORM)
    assert response.status_code == 400
    assert "the session has started" in response.content.decode()
    assert Registration.objects.count() == 0


def test_registration_is_rate_limited(client):
    session = SessionFactory()
    url = reverse("sessions_app:register", args=[session.slug])
    for n in range(10):
        client.post(url, {**FORM, "email": f"p{n}@example.org"})
    response = client.post(url, {**FORM, "email": "one-more@example.org"})
    assert response.status_code == 429
    assert "Too many attempts" in response.content.decode()
    assert Registration.objects.count() == 10


def test_the_confirmation_link_asks_before_confirming(client):
    session = SessionFactory()
    client.post(reverse("sessions_app:register", args=[session.slug]), FORM)
    url = reverse("sessions_app:confirm", args=[token_in(OutgoingMail.objects.get(), "confirm")])
    response = client.get(url)
    assert "Confirm my registration" in response.content.decode()
    assert Registration.objects.get().status == Registration.Status.PENDING
    response = client.post(url, follow=True)
    assert Registration.objects.get().status == Registration.Status.CONFIRMED
    assert "Your registration is confirmed" in response.content.decode()


def test_a_tampered_link_shows_a_clear_page(client):
    registration = RegistrationFactory(status=Registration.Status.PENDING)
    token = registration_token(registration=registration, purpose=CONFIRM)
    response = client.post(reverse("sessions_app:confirm", args=[token + "x"]))
    assert response.status_code == 400
    assert "This link is not valid" in response.content.decode()
    registration.refresh_from_db()
    assert registration.status == Registration.Status.PENDING


def test_an_expired_confirmation_link_is_refused_after_the_start(client):
    registration = RegistrationFactory(status=Registration.Status.PENDING)
    url = reverse(
        "sessions_app:confirm",
        args=[registration_token(registration=registration, purpose=CONFIRM)],
    )
    with time_machine.travel(registration.session.starts_at + timedelta(minutes=1)):
        response = client.post(url)
    assert response.status_code == 400
    assert "expired" in response.content.decode()


def test_cancelling_asks_for_confirmation_then_frees_the_seat(client):
    session = SessionFactory(capacity=1)
    registration = RegistrationFactory(session=session)
    waiting = RegistrationFactory(session=session, status=Registration.Status.WAITING)
    url = reverse(
        "sessions_app:cancel",
        args=[registration_token(registration=registration, purpose=CANCEL)],
    )
    assert "Yes, cancel my registration" in client.get(url).content.decode()
    registration.refresh_from_db()
    assert registration.status == Registration.Status.CONFIRMED
    client.post(url)
    registration.refresh_from_db()
    waiting.refresh_from_db()
    assert registration.status == Registration.Status.CANCELLED
    assert waiting.status == Registration.Status.CONFIRMED


def test_the_session_ics_parses_back_with_the_brussels_time_zone(client):
    session = SessionFactory(
        title="Work Integration Social Enterprises",
        starts_at=timezone.datetime(2031, 1, 10, 9, 30, tzinfo=UTC),
        ends_at=timezone.datetime(2031, 1, 10, 11, 0, tzinfo=UTC),
        participation_link="https://meet.example.org/j/secret",
    )
    response = client.get(reverse("sessions_app:ics", args=[session.slug]))
    assert response["Content-Type"].startswith("text/calendar")
    calendar = calendar_check(response.content, method="PUBLISH")
    [event] = calendar.walk("VEVENT")
    assert str(event["SUMMARY"]) == "Work Integration Social Enterprises"
    start = event.decoded("DTSTART")
    assert str(start.tzinfo) == "Europe/Brussels"
    assert (start.hour, start.minute) == (10, 30)
    assert event.decoded("DTEND").hour == 12
    assert [tz["TZID"] for tz in calendar.walk("VTIMEZONE")] == ["Europe/Brussels"]
    assert b"meet.example.org/j/secret" not in response.content


def test_the_calendar_feed_lists_upcoming_visible_sessions_only(client):
    upcoming = SessionFactory(title="Upcoming")
    SessionFactory(title="Over", starts_at=timezone.now() - timedelta(days=3))
    SessionFactory(title="Hidden draft", status="draft")
    feed = client.get(reverse("sessions_app:calendar")).content
    calendar = calendar_check(feed, method="PUBLISH")
    assert [str(e["SUMMARY"]) for e in calendar.walk("VEVENT")] == [upcoming.title]


def test_the_country_list_is_in_the_page_language(client):
    # The form class is loaded (in English) before the French request, as in a running server.
    from sessions_app.forms import RegistrationForm

    assert RegistrationForm
    session = SessionFactory()
    english = client.get(reverse("sessions_app:detail", args=[session.slug])).content.decode()
    french = client.get(f"/fr{reverse('sessions_app:detail', args=[session.slug])}")
    assert '<option value="DE">Germany</option>' in english
    assert '<option value="DE">Allemagne</option>' in french.content.decode()


def test_a_registration_keeps_the_chosen_country(client):
    session = SessionFactory()
    client.post(reverse("sessions_app:register", args=[session.slug]), FORM)
    assert Registration.objects.get().country == "BE"


def test_the_heading_follows_each_languages_typography(client):
    session = SessionFactory(number=7, title="Work Integration Social Enterprises")
    english = client.get(f"/sessions/{session.slug}/").content.decode()
    french = client.get(f"/fr/sessions/{session.slug}/").content.decode()
    assert "Online session 7: Work Integration Social Enterprises</h1>" in english
    # The session has an English title only: the French page shows it, marked as English.
    assert (
        'Session en ligne 7\u00a0: <span lang="en">Work Integration Social Enterprises</span></h1>'
        in french
    )
