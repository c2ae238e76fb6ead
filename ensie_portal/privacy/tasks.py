import imaplib

from celery import shared_task

from . import services
from .addresses import PersonAddress


@shared_task(name="privacy.apply_retention")
def apply_retention() -> dict:
    """Every retention rule of the personal data (daily, CELERY_BEAT_SCHEDULE)."""
    return services.retention_apply()


@shared_task(
    name=services.MAILBOX_ERASE_TASK,
    autoretry_for=(OSError, imaplib.IMAP4.error),
    retry_backoff=60,
    max_retries=5,
)
def erase_mailbox_copies(address: str, include_subaddresses: bool) -> int:
    """After an erasure: the person's messages in the mailbox's processed folder."""
    person = PersonAddress(address, include_subaddresses=include_subaddresses)
    return services.mailbox_copies_erase(person=person)
