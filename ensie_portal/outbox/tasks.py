from celery import shared_task

from .services import (
    SEND_MANY_TASK,
    SEND_TASK,
    MailDeferred,
    mail_send,
    mail_send_many,
    outbox_sweep,
)


@shared_task(name=SEND_TASK, bind=True, acks_late=True, max_retries=None)
def send_outgoing_mail(self, mail_id: int) -> None:
    """Send one outbox row; the row's own attempt count bounds the retries."""
    try:
        mail_send(mail_id=mail_id)
    except MailDeferred as deferred:
        raise self.retry(countdown=deferred.countdown) from None


@shared_task(name=SEND_MANY_TASK, acks_late=True)
def send_outgoing_mails(mail_ids: list[int]) -> int:
    """Send a batch of rows over one SMTP connection (bulk messages)."""
    return mail_send_many(mail_ids=mail_ids)


@shared_task(name="outbox.sweep")
def sweep() -> int:
    return len(outbox_sweep())
