"""Every write to the outbox: queue a message, send one row, sweep, re-send."""

import base64
import logging
import re
import smtplib
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import IntegrityError, models, transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation

from ensie_portal.core.queue import task_enqueue, task_enqueue_on_commit

from .models import OutgoingMail

logger = logging.getLogger(__name__)

# A row in "sending" this long belongs to a worker that died mid-send: one message takes
# a few milliseconds, and at most a few EMAIL_TIMEOUTs (20 s) on a failing connection.
SENDING_TIMEOUT = timedelta(seconds=60)
# Rows enqueued by one sweep at most (the next sweep takes the rest).
SWEEP_BATCH = 5000
MAX_BACKOFF_SECONDS = 3600
# The tasks (``tasks.py``) that send the rows, enqueued by name: they import this module.
SEND_TASK = "outbox.send"
SEND_MANY_TASK = "outbox.send_many"


@dataclass(frozen=True)
class Attachment:
    filename: str
    mimetype: str
    content: bytes

    def as_json(self) -> dict:
        return {
            "filename": self.filename,
            "mimetype": self.mimetype,
            "content_b64": base64.b64encode(self.content).decode("ascii"),
        }


class MailDeferred(Exception):  # noqa: N818 - a signal to retry, not an error
    """The message could not be sent now; the row is queued again for ``countdown`` seconds."""

    def __init__(self, countdown: int):
        super().__init__(countdown)
        self.countdown = countdown


def mail_render(*, template: str, context: dict, language: str) -> tuple[str, str, str]:
    """Render ``emails/<template>.subject.txt|.txt|.html`` in ``language``."""
    context = {"site_url": settings.SITE_URL, "language": language, **context}
    with translation.override(language):
        subject = render_to_string(f"emails/{template}.subject.txt", context)
        text = render_to_string(f"emails/{template}.txt", context)
        html = render_to_string(f"emails/{template}.html", context)
    # One line; the no-break spaces of French typography ("Convocation\u00a0: ...") are kept.
    subject = re.sub(r"[ \t\r\n]+", " ", subject).strip()
    return subject, text.strip() + "\n", html


def mail_queue(
    *,
    key: str,
    to: str,
    template: str,
    context: dict,
    language: str,
    attachments: tuple[Attachment, ...] | list[Attachment] = (),
    related: models.Model | None = None,
    reply_to: str = "",
    headers: dict | None = None,
) -> OutgoingMail:
    """Queue the message named ``key`` from a template, unless it exists already."""
    existing = OutgoingMail.objects.filter(key=key).first()
    if existing is not None:
        return existing
    subject, text, html = mail_render(template=template, context=context, language=language)
    return mail_queue_message(
        key=key,
        to=to,
        language=language,
        subject=subject,
        body_text=text,
        body_html=html,
        attachments=attachments,
        related=related,
        reply_to=reply_to,
        headers=headers,
    )


def mail_queue_message(
    *,
    key: str,
    to: str,
    language: str,
    subject: str,
    body_text: str,
    body_html: str = "",
    attachments: tuple[Attachment, ...] | list[Attachment] = (),
    related: models.Model | None = None,
    reply_to: str = "",
    headers: dict | None = None,
) -> OutgoingMail:
    """Store the message as a queued row and enqueue its sending once the transaction commits.

    The unique ``key`` makes this idempotent, also when two transactions race.
    """
    mail = mail_row(
        key=key,
        to=to,
        language=language,
        subject=subject,
        body_text=body_text,
        body_html=body_html,
        attachments=attachments,
        related=related,
        reply_to=reply_to,
        headers=headers,
    )
    try:
        with transaction.atomic():
            mail.save()
    except IntegrityError:
        return OutgoingMail.objects.get(key=key)
    mail_enqueue(mail_ids=[mail.pk])
    return mail


# Rows per task of a batch written at once (one SMTP connection each).
MAIL_BATCH_SIZE = 100


def mail_queue_rows(rows: list[OutgoingMail]) -> list[int]:
    """Store many unsaved rows (:func:`mail_row`) in one insert, queued, and hand them to
    Celery in batches over one SMTP connection each once the transaction commits; returns
    their keys. Should the batch tasks be lost, the rows are in the database: the sweep sends
    them."""
    ids = [row.pk for row in OutgoingMail.objects.bulk_create(rows)]
    for start in range(0, len(ids), MAIL_BATCH_SIZE):
        task_enqueue_on_commit(SEND_MANY_TASK, ids[start : start + MAIL_BATCH_SIZE])
    return ids


