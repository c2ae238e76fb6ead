import smtplib
import threading
from datetime import timedelta

import pytest
from django.conf import settings
from django.core import mail
from django.db import connection, transaction
from django.utils import timezone

from ensie_portal.outbox.models import OutgoingMail
from ensie_portal.outbox.services import (
    Attachment,
    MailDeferred,
    mail_queue,
    mail_resend,
    mail_send,
    mail_send_many,
    outbox_sweep,
)
from ensie_portal.outbox.tasks import send_outgoing_mail

pytestmark = pytest.mark.django_db


def queue_notice(key="notice:1", to="reader@example.org", language="en", **extra):
    return mail_queue(
        key=key,
        to=to,
        template="notice",
        language=language,
        context={"subject": "Hello", "lines": ["First line", "Second line"], **extra},
    )


class FlakyBackend:
    """An email backend whose first ``failures`` sends raise ``error``."""

    sent: list = []
    failures = 0
    error: Exception = smtplib.SMTPServerDisconnected("connection lost")

    def __init__(self, *args, **kwargs):
        pass

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def open(self):
        return True

    def close(self):
        pass

    def send_messages(self, messages):
        if FlakyBackend.failures > 0:
            FlakyBackend.failures -= 1
            raise FlakyBackend.error
        FlakyBackend.sent.extend(messages)
        return len(messages)


@pytest.fixture
def flaky(settings):
    settings.EMAIL_BACKEND = "tests.core.test_outbox.FlakyBackend"
    FlakyBackend.sent = []
    FlakyBackend.failures = 0
    FlakyBackend.error = smtplib.SMTPServerDisconnected("connection lost")
    return FlakyBackend


def test_the_same_key_creates_one_row():
    first = queue_notice()
    second = queue_notice()
    assert first.pk == second.pk
    assert OutgoingMail.objects.count() == 1


def test_queued_email_is_rendered_in_the_recipients_language():
    row = mail_queue(
        key="lang",
        to="a@example.org",
        template="notice",
        language="fr",
        context={"subject": "Sujet", "lines": []},
    )
    assert "Réseau européen des entreprises sociales d’insertion" in row.body_text
    assert 'lang="fr"' in row.body_html


