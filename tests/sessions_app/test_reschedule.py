"""A change of a session's time is emailed to everyone holding or waiting for a seat, in their
language, with the updated .ics, once per change, through the outbox after the commit."""

import base64
from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from ensie_portal.core.workflow import audit_trail
from ensie_portal.outbox.models import OutgoingMail
from sessions_app.models import Registration, Session
from sessions_app.services import reschedule_notices_queue, session_update
from tests.calendars import calendar_check
from tests.factories import make_organiser, make_staff
from tests.sessions_app.factories import RegistrationFactory, SessionFactory
from tests.sessions_app.helpers import run_in_parallel

pytestmark = pytest.mark.django_db


@pytest.fixture
def organiser():
    return make_organiser()


@pytest.fixture
def session(organiser):
    return SessionFactory(organisers=[organiser])


def notices(**filters):
    return list(
        OutgoingMail.objects.filter(key__startswith="sessions:rescheduled:", **filters).order_by(
            "pk"
        )
    )


def move(session, actor, *, hours=1):
    """Move the session by ``hours``, committed (the notices go out after the commit)."""
    return session_update(
        session=session,
        actor=actor,
        starts_at=session.starts_at + timedelta(hours=hours),
        ends_at=session.ends_at + timedelta(hours=hours),
    )


def test_every_confirmed_and_waiting_registrant_is_told_in_their_language(
    session, organiser, django_capture_on_commit_callbacks
):
    confirmed = RegistrationFactory(session=session, language="en")
    waiting = RegistrationFactory(session=session, status="waiting", language="fr")
    pending = RegistrationFactory(session=session, status="pending")
    cancelled = RegistrationFactory(session=session, status="cancelled")
    with django_capture_on_commit_callbacks(execute=True):
        move(session, organiser, hours=2)
    session.refresh_from_db()
    assert {m.to_email for m in notices()} == {confirmed.email, waiting.email}
    [english] = notices(to_email=confirmed.email)
    [french] = notices(to_email=waiting.email)
    assert english.subject == f"New time: {session.title}"
    assert "has a new time" in english.body_text
    assert "Your seat is kept" in english.body_text
    assert french.language == "fr"
    assert "nouvel horaire" in french.body_text
    assert "liste d’attente" in french.body_text
    local = session.local_start
    assert f"{local:%H:%M}" in english.body_text
    assert {m.status for m in notices()} == {OutgoingMail.Status.SENT}
    for mail in notices():
        [attachment] = mail.attachments
        calendar = calendar_check(base64.b64decode(attachment["content_b64"]), method="PUBLISH")
        [event] = calendar.walk("VEVENT")
        assert event["SEQUENCE"] == 1
        assert (
            event.decoded("DTSTART").timestamp()
            == session.starts_at.replace(microsecond=0).timestamp()
        )
    assert not notices(to_email=pending.email)
    assert not notices(to_email=cancelled.email)


def test_nothing_is_sent_before_the_change_is_committed(
    session, organiser, django_capture_on_commit_callbacks
):
    RegistrationFactory(session=session)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        move(session, organiser)
    # The notice commits with the change (nothing can lose it) and goes after it.
    assert [m.status for m in notices()] == [OutgoingMail.Status.QUEUED]
    for callback in callbacks:
        callback()
    assert [m.status for m in notices()] == [OutgoingMail.Status.SENT]


def test_saving_the_same_time_again_sends_nothing_and_a_second_change_sends_again(
    session, organiser, django_capture_on_commit_callbacks
):
    registration = RegistrationFactory(session=session)
    with django_capture_on_commit_callbacks(execute=True):
        move(session, organiser)
    with django_capture_on_commit_callbacks(execute=True):
        session_update(
            session=session,
            actor=organiser,
            starts_at=session.starts_at,
            ends_at=session.ends_at,
            title="Same time, new title",
        )
    assert len(notices()) == 1
    with django_capture_on_commit_callbacks(execute=True):
        move(session, organiser)
    first, second = notices(to_email=registration.email)
    assert first.key == f"sessions:rescheduled:{registration.pk}:session{session.pk}:seq1"
    assert second.key == f"sessions:rescheduled:{registration.pk}:session{session.pk}:seq2"
    session.refresh_from_db()
    assert session.calendar_sequence == 2
    entries = audit_trail(session).filter(action="reschedule")
    assert [e.data["calendar_sequence"] for e in entries] == [1, 2]


def test_queueing_the_notices_of_a_change_twice_writes_each_once(session, organiser):
    RegistrationFactory.create_batch(3, session=session)
    move(session, organiser)
    session.refresh_from_db()
    assert len(notices()) == 3
    assert reschedule_notices_queue(session=session) == []
    assert len(notices()) == 3


