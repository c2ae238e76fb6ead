from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone
from django.utils.html import escape

from ensie_portal.core.errors import DomainError
from ensie_portal.outbox.models import OutgoingMail
from sessions_app.models import Registration
from sessions_app.services import (
    participation_link_resend,
    reminders_send,
    session_link_set,
)
from tests.factories import make_organiser, make_staff
from tests.sessions_app.factories import RegistrationFactory, SessionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def organiser():
    return make_organiser()


def link_mails(registration):
    return list(
        OutgoingMail.objects.filter(key__startswith=f"sessions:link:{registration.pk}:").order_by(
            "pk"
        )
    )


def test_setting_the_link_sends_it_once_to_every_confirmed_registrant(
    organiser, django_capture_on_commit_callbacks
):
    session = SessionFactory(organisers=[organiser])
    confirmed = RegistrationFactory.create_batch(3, session=session)
    pending = RegistrationFactory(session=session, status=Registration.Status.PENDING)
    waiting = RegistrationFactory(session=session, status=Registration.Status.WAITING)
    with django_capture_on_commit_callbacks(execute=True):
        session_link_set(session=session, link="https://meet.example.org/j/1", actor=organiser)
    with django_capture_on_commit_callbacks(execute=True):
        session_link_set(session=session, link="https://meet.example.org/j/1", actor=organiser)
    for registration in confirmed:
        [mail] = link_mails(registration)
        assert "https://meet.example.org/j/1" in mail.body_text
        assert mail.status == OutgoingMail.Status.SENT
        assert "CHANGED" not in mail.body_text
    assert link_mails(pending) == []
    assert link_mails(waiting) == []


def test_a_changed_link_is_sent_once_more_marked_as_a_change(
    organiser, django_capture_on_commit_callbacks
):
    session = SessionFactory(organisers=[organiser])
    registration = RegistrationFactory(session=session)
    with django_capture_on_commit_callbacks(execute=True):
        session_link_set(session=session, link="https://meet.example.org/j/old", actor=organiser)
    for _ in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            session_link_set(
                session=session, link="https://meet.example.org/j/new", actor=organiser
            )
    first, second = link_mails(registration)
    assert "j/old" in first.body_text
    assert "j/new" in second.body_text
    assert "CHANGED" in second.body_text
    assert second.subject.startswith("Changed participation link")


def test_someone_confirming_after_a_change_gets_the_new_link_unmarked(
    organiser, django_capture_on_commit_callbacks
):
    session = SessionFactory(organisers=[organiser])
    with django_capture_on_commit_callbacks(execute=True):
        session_link_set(session=session, link="https://meet.example.org/j/old", actor=organiser)
        session_link_set(session=session, link="https://meet.example.org/j/new", actor=organiser)
    from sessions_app.services import registration_confirm

    registration = RegistrationFactory(
        session=session, status=Registration.Status.PENDING, confirmed_at=None
    )
    registration_confirm(registration=registration)
    [mail] = link_mails(registration)
    assert "j/new" in mail.body_text
    assert "CHANGED" not in mail.body_text


def test_another_sessions_organiser_cannot_set_the_link(organiser):
    session = SessionFactory()
    with pytest.raises(DomainError):
        session_link_set(session=session, link="https://meet.example.org/j/1", actor=organiser)
    session.refresh_from_db()
    assert session.participation_link == ""


def test_staff_can_set_any_sessions_link():
    session = SessionFactory()
    session_link_set(session=session, link="https://meet.example.org/j/1", actor=make_staff())
    session.refresh_from_db()
    assert session.link_version == 1


def test_an_organiser_resends_the_link_to_one_registrant(organiser):
    session = SessionFactory(organisers=[organiser], participation_link="https://m.example.org/j")
    registration = RegistrationFactory(session=session, link_version_sent=1)
    participation_link_resend(registration=registration, actor=organiser)
    participation_link_resend(registration=registration, actor=organiser)
    assert len(link_mails(registration)) == 2


def test_the_link_cannot_be_resent_to_a_waiting_registrant(organiser):
    session = SessionFactory(organisers=[organiser], participation_link="https://m.example.org/j")
    registration = RegistrationFactory(session=session, status=Registration.Status.WAITING)
    with pytest.raises(DomainError):
        participation_link_resend(registration=registration, actor=organiser)


# --- Reminders ------------------------------------------------------------------------------


def reminder_keys():
    return sorted(
        OutgoingMail.objects.filter(key__startswith="sessions:reminder:").values_list(
            "key", flat=True
        )
    )


