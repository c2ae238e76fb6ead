from datetime import timedelta

import pytest
import time_machine
from django.core import signing
from django.utils import timezone

from ensie_portal.core.errors import DomainError, TransitionNotAllowed
from ensie_portal.core.workflow import audit_trail
from ensie_portal.outbox.models import OutgoingMail
from sessions_app.models import Registration, Session
from sessions_app.services import (
    REGISTRATION_TRANSITIONS,
    registration_cancel,
    registration_confirm,
)
from sessions_app.tokens import (
    CANCEL,
    CONFIRM,
    InvalidToken,
    RegistrationClosed,
    registration_from_token,
    registration_token,
)
from tests.factories import make_organiser
from tests.sessions_app.factories import RegistrationFactory, SessionFactory
from tests.sessions_app.helpers import mails_to, register, run_in_parallel, token_in

pytestmark = pytest.mark.django_db


def test_a_new_registration_waits_for_its_confirmation_email():
    session = SessionFactory()
    registration = register(session, email="Ada@Example.org ")
    assert registration.status == Registration.Status.PENDING
    assert registration.email == "ada@example.org"
    [mail] = mails_to("ada@example.org")
    assert "Please confirm" in mail.subject
    assert "/registration/confirm/" in mail.body_text
    assert "/registration/cancel/" in mail.body_text


def test_the_confirmation_link_confirms_and_the_seat_counts():
    session = SessionFactory(capacity=1)
    registration = register(session)
    token = token_in(mails_to("ada@example.org")[0], "confirm")
    found = registration_from_token(token=token, purpose=CONFIRM)
    registration_confirm(registration=found)
    registration.refresh_from_db()
    assert registration.status == Registration.Status.CONFIRMED
    assert registration.confirmed_at is not None
    assert [entry.action for entry in audit_trail(registration)] == ["register", "confirm"]


def test_the_whole_flow_delivers_the_link_through_the_outbox(
    mailoutbox, django_capture_on_commit_callbacks
):
    session = SessionFactory(participation_link="https://meet.example.org/j/secret-7")
    with django_capture_on_commit_callbacks(execute=True):
        registration = register(session)
    assert [m.subject for m in mailoutbox] == [f"Please confirm your registration: {session.title}"]
    token = token_in(OutgoingMail.objects.get(), "confirm")
    with django_capture_on_commit_callbacks(execute=True):
        registration_confirm(registration=registration_from_token(token=token, purpose=CONFIRM))
    assert len(mailoutbox) == 2
    link_email = mailoutbox[1]
    assert link_email.to == ["ada@example.org"]
    assert "https://meet.example.org/j/secret-7" in link_email.body
    assert "/registration/cancel/" in link_email.body
    assert link_email.attachments[0][0] == f"ensie-session-{session.number}.ics"
    assert OutgoingMail.objects.filter(status=OutgoingMail.Status.SENT).count() == 2
    registration.refresh_from_db()
    assert registration.link_version_sent == session.link_version


def test_registering_again_creates_nothing_and_resends_the_pending_email():
    session = SessionFactory()
    first = register(session)
    again = register(session, email="ADA@example.org", name="Someone else")
    assert again.pk == first.pk
    assert Registration.objects.count() == 1
    assert again.name == "Ada Lovelace"
    assert len(mails_to("ada@example.org")) == 2


def test_resending_the_pending_email_is_rate_limited():
    session = SessionFactory()
    register(session)
    for _ in range(10):
        register(session)
    # The first email and three re-sends an hour.
    assert len(mails_to("ada@example.org")) == 4


def test_a_confirmed_registrant_registering_again_is_told_they_are_registered():
    session = SessionFactory()
    registration = RegistrationFactory(session=session, email="ada@example.org")
    assert register(session).pk == registration.pk
    [mail] = mails_to("ada@example.org")
    assert "already registered" in mail.body_text


