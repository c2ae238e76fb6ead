"""The original messages kept in the mailbox's processed folder (a real dovecot IMAP server):
deleted after the retention period, and a person's on erasure."""

import imaplib
from datetime import timedelta

import pytest
from django.utils import timezone

from ensie_portal.privacy.addresses import PersonAddress
from ensie_portal.privacy.services import mailbox_copies_erase, person_erase, retention_apply
from tests import mail_samples as samples
from tests.factories import make_staff

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
