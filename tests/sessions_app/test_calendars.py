"""Every calendar of the sessions area passes the strict reading of tests/calendars.py: the
feed, a session's .ics, and the files attached to the registrants' emails. Each keeps its UID
and raises its SEQUENCE when the session's time changes or the session is cancelled."""

import base64
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from ensie_portal.outbox.models import OutgoingMail
from sessions_app.services import (
    registration_cancel,
    reminders_send,
    session_cancel,
    session_link_set,
    session_update,
)
from sessions_app.tokens import CANCEL
from sessions_app.tokens import registration_token as signed_token
from tests.calendars import calendar_check
from tests.factories import make_organiser
from tests.sessions_app.factories import RegistrationFactory, SessionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def organiser():
    return make_organiser()


def attached_calendar(mail: OutgoingMail, *, method="PUBLISH"):
    [attachment] = mail.attachments
    assert attachment["mimetype"] == f"text/calendar; method={method}"
    return calendar_check(base64.b64decode(attachment["content_b64"]), method=method)


def signed(registration, purpose):
    return signed_token(registration=registration, purpose=purpose)


def the_event(calendar):
    [event] = calendar.walk("VEVENT")
    return event


def test_the_feed_is_a_conformant_published_calendar(client):
    SessionFactory(starts_at=datetime(2031, 3, 4, 9, 30, tzinfo=UTC))
    SessionFactory(starts_at=datetime(2031, 7, 8, 8, 0, tzinfo=UTC))  # summer time
    response = client.get(reverse("sessions_app:calendar"))
    calendar = calendar_check(response.content, method="PUBLISH")
    assert len(calendar.walk("VEVENT")) == 2
    assert str(calendar["X-WR-CALNAME"]) == "ENSIE online sessions"


def test_an_empty_feed_is_a_conformant_calendar(client):
    response = client.get(reverse("sessions_app:calendar"))
    assert calendar_check(response.content, method=None).walk("VEVENT") == []


def test_a_sessions_ics_is_conformant_and_names_the_secretariat_as_organiser(client):
    session = SessionFactory(starts_at=datetime(2031, 1, 10, 9, 30, tzinfo=UTC))
    response = client.get(reverse("sessions_app:ics", args=[session.slug]))
    event = the_event(calendar_check(response.content, method="PUBLISH"))
    assert str(event["UID"]) == f"session-{session.pk}@ensie.org"
    assert str(event["ORGANIZER"]) == "mailto:secretariat@ensie.org"


def test_the_sequence_rises_when_the_time_changes_and_only_then(client, organiser):
    session = SessionFactory(organisers=[organiser])
    ics_url = reverse("sessions_app:ics", args=[session.slug])

    def sequence():
        return the_event(calendar_check(client.get(ics_url).content, method="PUBLISH"))["SEQUENCE"]

    assert sequence() == 0
    session_update(session=session, actor=organiser, title="A new title")
    assert sequence() == 0
    session_update(
        session=session, actor=organiser, starts_at=session.starts_at + timedelta(hours=1)
    )
    assert sequence() == 1
    session_update(session=session, actor=organiser, ends_at=session.ends_at + timedelta(hours=1))
    assert sequence() == 2
    session_link_set(session=session, link="https://meet.example.org/j/1", actor=organiser)
    assert sequence() == 2  # the link is never in the calendar


def test_the_link_email_carries_a_conformant_calendar(
    organiser, django_capture_on_commit_callbacks
):
    session = SessionFactory(organisers=[organiser])
    registration = RegistrationFactory(session=session)
    with django_capture_on_commit_callbacks(execute=True):
        session_link_set(session=session, link="https://meet.example.org/j/1", actor=organiser)
    mail = OutgoingMail.objects.get(to_email=registration.email)
    event = the_event(attached_calendar(mail))
    assert str(event["UID"]) == f"session-{session.pk}@ensie.org"
    assert b"meet.example.org" not in base64.b64decode(mail.attachments[0]["content_b64"])