@pytest.mark.parametrize(
    "state",
    ["draft", "cancelled", "over"],
)
def test_no_one_is_told_when_the_session_is_not_open(
    organiser, state, django_capture_on_commit_callbacks
):
    if state == "over":
        session = SessionFactory(
            organisers=[organiser], starts_at=timezone.now() - timedelta(days=3)
        )
    else:
        session = SessionFactory(organisers=[organiser], status=state)
    RegistrationFactory(session=session)
    with django_capture_on_commit_callbacks(execute=True):
        session_update(
            session=session, actor=organiser, ends_at=session.ends_at + timedelta(minutes=30)
        )
    assert notices() == []


def test_the_mail_merge_gives_each_person_the_message_they_would_get_alone(session, organiser):
    from sessions_app.bulk_mail import rescheduled_rows
    from sessions_app.mails import rescheduled_mail
    from sessions_app.services import mail_queue

    names = ["Zoë O'Brien <&> Co", "see www.example.com", "Dr. Jan Novák"]
    registrations = [
        RegistrationFactory(session=session, name=name, language=language, status=status)
        for name, language, status in zip(
            names, ["en", "fr", "fr"], ["confirmed", "waiting", "confirmed"], strict=True
        )
    ]
    with time_machine.travel(timezone.now(), tick=False):  # the same DTSTAMP in the .ics
        rows = rescheduled_rows(session, registrations, sequence=1)
        alone = [mail_queue(**rescheduled_mail(r, key=f"alone{r.pk}")) for r in registrations]
    for row, single, registration in zip(rows, alone, registrations, strict=True):
        assert (row.subject, row.body_text, row.body_html) == (
            single.subject,
            single.body_text,
            single.body_html,
        )
        assert row.attachments == single.attachments
        assert escape(registration.name).split(" www.")[0] in single.body_html


def test_the_edit_page_says_the_registrants_are_told(client_for, session, organiser):
    RegistrationFactory(session=session)
    local = session.local_start + timedelta(hours=1)
    data = {
        "number": session.number,
        "title_en": session.title,
        "slug": session.slug,
        "starts_at": f"{local:%Y-%m-%dT%H:%M}",
        "ends_at": f"{local + timedelta(hours=2):%Y-%m-%dT%H:%M}",
    }
    response = client_for(organiser).post(
        reverse("sessions_app:manage_edit", args=[session.pk]), data, follow=True
    )
    assert "registrants are emailed the new time" in response.content.decode()


def test_a_change_of_time_in_the_admin_is_told_too(
    client_for, session, django_capture_on_commit_callbacks
):
    registration = RegistrationFactory(session=session)
    client = client_for(make_staff(is_superuser=True))
    change = reverse("admin:sessions_app_session_change", args=[session.pk])
    form = client.get(change).context["adminform"].form
    data = {
        name: value
        for name, value in form.initial.items()
        if name not in ("organisers", "starts_at", "ends_at") and value is not None
    }
    local = session.local_start + timedelta(days=1)
    data |= {
        "starts_at_0": f"{local:%Y-%m-%d}",
        "starts_at_1": f"{local:%H:%M:%S}",
        "ends_at_0": f"{local:%Y-%m-%d}",
        "ends_at_1": f"{local + timedelta(hours=1):%H:%M:%S}",
        "speakers-TOTAL_FORMS": "0",
        "speakers-INITIAL_FORMS": "0",
        "speakers-MIN_NUM_FORMS": "0",
        "speakers-MAX_NUM_FORMS": "1000",
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(change, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    session.refresh_from_db()
    assert session.calendar_sequence == 1
    assert [m.to_email for m in notices()] == [registration.email]


@pytest.mark.django_db(transaction=True)
def test_two_saves_of_one_new_time_at_once_make_one_change():
    organiser = make_organiser()
    session = SessionFactory(organisers=[organiser])
    RegistrationFactory.create_batch(2, session=session)
    new_start = session.starts_at + timedelta(hours=3)

    def save():
        copy = Session.objects.get(pk=session.pk)
        session_update(
            session=copy,
            actor=organiser,
            starts_at=new_start,
            ends_at=new_start + timedelta(hours=1),
        )

    assert run_in_parallel(save, [(), ()]) == []
    session.refresh_from_db()
    assert session.calendar_sequence == 1
    assert audit_trail(session).filter(action="reschedule").count() == 1
    assert len(notices()) == 2
    assert Registration.objects.filter(session=session).count() == 2
