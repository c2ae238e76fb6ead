from celery import shared_task

from ensie_portal.outbox.services import mail_send_claimed

from . import services


@shared_task(name="sessions.send_participation_links")
def send_participation_links(session_id: int) -> int:
    """Fan the current link out to every confirmed registrant missing it, in batches."""
    version, batches = services.participation_links_fan_out(session_id=session_id)
    for batch in batches:
        send_participation_link_batch.delay(session_id, version, batch)
    return len(batches)


@shared_task(name="sessions.send_participation_link_batch", acks_late=True)
def send_participation_link_batch(session_id: int, version: int, registration_ids: list[int]):
    """Write one batch of link emails in the outbox and send them over one SMTP connection.

    The rows are committed (as sending) before anything is sent; a worker lost mid-batch
    leaves rows that the outbox sweep queues again.
    """
    mail_ids = services.participation_links_write(
        session_id=session_id, version=version, registration_ids=registration_ids
    )
    return mail_send_claimed(mail_ids=mail_ids) if mail_ids else 0


@shared_task(name="sessions.send_reminders")
def send_reminders() -> int:
    return services.reminders_send()


@shared_task(name="sessions.poll_mailbox")
def poll_mailbox() -> int:
    """Turn the registration mailbox's new messages into requests (nothing when IMAP_URL is
    unset); each message at most once, however many polls overlap."""
    from .requests import mailbox_poll_requests

    return mailbox_poll_requests()