def test_reminders_go_24_hours_and_1_hour_before_once_each_however_often_the_beat_runs():
    session = SessionFactory(participation_link="https://meet.example.org/j/1")
    registration = RegistrationFactory(session=session)
    RegistrationFactory(session=session, status=Registration.Status.PENDING)
    with time_machine.travel(session.starts_at - timedelta(hours=25)):
        assert reminders_send() == 0
    with time_machine.travel(session.starts_at - timedelta(hours=23, minutes=55)):
        assert reminders_send() == 1
        assert reminders_send() == 0
    with time_machine.travel(session.starts_at - timedelta(minutes=55)):
        assert reminders_send() == 1
        assert reminders_send() == 0
    with time_machine.travel(session.starts_at + timedelta(minutes=1)):
        assert reminders_send() == 0
    keys = reminder_keys()
    assert len(keys) == 2
    assert all(f":{registration.pk}:" in key for key in keys)
    mail = OutgoingMail.objects.get(key=keys[0])
    assert "https://meet.example.org/j/1" in mail.body_text
    assert mail.attachments[0]["mimetype"] == "text/calendar; method=PUBLISH"


@pytest.mark.django_db(transaction=True)
def test_two_beats_running_at_once_send_each_reminder_once():
    from tests.sessions_app.helpers import run_in_parallel

    session = SessionFactory(starts_at=timezone.now() + timedelta(minutes=30))
    RegistrationFactory.create_batch(
        20, session=session, confirmed_at=timezone.now() - timedelta(days=1)
    )
    errors = run_in_parallel(reminders_send, [(), (), ()])
    assert errors == []
    assert len(reminder_keys()) == 20


def test_someone_confirming_three_hours_before_gets_only_the_one_hour_reminder():
    session = SessionFactory()
    RegistrationFactory(session=session, confirmed_at=session.starts_at - timedelta(hours=3))
    with time_machine.travel(session.starts_at - timedelta(hours=2, minutes=55)):
        assert reminders_send() == 0
    with time_machine.travel(session.starts_at - timedelta(minutes=55)):
        assert reminders_send() == 1
    assert [key.split(":")[3] for key in reminder_keys()] == ["1h"]


def test_a_cancelled_session_sends_no_reminder():
    session = SessionFactory(status="cancelled", starts_at=timezone.now() + timedelta(minutes=30))
    RegistrationFactory(session=session)
    assert reminders_send() == 0


@pytest.mark.parametrize("name", ["Zoë O'Brien <&> Co", "Dr. Jan Novák", "see www.example.com"])
@pytest.mark.parametrize("language", ["en", "fr"])
def test_the_bulk_link_email_is_exactly_the_one_sent_alone(name, language):
    from sessions_app.bulk_mail import link_rows
    from sessions_app.mails import link_mail
    from sessions_app.services import mail_queue

    session = SessionFactory(participation_link="https://meet.example.org/j/1")
    registration = RegistrationFactory(session=session, name=name, language=language)
    with time_machine.travel(timezone.now(), tick=False):  # the same DTSTAMP in the .ics
        [bulk] = link_rows(session, [registration], version=1)
        alone = mail_queue(**link_mail(registration, key="alone"))
    assert (bulk.subject, bulk.body_text, bulk.body_html) == (
        alone.subject,
        alone.body_text,
        alone.body_html,
    )
    assert bulk.attachments == alone.attachments
    assert escape(name).split(" www.")[0] in alone.body_html  # escaped once, not twice
    assert name in alone.body_text


def test_a_batch_that_cannot_reach_the_smtp_server_goes_back_to_the_outbox(
    settings, django_capture_on_commit_callbacks
):
    from ensie_portal.outbox.services import mail_send_many
    from sessions_app.services import participation_links_write

    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 9, 1
    session = SessionFactory(participation_link="https://meet.example.org/j/1")
    registrations = RegistrationFactory.create_batch(3, session=session)
    ids = participation_links_write(
        session_id=session.pk, version=1, registration_ids=[r.pk for r in registrations]
    )
    with django_capture_on_commit_callbacks(execute=False), pytest.raises(OSError):
        mail_send_many(mail_ids=ids)
    statuses = set(OutgoingMail.objects.filter(pk__in=ids).values_list("status", flat=True))
    assert statuses == {OutgoingMail.Status.QUEUED}  # the outbox sweep sends them later


def test_a_lost_fan_out_is_sent_by_the_links_sweep_once(django_capture_on_commit_callbacks):
    """The link was set while the broker was down (or the worker died with its batches): the
    periodic links sweep sends it to everyone missing it, and nobody twice."""
    from sessions_app.tasks import links_sweep

    session = SessionFactory(participation_link="https://meet.example.org/j/lost")
    has_it, *missing = RegistrationFactory.create_batch(3, session=session)
    Registration.objects.filter(pk=has_it.pk).update(link_version_sent=1)
    RegistrationFactory(session=session, status=Registration.Status.WAITING)
    assert links_sweep() == 0  # set just now: its own fan-out may still be running

    with time_machine.travel(timezone.now() + timedelta(minutes=2)):
        with django_capture_on_commit_callbacks(execute=True):
            assert links_sweep() == 1
        assert sorted(OutgoingMail.objects.values_list("to_email", flat=True)) == sorted(
            r.email for r in missing
        )
        assert links_sweep() == 0  # everyone has it now