def test_a_cancelled_registrant_can_register_again_and_must_confirm():
    session = SessionFactory()
    registration = RegistrationFactory(
        session=session, email="ada@example.org", status=Registration.Status.CANCELLED
    )
    again = register(session)
    assert again.pk == registration.pk
    assert again.status == Registration.Status.PENDING
    assert "Please confirm" in mails_to("ada@example.org")[0].subject


def test_a_tampered_token_is_refused():
    registration = RegistrationFactory(status=Registration.Status.PENDING)
    token = registration_token(registration=registration, purpose=CONFIRM)
    with pytest.raises(InvalidToken):
        registration_from_token(token=token[:-2] + "xx", purpose=CONFIRM)
    forged = signing.dumps({"r": registration.pk, "p": CONFIRM}, salt="another salt")
    with pytest.raises(InvalidToken):
        registration_from_token(token=forged, purpose=CONFIRM)


def test_a_cancel_token_does_not_confirm():
    registration = RegistrationFactory(status=Registration.Status.PENDING)
    token = registration_token(registration=registration, purpose=CANCEL)
    with pytest.raises(InvalidToken):
        registration_from_token(token=token, purpose=CONFIRM)


def test_the_confirmation_link_expires_when_the_session_starts():
    session = SessionFactory()
    registration = register(session)
    token = registration_token(registration=registration, purpose=CONFIRM)
    with time_machine.travel(session.starts_at + timedelta(seconds=1)):
        with pytest.raises(RegistrationClosed):
            registration_from_token(token=token, purpose=CONFIRM)
        with pytest.raises(RegistrationClosed):
            registration_confirm(registration=registration)
    registration.refresh_from_db()
    assert registration.status == Registration.Status.PENDING


def test_registration_closes_when_the_session_starts():
    session = SessionFactory()
    with time_machine.travel(session.starts_at - timedelta(seconds=1)):
        register(session, email="early@example.org")
    with time_machine.travel(session.starts_at), pytest.raises(RegistrationClosed):
        register(session, email="late@example.org")
    assert list(Registration.objects.values_list("email", flat=True)) == ["early@example.org"]


@pytest.mark.parametrize("status", [Session.Status.DRAFT, Session.Status.CANCELLED])
def test_a_session_that_is_not_published_takes_no_registration(status):
    session = SessionFactory(status=status)
    with pytest.raises(RegistrationClosed):
        register(session)


def test_a_full_session_puts_newcomers_on_the_waiting_list():
    session = SessionFactory(capacity=1)
    RegistrationFactory(session=session)
    registration = register(session)
    registration_confirm(registration=registration)
    registration.refresh_from_db()
    assert registration.status == Registration.Status.WAITING
    assert "waiting list" in mails_to("ada@example.org")[-1].subject


def test_a_cancellation_promotes_the_first_person_waiting():
    session = SessionFactory(capacity=1, participation_link="https://meet.example.org/j/1")
    seated = RegistrationFactory(session=session)
    now = timezone.now()
    first = RegistrationFactory(
        session=session, status=Registration.Status.WAITING, confirmed_at=now - timedelta(hours=2)
    )
    second = RegistrationFactory(
        session=session, status=Registration.Status.WAITING, confirmed_at=now - timedelta(hours=1)
    )
    registration_cancel(registration=seated)
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == Registration.Status.CONFIRMED
    assert second.status == Registration.Status.WAITING
    [mail] = mails_to(first.email)
    assert "https://meet.example.org/j/1" in mail.body_text
    assert "a seat became free" in mail.body_text


def test_cancelling_a_waiting_registration_promotes_nobody():
    session = SessionFactory(capacity=1)
    RegistrationFactory(session=session)
    waiting = RegistrationFactory(session=session, status=Registration.Status.WAITING)
    other = RegistrationFactory(session=session, status=Registration.Status.WAITING)
    registration_cancel(registration=waiting)
    other.refresh_from_db()
    assert other.status == Registration.Status.WAITING


def test_an_organiser_vouching_confirms_at_once():
    organiser = make_organiser()
    session = SessionFactory(organisers=[organiser])
    registration = register(session, vouched_by=organiser, source=Registration.Source.ORGANISER)
    assert registration.status == Registration.Status.CONFIRMED
    assert registration.vouched_by == organiser
    assert registration.vouched_at is not None
    assert "confirmed" in mails_to("ada@example.org")[0].subject


