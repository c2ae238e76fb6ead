from celery import shared_task

from . import services


@shared_task(name="privacy.apply_retention")
def apply_retention() -> dict:
    """Every retention rule of the personal data (daily, CELERY_BEAT_SCHEDULE)."""
    return services.retention_apply()


@shared_task(name=services.MAILBOX_ERASE_TASK)
def erase_mailbox_copies(erasure_id: int) -> int | None:
    """After an erasure: the person's messages in the mailbox's processed folder. A failure is
    recorded on the row and tried again by ``mailbox_erasures_sweep``."""
    return services.mailbox_erasure_run(erasure_id=erasure_id)


@shared_task(name="privacy.mailbox_erasures_sweep")
def mailbox_erasures_sweep() -> list[int]:
    """The mailbox erasures left undone (CELERY_BEAT_SCHEDULE)."""
    return services.mailbox_erasures_sweep()
