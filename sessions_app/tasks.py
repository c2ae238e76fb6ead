from celery import shared_task

from ensie_portal.core.queue import task_enqueue
from ensie_portal.outbox.services import mail_send_many

from . import services
from .inbound_emails import inbound_mailbox_poll


@shared_task(name=services.LINKS_TASK)
def send_participation_links(session_id: int) -> int:
    """Fan the current link out to every confirmed registrant missing it, in batches."""
    version, batches = services.participation_links_fan_out(session_id=session_id)
    for batch in batches:
        if not task_enqueue(send_participation_link_batch, session_id, version, batch):
            break  # the broker is down: sessions.links_sweep fans out again once it is back
    return len(batches)


@shared_task(name="sessions.send_participation_link_batch")
def send_participation_link_batch(session_id: int, version: int, registration_ids: list[int]):
    """Write one batch of link emails in the outbox and send them over one SMTP connection.

    The rows are committed (queued) before anything is sent, and each is marked sent as it goes:
    a worker lost mid-batch leaves at most the message in flight unsure, and the rest queued for
    the outbox sweep. A batch task lost before it wrote its rows is redone by
    ``sessions.links_sweep``.
    """
    mail_ids = services.participation_links_write(
        session_id=session_id, version=version, registration_ids=registration_ids
    )
    return mail_send_many(mail_ids=mail_ids) if mail_ids else 0


@shared_task(name="sessions.links_sweep")
def links_sweep() -> int:
    """Fan out again the links of sessions whose fan-out was lost (broker down, worker killed)."""
    session_ids = services.participation_links_stalled()
    for session_id in session_ids:
        task_enqueue(send_participation_links, session_id)
    return len(session_ids)


@shared_task(name="sessions.send_reminders")
def send_reminders() -> int:
    return services.reminders_send()


@shared_task(name="sessions.poll_mailbox")
def poll_mailbox() -> int:
    """Turn the registration mailbox's new messages into inbound emails (nothing when IMAP_URL is
    unset); each message at most once, however many polls overlap."""
    return inbound_mailbox_poll()