def mail_row(
    *,
    key: str,
    to: str,
    language: str,
    subject: str,
    body_text: str,
    body_html: str = "",
    attachments: tuple[Attachment, ...] | list[Attachment] = (),
    related: models.Model | None = None,
    reply_to: str = "",
    headers: dict | None = None,
    **fields,
) -> OutgoingMail:
    """An unsaved outbox row: every writer of the outbox builds its rows here (``fields`` sets
    others, such as the status of a batch written straight in ``sending``)."""
    return OutgoingMail(
        key=key,
        to_email=to,
        from_email=settings.DEFAULT_FROM_EMAIL,
        reply_to=reply_to,
        language=language,
        subject=subject[:500],
        body_text=body_text,
        body_html=body_html,
        headers={"Auto-Submitted": "auto-generated", **(headers or {})},
        attachments=[a.as_json() for a in attachments],
        related_type=ContentType.objects.get_for_model(related) if related else None,
        related_id=str(related.pk) if related else "",
        **fields,
    )


def mail_enqueue(*, mail_ids: list[int], countdown: int | None = None) -> None:
    """Hand the rows to Celery after the surrounding transaction commits.

    Should the broker not answer, the rows stay queued and the sweep sends them once it is back
    (the first refusal stops the loop: each try costs the broker's connection timeout)."""

    def _enqueue():
        for mail_id in mail_ids:
            if not task_enqueue(SEND_TASK, mail_id, countdown=countdown):
                break

    transaction.on_commit(_enqueue)


def mail_message_build(mail: OutgoingMail, connection) -> EmailMultiAlternatives:
    """The email of one outbox row, both bodies and the attachments, ready to send."""
    message = EmailMultiAlternatives(
        subject=mail.subject,
        body=mail.body_text,
        from_email=mail.from_email,
        to=[mail.to_email],
        reply_to=[mail.reply_to] if mail.reply_to else None,
        headers=mail.headers or None,
        connection=connection,
    )
    if mail.body_html:
        message.attach_alternative(mail.body_html, "text/html")
    for attachment in mail.attachments:
        message.attach(
            attachment["filename"],
            base64.b64decode(attachment["content_b64"]),
            attachment["mimetype"],
        )
    return message


