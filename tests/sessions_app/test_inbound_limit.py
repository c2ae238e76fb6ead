"""The per-sender limit on automatic answers to registration requests by email: a forged sender
cannot make the portal write to one address more than SESSIONS_INBOUND_ANSWER_LIMIT times a day,
and nothing beyond the limit is lost (real PostgreSQL, real parallel connections)."""

import threading
from datetime import timedelta

import pytest
from django.db import connection, connections
from django.urls import reverse
from django.utils import timezone

from ensie_portal.core.errors import DomainError
from ensie_portal.outbox.models import OutgoingMail
from sessions_app.inbound_emails import (
    inbound_email_accept,
    inbound_email_receive,
    inbound_email_reject,
)
from sessions_app.models import InboundEmail, Registration
from tests import mail_samples as samples
from tests.factories import make_organiser
from tests.sessions_app.factories import SessionFactory

Status = InboundEmail.Status
VICTIM = "victim@example.org"


@pytest.fixture(autouse=True)
def _mailbox(settings):
    settings.SESSIONS_MAILBOX_ADDRESS = samples.MAILBOX
    settings.SESSIONS_INBOUND_ANSWER_LIMIT = 3


def _message(index: int, *, to: str, sender: str = f"Vic <{VICTIM}>", subject="Registration"):
    return samples.raw(
        subject=subject,
        body="Hello, please register me. Thanks",
        sender=sender,
        to=to,
        message_id=f"<limit{index}@example.org>",
    )


def _mails_to(address: str):
    return OutgoingMail.objects.filter(to_email=address)


@pytest.mark.django_db
def test_a_sender_is_answered_at_most_the_limit_and_further_requests_wait_unanswered():
    SessionFactory(number=7)
    SessionFactory(number=8)
    now = timezone.now()
    # Confirmation links (sessions 7 and 8) and a refusal (no session 99) count alike.
    for index, to in enumerate(["sessions+7@ensie.org", "sessions+99@ensie.org"]):
        inbound_email_receive(raw=_message(index, to=to), now=now)
    inbound_email_receive(raw=_message(2, to="sessions+8@ensie.org"), now=now)
    assert _mails_to(VICTIM).count() == 3
    limited = [
        inbound_email_receive(raw=_message(index, to=to), now=now + timedelta(hours=1))
        for index, to in [(3, "sessions+7@ensie.org"), (4, "sessions+98@ensie.org")]
    ]
    assert [r.status for r in limited] == [Status.LIMITED, Status.LIMITED]
    assert all("limit of automatic answers" in r.reason for r in limited)
    assert all(r.answered_at is None and r.registration is None for r in limited)
    # Kept with what it named, for an organiser; nothing was sent and nobody registered twice.
    assert limited[0].session.number == 7
    assert limited[1].named_number == 98
    assert _mails_to(VICTIM).count() == 3
    assert Registration.objects.filter(email=VICTIM).count() == 2


@pytest.mark.django_db
def test_the_limit_is_per_sender_and_rolls_over_after_24_hours():
    now = timezone.now()
    for index in range(4):
        inbound_email_receive(raw=_message(index, to=f"sessions+9{index}@ensie.org"), now=now)
    assert _mails_to(VICTIM).count() == 3
    other = inbound_email_receive(
        raw=_message(10, to="sessions+90@ensie.org", sender="Other <other@example.org>"), now=now
    )
    assert other.status == Status.REJECTED
    assert _mails_to("other@example.org").count() == 1
    still = inbound_email_receive(
        raw=_message(11, to="sessions+90@ensie.org"), now=now + timedelta(hours=23, minutes=59)
    )
    assert still.status == Status.LIMITED
    later = inbound_email_receive(
        raw=_message(12, to="sessions+90@ensie.org"), now=now + timedelta(hours=24, minutes=1)
    )
    assert later.status == Status.REJECTED
    assert _mails_to(VICTIM).count() == 4


@pytest.mark.django_db
def test_requests_that_are_not_answered_do_not_use_up_the_limit():
    for index in range(5):  # naming no session: they wait for an organiser, unanswered
        inbound_email_receive(raw=_message(index, to=samples.MAILBOX, subject="Question"))
    for index in range(5, 8):
        inbound_email_receive(
            raw=samples.raw(
                subject="Automatic reply: session 7",
                sender=f"Vic <{VICTIM}>",
                message_id=f"<auto{index}@example.org>",
                headers={"Auto-Submitted": "auto-replied"},
            )
        )
    answered = inbound_email_receive(raw=_message(9, to="sessions+99@ensie.org"))
    assert answered.status == Status.REJECTED
    assert _mails_to(VICTIM).count() == 1
    assert not InboundEmail.objects.filter(status=Status.LIMITED).exists()