def test_email_is_sent_only_after_the_transaction_commits(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        row = queue_notice()
    assert len(mail.outbox) == 0
    for callback in callbacks:
        callback()
    row.refresh_from_db()
    assert row.status == OutgoingMail.Status.SENT
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["reader@example.org"]


def test_running_the_send_task_twice_sends_once():
    row = queue_notice()
    send_outgoing_mail.apply(args=[row.pk])
    send_outgoing_mail.apply(args=[row.pk])
    row.refresh_from_db()
    assert row.status == OutgoingMail.Status.SENT
    assert row.attempts == 1
    assert len(mail.outbox) == 1


def test_sent_message_has_both_bodies_and_the_attachment():
    row = mail_queue(
        key="with-ics",
        to="a@example.org",
        template="notice",
        language="en",
        context={"subject": "Invitation", "lines": ["See you"]},
        attachments=[Attachment("event.ics", "text/calendar", b"BEGIN:VCALENDAR\r\n")],
    )
    mail_send(mail_id=row.pk)
    message = mail.outbox[0]
    assert message.subject == "Invitation"
    assert "See you" in message.body
    assert message.alternatives[0].mimetype == "text/html"
    assert message.attachments[0][0] == "event.ics"


def test_a_transient_smtp_failure_is_retried_and_then_sent(flaky):
    flaky.failures = 1
    row = queue_notice()
    with pytest.raises(MailDeferred) as deferred:
        mail_send(mail_id=row.pk)
    row.refresh_from_db()
    assert row.status == OutgoingMail.Status.QUEUED
    assert "connection lost" in row.last_error
    assert row.next_attempt_at > timezone.now()
    assert deferred.value.countdown > 0

    mail_send(mail_id=row.pk)
    row.refresh_from_db()
    assert row.status == OutgoingMail.Status.SENT
    assert row.attempts == 2
    assert len(flaky.sent) == 1


def test_the_task_retries_a_transient_failure_until_it_is_sent(flaky):
    flaky.failures = 2
    row = queue_notice()
    send_outgoing_mail.apply(args=[row.pk])
    row.refresh_from_db()
    assert row.status == OutgoingMail.Status.SENT
    assert row.attempts == 3
    assert len(flaky.sent) == 1


def test_a_permanent_failure_ends_failed_with_the_error(flaky):
    flaky.failures = 1
    flaky.error = smtplib.SMTPRecipientsRefused({"reader@example.org": (550, b"No such user")})
    row = queue_notice()
    mail_send(mail_id=row.pk)
    row.refresh_from_db()
    assert row.status == OutgoingMail.Status.FAILED
    assert "No such user" in row.last_error
    assert flaky.sent == []


def batch_notices(count: int) -> list[int]:
    """Rows as a bulk writer leaves them: queued, their batch task yet to send them."""
    with transaction.atomic():
        return [
            queue_notice(key=f"notice:{n}", to=f"reader{n}@example.org").pk for n in range(count)
        ]


def test_a_batch_is_sent_and_a_permanent_failure_in_it_ends_failed(
    flaky, django_capture_on_commit_callbacks
):
    flaky.failures = 1
    flaky.error = smtplib.SMTPRecipientsRefused({"reader0@example.org": (550, b"No such user")})
    with django_capture_on_commit_callbacks(execute=False):
        refused, *others = batch_notices(3)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        assert mail_send_many(mail_ids=[refused, *others]) == 2
    assert OutgoingMail.objects.get(pk=refused).status == OutgoingMail.Status.FAILED
    assert "No such user" in OutgoingMail.objects.get(pk=refused).last_error
    assert set(OutgoingMail.objects.filter(pk__in=others).values_list("status", flat=True)) == {
        OutgoingMail.Status.SENT
    }
    assert callbacks == []  # nothing to retry


def test_a_temporary_failure_in_a_batch_is_retried_after_its_backoff(
    flaky, django_capture_on_commit_callbacks, monkeypatch
):
    enqueued = []
    monkeypatch.setattr(
        "ensie_portal.outbox.services.task_enqueue",
        lambda task, mail_id, countdown=None: enqueued.append((mail_id, countdown)) or True,
    )
    flaky.failures = 1
    with django_capture_on_commit_callbacks(execute=False):
        retried, sent = batch_notices(2)
    with django_capture_on_commit_callbacks(execute=True):
        assert mail_send_many(mail_ids=[retried, sent]) == 1
    row = OutgoingMail.objects.get(pk=retried)
    assert row.status == OutgoingMail.Status.QUEUED
    assert "connection lost" in row.last_error
    assert enqueued == [(retried, settings.OUTBOX_RETRY_BASE_SECONDS)]
    assert OutgoingMail.objects.get(pk=sent).status == OutgoingMail.Status.SENT


class StatusWatchingBackend(FlakyBackend):
    """Records, at each send, the status of every row in ``rows``."""

    rows: list = []
    seen: list = []

    def send_messages(self, messages):
        StatusWatchingBackend.seen.append(
            dict(OutgoingMail.objects.filter(pk__in=self.rows).values_list("to_email", "status"))
        )
        return super().send_messages(messages)


def test_a_batch_marks_each_email_sent_as_it_goes(settings, django_capture_on_commit_callbacks):
    """A worker killed mid-batch must leave the emails already gone as sent (the sweep would
    send them again otherwise) and the rest queued: only the message in flight is unsure."""
    settings.EMAIL_BACKEND = "tests.core.test_outbox.StatusWatchingBackend"
    with django_capture_on_commit_callbacks(execute=False):
        StatusWatchingBackend.rows = batch_notices(3)
    StatusWatchingBackend.seen = []
    assert mail_send_many(mail_ids=StatusWatchingBackend.rows) == 3
    assert StatusWatchingBackend.seen[1] == {
        "reader0@example.org": OutgoingMail.Status.SENT,
        "reader1@example.org": OutgoingMail.Status.SENDING,
        "reader2@example.org": OutgoingMail.Status.QUEUED,
    }


def test_retries_stop_after_the_maximum_attempts(flaky, settings):
    settings.OUTBOX_MAX_ATTEMPTS = 3
    flaky.failures = 10
    row = queue_notice()
    send_outgoing_mail.apply(args=[row.pk])
    row.refresh_from_db()
    assert row.status == OutgoingMail.Status.FAILED
    assert row.attempts == 3


def test_staff_can_queue_a_failed_email_again(flaky):
    flaky.failures = 1
    flaky.error = smtplib.SMTPDataError(554, b"Rejected")
    row = queue_notice()
    mail_send(mail_id=row.pk)
    row.refresh_from_db()
    assert row.status == OutgoingMail.Status.FAILED

    assert mail_resend(mail=row) is True
    mail_send(mail_id=row.pk)
    row.refresh_from_db()
    assert row.status == OutgoingMail.Status.SENT
    assert mail_resend(mail=row) is False


def test_the_sweep_requeues_a_stranded_row(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        row = queue_notice()  # the broker "loses" the task: the callback never runs
    OutgoingMail.objects.filter(pk=row.pk).update(updated_at=timezone.now() - timedelta(minutes=10))
    with django_capture_on_commit_callbacks(execute=True):
        swept = outbox_sweep()
    assert swept == [row.pk]
    row.refresh_from_db()
    assert row.status == OutgoingMail.Status.SENT
    assert len(mail.outbox) == 1


def test_the_sweep_leaves_a_fresh_queued_row_alone(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        queue_notice()
    assert outbox_sweep() == []


def test_the_sweep_recovers_a_row_stuck_in_sending(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        row = queue_notice()
    OutgoingMail.objects.filter(pk=row.pk).update(
        status=OutgoingMail.Status.SENDING, updated_at=timezone.now() - timedelta(hours=1)
    )
    with django_capture_on_commit_callbacks(execute=True):
        outbox_sweep()
    row.refresh_from_db()
    assert row.status == OutgoingMail.Status.SENT


def test_the_sweep_sends_a_stranded_row_within_two_minutes(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        row = queue_notice()
    created = OutgoingMail.objects.get(pk=row.pk).updated_at
    # The beat runs the sweep every OUTBOX_SWEEP_SECONDS: the first run past the grace sends it.
    assert outbox_sweep(now=created + timedelta(seconds=59)) == []
    with django_capture_on_commit_callbacks(execute=True):
        assert outbox_sweep(now=created + timedelta(seconds=90)) == [row.pk]
    assert len(mail.outbox) == 1


def test_a_row_the_sweep_enqueued_is_left_to_its_task_for_a_while(
    django_capture_on_commit_callbacks,
):
    """The worker is away: every sweep would enqueue the same rows again, filling the broker."""
    with django_capture_on_commit_callbacks(execute=False):
        row = queue_notice()
    later = timezone.now() + timedelta(minutes=5)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        assert outbox_sweep(now=later) == [row.pk]
        assert outbox_sweep(now=later + timedelta(seconds=30)) == []
        assert outbox_sweep(now=later + timedelta(seconds=61)) == [row.pk]
    assert len(callbacks) == 2


def test_the_sweep_sends_a_retry_whose_task_was_lost(flaky, django_capture_on_commit_callbacks):
    flaky.failures = 1
    row = queue_notice()
    with pytest.raises(MailDeferred):
        mail_send(mail_id=row.pk)
    row.refresh_from_db()
    assert outbox_sweep(now=row.next_attempt_at) == []  # its retry task is due now
    with django_capture_on_commit_callbacks(execute=True):
        assert outbox_sweep(now=row.next_attempt_at + timedelta(seconds=61)) == [row.pk]
    row.refresh_from_db()
    assert row.status == OutgoingMail.Status.SENT


def test_an_email_queued_while_the_broker_is_down_stays_queued(
    caplog, django_capture_on_commit_callbacks, broker_down
):
    """Redis down: the page that queued the email must not fail; the sweep sends it later."""
    with (
        caplog.at_level("WARNING", logger="ensie_portal.core.queue"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        row = queue_notice()
    row.refresh_from_db()
    assert row.status == OutgoingMail.Status.QUEUED
    assert "task outbox.send not enqueued" in caplog.text


@pytest.mark.django_db(transaction=True)
def test_concurrent_send_tasks_on_postgresql_send_once(settings):
    assert connection.vendor == "postgresql"
    settings.EMAIL_BACKEND = "tests.core.test_outbox.SlowCountingBackend"
    SlowCountingBackend.sent = 0
    # Created directly: in autocommit mode the outbox would send it at once.
    row = OutgoingMail.objects.create(
        key="race",
        to_email="a@example.org",
        from_email="x@example.org",
        subject="Race",
        body_text="Only once",
    )
    barrier = threading.Barrier(8)
    errors = []

    def worker():
        from django.db import connections

        try:
            barrier.wait()
            mail_send(mail_id=row.pk)
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert SlowCountingBackend.sent == 1
    row.refresh_from_db()
    assert row.status == OutgoingMail.Status.SENT


class SlowCountingBackend:
    sent = 0
    lock = threading.Lock()

    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        import time

        time.sleep(0.05)
        with SlowCountingBackend.lock:
            SlowCountingBackend.sent += len(messages)
        return len(messages)


def test_staff_resend_a_failed_email_from_the_admin(client, flaky):
    from tests.factories import make_staff

    flaky.failures = 1
    flaky.error = smtplib.SMTPDataError(554, b"Rejected")
    row = queue_notice()
    mail_send(mail_id=row.pk)
    client.force_login(make_staff(is_superuser=True))
    response = client.post(
        "/admin/outbox/outgoingmail/",
        {"action": "resend_failed", "_selected_action": [row.pk]},
        follow=True,
    )
    assert "1 failed email queued again." in response.content.decode()
    row.refresh_from_db()
    assert row.status == OutgoingMail.Status.QUEUED


def test_staff_filter_the_outbox_by_status(client):
    from tests.factories import make_staff

    queue_notice(key="a")
    client.force_login(make_staff(is_superuser=True))
    response = client.get("/admin/outbox/outgoingmail/?status__exact=failed")
    assert response.status_code == 200
    assert "0 outgoing emails" in response.content.decode()
