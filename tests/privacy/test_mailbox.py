"""The original messages kept in the mailbox's processed folder (a real dovecot IMAP server):
deleted after the retention period, and a person's on erasure."""

import imaplib
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from ensie_portal.privacy.addresses import PersonAddress
from ensie_portal.privacy.models import MailboxErasure
from ensie_portal.privacy.services import (
    mailbox_copies_erase,
    mailbox_erasures_sweep,
    person_erase,
    retention_apply,
)
from tests import mail_samples as samples
from tests.factories import make_staff
from tests.integration import free_port

pytestmark = [pytest.mark.integration, pytest.mark.django_db]


def put(server, raw: bytes, *, folder: str = "Processed", days_ago: int = 0) -> None:
    """A message in ``folder`` as the poll left it ``days_ago`` days ago (its internal date)."""
    client = server.client()
    try:
        client.create(folder)
        when = imaplib.Time2Internaldate(timezone.now() - timedelta(days=days_ago))
        status, _ = client.append(folder, None, when, raw)
        assert status == "OK"
    finally:
        client.logout()


def message(number: int, sender: str, *, reply_to: str = "") -> bytes:
    headers = {"Reply-To": reply_to} if reply_to else None
    return samples.raw(
        subject=f"Registration {number}",
        body="Please register me.",
        sender=sender,
        message_id=f"<box-{number}@example.org>",
        headers=headers,
    )


@pytest.fixture
def mailbox(settings, imap_server):
    settings.IMAP_URL = imap_server.url
    settings.IMAP_PROCESSED_FOLDER = "Processed"
    settings.SESSIONS_REQUESTS_ERASE_AFTER_DAYS = 90
    return imap_server


def test_processed_messages_older_than_the_requests_period_are_deleted(mailbox):
    put(mailbox, message(1, "Old <old@example.org>"), days_ago=95)
    put(mailbox, message(2, "Recent <recent@example.org>"), days_ago=85)
    put(mailbox, message(3, "Waiting <waiting@example.org>"), folder="INBOX", days_ago=200)
    assert retention_apply()["mailbox"] == 1
    assert retention_apply()["mailbox"] == 0
    assert mailbox.message_ids("Processed") == ["<box-2@example.org>"]
    # A message not handled yet stays in the inbox for the next poll.
    assert mailbox.count("INBOX") == 1


def test_erasing_a_person_deletes_their_messages_and_no_one_elses(
    mailbox, django_capture_on_commit_callbacks
):
    put(mailbox, message(1, "Ann <ann@example.org>"))
    put(mailbox, message(2, "Ann <ANN+events@example.org>"))
    put(mailbox, message(3, "Assistant <pa@example.com>", reply_to="ann@example.org"))
    put(mailbox, message(4, "Joann <joann@example.org>"))
    put(mailbox, message(5, "Bob <bob@example.org>"))
    with django_capture_on_commit_callbacks(execute=True):
        person_erase(person=PersonAddress("ann@example.org"), actor=make_staff())
    assert sorted(mailbox.message_ids("Processed")) == [
        "<box-4@example.org>",
        "<box-5@example.org>",
    ]


def test_without_sub_addresses_only_the_exact_address_is_deleted(
    mailbox, django_capture_on_commit_callbacks
):
    put(mailbox, message(1, "Ann <ann@example.org>"))
    put(mailbox, message(2, "Ann <ann+events@example.org>"))
    with django_capture_on_commit_callbacks(execute=True):
        person_erase(
            person=PersonAddress("ann@example.org", include_subaddresses=False),
            actor=make_staff(),
        )
    assert mailbox.message_ids("Processed") == ["<box-2@example.org>"]


def test_an_empty_or_missing_processed_folder_is_not_an_error(mailbox):
    person = PersonAddress("ann@example.org")
    assert mailbox_copies_erase(person=person) == 0  # no folder yet
    client = mailbox.client()
    client.create("Processed")
    client.logout()
    assert mailbox_copies_erase(person=person) == 0
    assert retention_apply()["mailbox"] == 0


def later(minutes: int):
    return timezone.now() + timedelta(minutes=minutes)


def test_an_erasure_while_redis_is_down_deletes_the_copies_once_the_sweep_runs(
    client, mailbox, broker_down, django_capture_on_commit_callbacks
):
    put(mailbox, message(1, "Ann <ann@example.org>"))
    put(mailbox, message(2, "Bob <bob@example.org>"))
    client.force_login(make_staff())
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("privacy:erase"), {"email": "ann@example.org", "confirm": "yes"}
        )
    assert response.status_code == 302  # the page answers; the erasure itself is done
    assert len(mailbox.message_ids("Processed")) == 2  # the copies wait for the broker
    assert MailboxErasure.objects.count() == 1
    assert mailbox_erasures_sweep(now=later(1)) == []  # its task may still be on its way
    mailbox_erasures_sweep(now=later(6))
    assert mailbox.message_ids("Processed") == ["<box-2@example.org>"]
    assert not MailboxErasure.objects.exists()  # the address is not kept once done


def test_an_unreachable_mailbox_leaves_the_erasure_for_the_sweep(
    settings, mailbox, django_capture_on_commit_callbacks
):
    put(mailbox, message(1, "Ann <ann@example.org>"))
    reachable = settings.IMAP_URL
    settings.IMAP_URL = f"imap://portal:secret@127.0.0.1:{free_port()}"
    with django_capture_on_commit_callbacks(execute=True):
        person_erase(person=PersonAddress("ann@example.org"), actor=make_staff())
    erasure = MailboxErasure.objects.get()
    assert erasure.attempts == 1
    assert "Error" in erasure.last_error
    mailbox_erasures_sweep(now=later(6))  # still unreachable: kept, counted
    erasure.refresh_from_db()
    assert erasure.attempts == 2
    settings.IMAP_URL = reachable
    mailbox_erasures_sweep(now=later(6))
    assert mailbox.count("Processed") == 0
    assert not MailboxErasure.objects.exists()


def test_one_erasure_that_fails_does_not_hold_back_the_others(monkeypatch):
    """Whatever goes wrong with one row (here not even a mailbox error), the sweep counts it
    and goes on with the next."""
    done = []

    def erase(*, person):
        if person.address.startswith("broken"):
            raise ValueError("unexpected")
        done.append(person.address)
        return 1

    monkeypatch.setattr("ensie_portal.privacy.services.mailbox_copies_erase", erase)
    MailboxErasure.objects.create(address="broken@example.org")
    MailboxErasure.objects.create(address="ann@example.org")
    mailbox_erasures_sweep(now=later(6))
    assert done == ["ann@example.org"]
    [(address, attempts, error)] = MailboxErasure.objects.values_list(
        "address", "attempts", "last_error"
    )
    assert (address, attempts, error) == ("broken@example.org", 1, "ValueError: unexpected")