def test_vouching_respects_capacity():
    organiser = make_organiser()
    session = SessionFactory(organisers=[organiser], capacity=1)
    RegistrationFactory(session=session)
    registration = register(session, vouched_by=organiser)
    assert registration.status == Registration.Status.WAITING


def test_cancelling_after_the_session_ended_is_refused():
    registration = RegistrationFactory()
    with time_machine.travel(registration.session.ends_at), pytest.raises(DomainError):
        registration_cancel(registration=registration)


# --- Every transition of the registration workflow ----------------------------------------

Status = Registration.Status
ALL = [Status.PENDING, Status.CONFIRMED, Status.WAITING, Status.CANCELLED]


@pytest.mark.parametrize(
    ("source", "target"), [(s, t) for s in ALL for t in ALL if s != t], ids=str
)
def test_registration_transitions_follow_the_table(source, target):
    from ensie_portal.core.workflow import transition

    registration = RegistrationFactory(status=source)
    if (source, target) in REGISTRATION_TRANSITIONS:
        actor = None
        transition(obj=registration, to=target, actor=actor, transitions=REGISTRATION_TRANSITIONS)
        registration.refresh_from_db()
        assert registration.status == target
    else:
        with pytest.raises(TransitionNotAllowed):
            transition(
                obj=registration, to=target, actor=None, transitions=REGISTRATION_TRANSITIONS
            )


def test_only_the_portal_promotes_from_the_waiting_list():
    from ensie_portal.core.workflow import transition

    organiser = make_organiser()
    registration = RegistrationFactory(status=Status.WAITING)
    registration.session.organisers.add(organiser)
    with pytest.raises(TransitionNotAllowed):
        transition(
            obj=registration,
            to=Status.CONFIRMED,
            actor=organiser,
            transitions=REGISTRATION_TRANSITIONS,
        )


def test_another_sessions_organiser_cannot_cancel_a_registration():
    registration = RegistrationFactory()
    with pytest.raises(TransitionNotAllowed):
        registration_cancel(registration=registration, actor=make_organiser())


# --- No overbooking under concurrent confirmations -----------------------------------------


@pytest.mark.django_db(transaction=True)
def test_concurrent_confirmations_never_overbook():
    session = SessionFactory(capacity=5)
    pending = [
        RegistrationFactory(session=session, status=Status.PENDING, confirmed_at=None)
        for _ in range(20)
    ]
    errors = run_in_parallel(
        lambda r: registration_confirm(registration=r), [(r,) for r in pending]
    )
    assert errors == []
    statuses = list(session.registrations.values_list("status", flat=True))
    assert statuses.count(Status.CONFIRMED) == 5
    assert statuses.count(Status.WAITING) == 15


@pytest.mark.django_db(transaction=True)
def test_concurrent_vouched_registrations_of_one_email_create_one_registration():
    organiser = make_organiser()
    session = SessionFactory(capacity=3, organisers=[organiser])
    errors = run_in_parallel(lambda: register(session, vouched_by=organiser), [()] * 6)
    assert errors == []
    assert session.registrations.get().status == Status.CONFIRMED


def test_someone_who_cancelled_and_registers_again_gets_the_link_again():
    session = SessionFactory(participation_link="https://meet.example.org/j/1")
    registration = register(session)
    registration_confirm(registration=registration)
    registration_cancel(registration=registration)
    again = register(session)
    registration_confirm(registration=again)
    link_emails = [m for m in mails_to("ada@example.org") if m.key.startswith("sessions:link:")]
    assert len(link_emails) == 2
    assert all("https://meet.example.org/j/1" in m.body_text for m in link_emails)


def test_only_an_organiser_of_the_session_can_vouch():
    session = SessionFactory()
    with pytest.raises(DomainError):
        register(session, vouched_by=make_organiser())
    assert not Registration.objects.exists()
