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

from .models import OutgoingMail

logger = logging.getLogger(__name__)

# A queued row untouched this long is re-enqueued by the sweep (the broker may have lost it).
QUEUED_GRACE = timedelta(minutes=5)
# A row in "sending" this long belongs to a worker that died mid-send.
SENDING_TIMEOUT = timedelta(minutes=15)
MAX_BACKOFF_SECONDS = 3600


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


def mail_enqueue(*, mail_ids: list[int]) -> None:
    """Hand the rows to Celery after the surrounding transaction commits."""
    from .tasks import send_outgoing_mail

    def _enqueue():
        for mail_id in mail_ids:
            send_outgoing_mail.delay(mail_id)

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

    A row that fails is left to :func:`mail_send`'s own retry bookkeeping and re-enqueued.
    """
    sent = 0
    connection = get_connection()
    with connection:
        for mail_id in mail_ids:
            try:
                if mail_send(mail_id=mail_id, connection=connection) is not None:
                    sent += 1
            except MailDeferred:
                mail_enqueue(mail_ids=[mail_id])
    return sent


def mail_send_claimed(*, mail_ids: list[int]) -> int:
    """Send rows written straight in ``sending`` (a bulk insert) over one SMTP connection.

    For batches too large for one lock and one update per row: the rows are claimed by their
    writer, the outcome is written with one update per status. A temporary failure goes back
    to the queue and :func:`mail_send`'s retries; a permanent one ends ``failed``. Rows of a
    worker lost mid-batch are re-queued by :func:`outbox_sweep`. Returns how many were sent.
    """
    rows = list(
        OutgoingMail.objects.filter(pk__in=mail_ids, status=OutgoingMail.Status.SENDING).order_by(
            "pk"
        )
    )
    sent, failed = [], {}
    connection = get_connection()
    try:
        connection.open()
    except Exception as exc:
        failed = {row.pk: exc for row in rows}
        rows = []
    try:
        for row in rows:
            try:
                mail_message_build(row, connection).send()
            except Exception as exc:
                failed[row.pk] = exc
            else:
                sent.append(row.pk)
    finally:
        connection.close()
    now = timezone.now()
    OutgoingMail.objects.filter(pk__in=sent).update(
        status=OutgoingMail.Status.SENT, sent_at=now, updated_at=now
    )
    retry = []
    for pk, exc in failed.items():
        permanent = _is_permanent(exc)
        OutgoingMail.objects.filter(pk=pk).update(
            status=OutgoingMail.Status.FAILED if permanent else OutgoingMail.Status.QUEUED,
            last_error=f"{type(exc).__name__}: {exc}"[:2000],
            updated_at=now,
        )
        if not permanent:
            retry.append(pk)
    if retry:
        mail_enqueue(mail_ids=retry)
    return len(sent)


def outbox_sweep(*, now=None) -> list[int]:
    """Re-queue rows stranded in queued or sending and enqueue them again."""
    now = now or timezone.now()
    with transaction.atomic():
        stuck = OutgoingMail.objects.filter(
            status=OutgoingMail.Status.SENDING, updated_at__lte=now - SENDING_TIMEOUT
        )
        stuck.update(
            status=OutgoingMail.Status.QUEUED,
            last_error="The worker stopped while sending; queued again.",
            updated_at=now,
            next_attempt_at=None,
        )
        cutoff = now - QUEUED_GRACE
        due = list(
            OutgoingMail.objects.filter(status=OutgoingMail.Status.QUEUED)
            .filter(
                models.Q(next_attempt_at__isnull=True, updated_at__lte=cutoff)
                | models.Q(next_attempt_at__lte=cutoff)
                | models.Q(last_error__startswith="The worker stopped")
            )
            .values_list("pk", flat=True)[:5000]
        )
        if due:
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