@pytest.mark.django_db
def test_the_same_message_handed_over_again_is_not_answered_or_limited_twice():
    for _ in range(5):
        inbound = inbound_email_receive(raw=_message(1, to="sessions+99@ensie.org"))
    assert inbound.status == Status.REJECTED
    assert InboundEmail.objects.count() == 1
    assert _mails_to(VICTIM).count() == 1


@pytest.mark.django_db
def test_organisers_see_a_rate_limited_request_in_their_queue_and_can_accept_it(client_for):
    organiser = make_organiser()
    session = SessionFactory(number=7, organisers=[organiser])
    now = timezone.now()
    for index in range(3):
        inbound_email_receive(raw=_message(index, to=f"sessions+9{index}@ensie.org"), now=now)
    limited = inbound_email_receive(raw=_message(3, to="sessions+7@ensie.org"), now=now)
    assert limited.status == Status.LIMITED
    page = client_for(organiser).get(reverse("sessions_app:inbound_list"))
    shown = {r.pk: r for r in page.context["inbound_emails"]}
    assert limited.pk in shown
    html = page.content.decode()
    assert "rate limited" in html
    assert "had reached its limit of automatic answers" in html
    assert "at most 3 times in 24 hours" in html
    assert reverse("sessions_app:inbound_accept", args=[limited.pk]) in html
    # The organiser's word is not an automatic answer: the sender gets the confirmation link.
    client_for(organiser).post(reverse("sessions_app:inbound_accept", args=[limited.pk]))
    limited.refresh_from_db()
    assert limited.status == Status.ACCEPTED
    assert limited.decided_by == organiser
    assert limited.registration.session == session
    assert _mails_to(VICTIM).filter(key__startswith="sessions:confirm:").count() == 1


@pytest.mark.django_db
def test_an_organiser_can_reject_a_rate_limited_request(settings):
    organiser = make_organiser()
    SessionFactory(number=7, organisers=[organiser])
    settings.SESSIONS_INBOUND_ANSWER_LIMIT = 0
    limited = inbound_email_receive(raw=_message(1, to="sessions+7@ensie.org"))
    assert limited.status == Status.LIMITED
    assert not _mails_to(VICTIM).exists()
    inbound_email_reject(inbound=limited, actor=organiser, reason="Members only.")
    limited.refresh_from_db()
    assert limited.status == Status.REJECTED
    assert "Members only." in _mails_to(VICTIM).get().body_text
    with pytest.raises(DomainError, match="already handled"):
        inbound_email_accept(inbound=limited, actor=organiser)


@pytest.mark.django_db(transaction=True)
def test_concurrent_polls_never_answer_a_sender_beyond_the_limit(settings):
    assert connection.vendor == "postgresql"
    settings.SESSIONS_INBOUND_ANSWER_LIMIT = 2
    SessionFactory(number=7)
    SessionFactory(number=8)
    targets = ["sessions+7@ensie.org", "sessions+8@ensie.org"] + [
        f"sessions+9{index}@ensie.org" for index in range(6)
    ]
    barrier = threading.Barrier(len(targets))
    errors = []

    def receive(index, to):
        try:
            barrier.wait()
            inbound_email_receive(raw=_message(index, to=to))
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=receive, args=(index, to)) for index, to in enumerate(targets)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    statuses = list(InboundEmail.objects.values_list("status", flat=True))
    assert len(statuses) == len(targets)
    assert statuses.count(Status.LIMITED) == len(targets) - 2
    assert InboundEmail.objects.filter(answered_at__isnull=False).count() == 2
    assert _mails_to(VICTIM).count() == 2


@pytest.mark.django_db
def test_sub_addresses_of_one_mailbox_share_its_limit():
    """victim+1@ and victim+2@ reach victim@: varying the tag does not buy more answers."""
    now = timezone.now()
    senders = ["victim+1@example.org", "VICTIM@example.org", "victim+news@example.org"]
    for index, sender in enumerate(senders):
        answered = inbound_email_receive(
            raw=_message(index, to="sessions+99@ensie.org", sender=sender), now=now
        )
        assert answered.status == Status.REJECTED
    limited = inbound_email_receive(
        raw=_message(3, to="sessions+99@ensie.org", sender="victim+other@example.org"), now=now
    )
    assert limited.status == Status.LIMITED
    assert not _mails_to("victim+other@example.org").exists()
    # Other mailboxes keep their own count, however alike their names.
    for index, sender in enumerate(["victim2@example.org", "victim@example.net"], start=4):
        other = inbound_email_receive(
            raw=_message(index, to="sessions+99@ensie.org", sender=sender), now=now
        )
        assert other.status == Status.REJECTED