def test_a_reminder_after_a_change_of_time_carries_the_new_time_and_sequence(organiser):
    session = SessionFactory(organisers=[organiser])
    registration = RegistrationFactory(session=session, reminded_24h_at=timezone.now())
    new_start = (session.starts_at + timedelta(days=2)).replace(second=0, microsecond=0)
    session_update(
        session=session,
        actor=organiser,
        starts_at=new_start,
        ends_at=new_start + timedelta(hours=1),
    )
    with time_machine.travel(new_start - timedelta(hours=23)):
        assert reminders_send() == 1
    [reminder] = OutgoingMail.objects.filter(
        to_email=registration.email, key__startswith="sessions:reminder:"
    )
    event = the_event(attached_calendar(reminder))
    assert event.decoded("DTSTART").timestamp() == new_start.timestamp()
    assert event["SEQUENCE"] == 1


def test_the_cancellation_email_carries_the_cancelled_event_with_a_higher_sequence(organiser):
    session = SessionFactory(organisers=[organiser])
    registration = RegistrationFactory(session=session)
    session_cancel(session=session, actor=organiser, note_en="The speaker is ill.")
    mail = OutgoingMail.objects.get(key=f"sessions:cancelled:{registration.pk}")
    event = the_event(attached_calendar(mail))
    assert (str(event["STATUS"]), event["SEQUENCE"]) == ("CANCELLED", 1)
    session.refresh_from_db()
    assert session.calendar_sequence == 1


@pytest.mark.parametrize("status", ["confirmed", "waiting"])
def test_cancelling_ones_registration_removes_the_event_from_ones_calendar(client, status):
    """A registrant who held a seat (or waited for one) and cancels with the emailed link gets
    the event marked cancelled, newer than any file they had; a later registration's file is
    newer still."""
    session = SessionFactory(capacity=1)
    RegistrationFactory(session=session)  # holds the seat if ours waits
    registration = RegistrationFactory(session=session, status=status, language="fr")
    client.post(reverse("sessions_app:cancel", args=[signed(registration, CANCEL)]))
    [mail] = OutgoingMail.objects.filter(to_email=registration.email)
    assert mail.subject.startswith("Inscription annulée")
    assert "calendrier" in mail.body_text
    event = the_event(attached_calendar(mail))
    assert str(event["UID"]) == f"session-{session.pk}@ensie.org"
    assert (str(event["STATUS"]), event["SEQUENCE"]) == ("CANCELLED", 1)
    response = client.get(reverse("sessions_app:ics", args=[session.slug]))
    event = the_event(calendar_check(response.content, method="PUBLISH"))
    assert str(event["STATUS"]) == "CONFIRMED"
    assert event["SEQUENCE"] > 1  # newer than the cancelled copy: a calendar takes it


def test_an_organiser_removing_a_registrant_sends_the_cancelled_event(organiser):
    session = SessionFactory(organisers=[organiser])
    registration = RegistrationFactory(session=session)
    registration_cancel(registration=registration, actor=organiser, note="Duplicate.")
    [mail] = OutgoingMail.objects.filter(to_email=registration.email)
    assert "Duplicate." in mail.body_text
    assert "marks the event cancelled in your calendar" in mail.body_text
    assert str(the_event(attached_calendar(mail))["STATUS"]) == "CANCELLED"


def test_a_registration_never_confirmed_is_cancelled_without_email_or_new_sequence(client):
    registration = RegistrationFactory(status="pending", confirmed_at=None)
    client.post(reverse("sessions_app:cancel", args=[signed(registration, CANCEL)]))
    registration.refresh_from_db()
    assert registration.status == "cancelled"
    assert not OutgoingMail.objects.filter(to_email=registration.email).exists()
    registration.session.refresh_from_db()
    assert registration.session.calendar_sequence == 0


def test_the_email_attachment_is_sent_as_a_published_calendar():
    """The MIME part says what the file is for (RFC 6047): a calendar to add, not a request."""
    from ensie_portal.outbox.services import mail_message_build
    from sessions_app.services import participation_link_send

    session = SessionFactory(participation_link="https://meet.example.org/j/1", link_version=1)
    registration = RegistrationFactory(session=session)
    mail = participation_link_send(registration=registration)
    message = mail_message_build(mail, connection=None).message()
    [part] = [p for p in message.walk() if p.get_content_type() == "text/calendar"]
    assert part.get_param("method") == "PUBLISH"