def _is_permanent(exc: Exception) -> bool:
    """5xx answers are permanent; network trouble and 4xx answers are worth another try."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return all(code >= 500 for code, _msg in exc.recipients.values())
    if isinstance(exc, smtplib.SMTPResponseException):
        return exc.smtp_code >= 500
    return False


def _backoff_seconds(attempts: int) -> int:
    return min(settings.OUTBOX_RETRY_BASE_SECONDS * 2 ** max(attempts - 1, 0), MAX_BACKOFF_SECONDS)


def mail_send(*, mail_id: int, connection=None) -> OutgoingMail | None:
    """Send one queued row. Returns None (and does nothing) unless the row was queued.

    The row is locked while it moves from queued to sending, so two workers running this
    for the same row send it once. Raises :class:`MailDeferred` when it should be retried.
    """
    with transaction.atomic():
        mail = OutgoingMail.objects.select_for_update().filter(pk=mail_id).first()
        if mail is None or mail.status != OutgoingMail.Status.QUEUED:
            return None
        mail.status = OutgoingMail.Status.SENDING
        mail.attempts += 1
        mail.save(update_fields=["status", "attempts", "updated_at"])

    try:
        connection = connection or get_connection()
        mail_message_build(mail, connection).send()
    except Exception as exc:
        error = f"{type(exc).__name__}: {exc}"[:2000]
        logger.warning("Sending outgoing mail %s failed: %s", mail.pk, error)
        mail.last_error = error
        if _is_permanent(exc) or mail.attempts >= settings.OUTBOX_MAX_ATTEMPTS:
            mail.status = OutgoingMail.Status.FAILED
            mail.next_attempt_at = None
            mail.save(update_fields=["status", "last_error", "next_attempt_at", "updated_at"])
            return mail
        countdown = _backoff_seconds(mail.attempts)
        mail.status = OutgoingMail.Status.QUEUED
        mail.next_attempt_at = timezone.now() + timedelta(seconds=countdown)
        mail.save(update_fields=["status", "last_error", "next_attempt_at", "updated_at"])
        raise MailDeferred(countdown) from exc

    mail.status = OutgoingMail.Status.SENT
    mail.sent_at = timezone.now()
    mail.next_attempt_at = None
    mail.save(update_fields=["status", "sent_at", "next_attempt_at", "updated_at"])
    return mail


def mail_send_many(*, mail_ids: list[int]) -> int:
    """Send several queued rows over one SMTP connection; returns how many were sent.

    Each row is claimed (queued to sending) just before it goes and marked sent just after, so
    a worker killed mid-batch leaves at most the message in flight in ``sending`` (the only one
    that may go twice) and the rest queued; the sweep sends them. A row that fails is left to
    :func:`mail_send`'s own retry bookkeeping and enqueued again after its backoff; when the
    SMTP server cannot be reached at all the rows stay queued for the sweep.
    """
    sent = 0
    connection = get_connection()
    with connection:
        for mail_id in mail_ids:
            try:
                mail = mail_send(mail_id=mail_id, connection=connection)
                sent += mail is not None and mail.status == OutgoingMail.Status.SENT
            except MailDeferred as deferred:
                mail_enqueue(mail_ids=[mail_id], countdown=deferred.countdown)
    return sent


def queued_grace() -> timedelta:
    """How long a queued row waits for its task before the sweep enqueues it again: two sweeps,
    so that with the sweep every 30 s (``OUTBOX_SWEEP_SECONDS``) a lost worker's emails go out
    within two minutes."""
    return timedelta(seconds=2 * settings.OUTBOX_SWEEP_SECONDS)


def outbox_sweep(*, now=None) -> list[int]:
    """Enqueue again every row that a lost task or worker left behind, and return their keys.

    - ``sending`` for longer than ``SENDING_TIMEOUT``: its worker died mid-send (the message may
      have gone: this one message may be sent twice) and it is queued again;
    - ``queued`` and untouched for :func:`queued_grace`: its task never reached the broker (Redis
      was down) or was lost with a worker;
    - ``queued`` for a retry whose time came that grace ago: the retry task was lost.

    Each row enqueued is touched, so that the next sweeps leave it to its task for another grace
    period however long the worker stays away. Run by Celery beat every ``OUTBOX_SWEEP_SECONDS``.
    """
    now = now or timezone.now()
    grace = queued_grace()
    with transaction.atomic():
        OutgoingMail.objects.filter(
            status=OutgoingMail.Status.SENDING, updated_at__lte=now - SENDING_TIMEOUT
        ).update(
            status=OutgoingMail.Status.QUEUED,
            last_error="The worker stopped while sending; queued again.",
            updated_at=now - grace,
            next_attempt_at=None,
        )
        cutoff = now - grace
        due = list(
            OutgoingMail.objects.select_for_update(skip_locked=True)
            .filter(status=OutgoingMail.Status.QUEUED)
            .filter(
                models.Q(next_attempt_at__isnull=True, updated_at__lte=cutoff)
                | models.Q(next_attempt_at__lte=cutoff)
            )
            .order_by("pk")
            .values_list("pk", flat=True)[:SWEEP_BATCH]
        )
        if due:
            OutgoingMail.objects.filter(pk__in=due).update(updated_at=now, next_attempt_at=None)
            mail_enqueue(mail_ids=due)
    return due


def mail_resend(*, mail: OutgoingMail) -> bool:
    """Put a failed row back in the queue (staff action). Returns False if it was not failed."""
    with transaction.atomic():
        # A row whose content was erased (privacy) has nothing left to send.
        updated = (
            OutgoingMail.objects.filter(pk=mail.pk, status=OutgoingMail.Status.FAILED)
            .filter(purged_at__isnull=True)
            .update(status=OutgoingMail.Status.QUEUED, attempts=0, next_attempt_at=None)
        )
        if updated:
            mail_enqueue(mail_ids=[mail.pk])
    return bool(updated)
