"""Registration requests by email, end to end: real messages in a real IMAP server (dovecot),
polled by the task, each becoming the right outcome exactly once."""

import threading
from datetime import timedelta

import pytest
from django.db import connections
from django.utils import timezone

from ensie_portal.outbox.models import OutgoingMail
from sessions_app.inbound_emails import inbound_email_receive
from sessions_app.models import InboundEmail, Registration, Session
from sessions_app.tasks import poll_mailbox
from sessions_app.tokens import CONFIRM, registration_from_token
from tests import mail_samples as samples
from tests.sessions_app.factories import SessionFactory
from tests.sessions_app.helpers import token_in

pytestmark = pytest.mark.integration

Status = InboundEmail.Status

HTML_ONLY = samples.raw(
    subject="Session 7 registration",
    body="<html><body><p>Hello,</p><p>I would like to <b>attend</b>.</p></body></html>",
    content_type="text/html; charset=utf-8",
    sender="Eve Adams <eve@example.es>",
    message_id="<html@example.es>",
)
SUBJECT_NUMBER = samples.raw(
    subject="Request to participate in online session 7",
    body="Dear ENSIE, please register me. Thank you.",
    sender="Bo Berg <bo@example.se>",
    message_id="<subject@example.se>",
)
SUBJECT_TITLE = samples.raw(
    subject="Work Integration Social Enterprises - participation",
    body="Please register me for the meeting.",
    sender="Carla Rossi <carla@example.it>",
    message_id="<title@example.it>",
)
UNMATCHED = samples.raw(
    subject="Question",
    body="Hello, when is the next meeting? Thanks",
    sender="Dan Weber <dan@example.de>",
    message_id="<unmatched@example.de>",
)
CLOSED = samples.raw(
    subject="Register me for session 5",
    body="Hello, I would like to attend please.",
    sender="Finn <finn@example.ie>",
    message_id="<closed@example.ie>",
)
CANCELLED = samples.raw(
    subject="Session 6",
    body="Please register me, thank you.",
    sender="Gus <gus@example.nl>",
    message_id="<cancelled@example.nl>",
)
UNKNOWN_FRENCH = samples.raw(
    subject="Inscription à la séance 99",
    body="Bonjour, je souhaite m'inscrire à la séance. Merci et cordialement, Hugo",
    sender="Hugo Petit <hugo@example.fr>",
    message_id="<unknown@example.fr>",
)

# Each message and what must come of it: status, session number, sender's language.
EXPECTED = {
    samples.PLUS_ADDRESSED: ("<plus@example.es>", Status.ACCEPTED, 7),
    SUBJECT_NUMBER: ("<subject@example.se>", Status.ACCEPTED, 7),
    SUBJECT_TITLE: ("<title@example.it>", Status.ACCEPTED, 7),
    samples.FRENCH: ("<french@example.fr>", Status.ACCEPTED, 7),
    HTML_ONLY: ("<html@example.es>", Status.ACCEPTED, 7),
    UNMATCHED: ("<unmatched@example.de>", Status.UNASSIGNED, None),
    samples.LATIN1: ("<latin1@example.be>", Status.UNASSIGNED, None),
    samples.NO_TEXT: ("<notext@example.es>", Status.PENDING, 7),
    samples.AUTO_REPLY: ("<auto@example.es>", Status.IGNORED, None),
    samples.BOUNCE: ("<bounce@mx.example.es>", Status.IGNORED, None),
    samples.MAILING_LIST: ("<list@lists.example.org>", Status.IGNORED, 7),
    samples.NO_SENDER: ("<nosender@x>", Status.IGNORED, None),
    CLOSED: ("<closed@example.ie>", Status.REJECTED, 5),
    CANCELLED: ("<cancelled@example.nl>", Status.REJECTED, 6),
    UNKNOWN_FRENCH: ("<unknown@example.fr>", Status.REJECTED, None),
}
REGISTERED = {
    "ana@example.es": "en",
    "bo@example.se": "en",
    "carla@example.it": "en",
    "jeanne@example.fr": "fr",
    "eve@example.es": "en",
}
ANSWERED = {"finn@example.ie": "en", "gus@example.nl": "en", "hugo@example.fr": "fr"}


@pytest.fixture
def mailbox(imap_server, settings):
    settings.IMAP_URL = imap_server.url
    settings.SESSIONS_MAILBOX_ADDRESS = samples.MAILBOX
    now = timezone.now()
    SessionFactory(number=7, title="Work Integration Social Enterprises", slug="wises")
    SessionFactory(
        number=5,
        slug="past",
        starts_at=now - timedelta(hours=1),
        ends_at=now + timedelta(minutes=30),
    )
    SessionFactory(number=6, slug="cancelled", status=Session.Status.CANCELLED)
    SessionFactory(number=8, slug="draft", status=Session.Status.DRAFT)
    for raw in EXPECTED:
        imap_server.deliver(raw)
    return imap_server


def _assert_each_message_had_its_outcome_once(imap_server):
    inbound_emails = {r.message_id: r for r in InboundEmail.objects.select_related("session")}
    assert len(inbound_emails) == len(EXPECTED) == InboundEmail.objects.count()
    for message_id, status, number in EXPECTED.values():
        inbound = inbound_emails[message_id]
        assert inbound.status == status, (message_id, inbound.reason)
        if status != Status.IGNORED:
            assert (inbound.session.number if inbound.session else None) == number, message_id
    # The registered senders got one confirmation link each, in their language.
    registrations = Registration.objects.filter(source=Registration.Source.EMAIL)
    assert {r.email: r.language for r in registrations} == REGISTERED
    assert all(r.status == Registration.Status.PENDING for r in registrations)
    confirmations = OutgoingMail.objects.filter(key__startswith="sessions:confirm:")
    assert sorted(m.to_email for m in confirmations) == sorted(REGISTERED)
    # Closed, cancelled and unknown sessions: one answer each, in the sender's language.
    answers = OutgoingMail.objects.filter(key__startswith="sessions:inbound:answer:")
    assert {m.to_email: m.language for m in answers} == ANSWERED
    assert answers.count() == len(ANSWERED)
    # Nothing else was sent: robots, the unassigned and the unreadable get no answer.
    assert OutgoingMail.objects.count() == len(REGISTERED) + len(ANSWERED)
    assert imap_server.count("INBOX") == 0
    # Every message is in the processed folder, once.
    assert sorted(imap_server.message_ids("Processed")) == sorted(m for m, *_ in EXPECTED.values())


@pytest.mark.django_db
def test_every_kind_of_message_becomes_the_right_request_and_a_second_poll_adds_nothing(mailbox):
    assert poll_mailbox() == len(EXPECTED)
    _assert_each_message_had_its_outcome_once(mailbox)
    assert poll_mailbox() == 0
    _assert_each_message_had_its_outcome_once(mailbox)


@pytest.mark.django_db(transaction=True)
def test_two_polls_running_at_once_turn_each_message_into_one_request(mailbox):
    barrier = threading.Barrier(2)
    errors = []

    def poll():
        try:
            barrier.wait()
            poll_mailbox()
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=poll) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    _assert_each_message_had_its_outcome_once(mailbox)
    for registration in Registration.objects.all():
        assert registration.confirmation_count == 1


@pytest.mark.django_db
def test_a_poll_waits_while_another_one_runs(mailbox):
    from django.core.cache import cache

    from sessions_app.inbound_emails import POLL_LOCK

    cache.add(POLL_LOCK, 1, 60)  # another worker is polling
    assert poll_mailbox() == 0
    assert mailbox.count("INBOX") == len(EXPECTED)
    cache.delete(POLL_LOCK)  # that poll ended
    assert poll_mailbox() == len(EXPECTED)
    _assert_each_message_had_its_outcome_once(mailbox)


@pytest.mark.django_db
def test_a_poll_interrupted_after_handling_a_message_does_not_handle_it_twice(mailbox):
    # The message was handled, but the poll stopped before moving it to the processed folder.
    inbound_email_receive(raw=CLOSED)
    inbound_email_receive(raw=samples.PLUS_ADDRESSED)
    poll_mailbox()
    _assert_each_message_had_its_outcome_once(mailbox)


@pytest.mark.django_db
def test_the_sender_of_an_email_request_confirms_with_the_link_and_gets_the_participation_link(
    mailbox, client
):
    session = Session.objects.get(number=7)
    session.participation_link = "https://meet.example.org/j/seven"
    session.link_version = 1
    session.save()
    poll_mailbox()
    [confirmation] = OutgoingMail.objects.filter(
        to_email="jeanne@example.fr", key__startswith="sessions:confirm:"
    )
    assert confirmation.language == "fr"
    assert "/fr/" in confirmation.body_text
    token = token_in(confirmation, "confirm")
    assert registration_from_token(token=token, purpose=CONFIRM).email == "jeanne@example.fr"
    response = client.post(f"/fr/sessions/registration/confirm/{token}/")
    assert response.status_code in (200, 302)
    registration = Registration.objects.get(email="jeanne@example.fr")
    assert registration.status == Registration.Status.CONFIRMED
    [link] = OutgoingMail.objects.filter(
        to_email="jeanne@example.fr", key__startswith="sessions:link:"
    )
    assert "https://meet.example.org/j/seven" in link.body_text


@pytest.mark.django_db
def test_the_automatic_answer_is_polite_says_why_and_speaks_the_senders_language(mailbox):
    poll_mailbox()
    answer = OutgoingMail.objects.get(to_email="hugo@example.fr")
    assert answer.subject.startswith("Votre demande d’inscription")
    assert "99" in answer.body_text
    assert answer.headers["In-Reply-To"] == "<unknown@example.fr>"
    assert answer.headers["Auto-Submitted"] == "auto-generated"
    closed = OutgoingMail.objects.get(to_email="finn@example.ie")
    assert "registration" in closed.body_text
    assert "is closed" in closed.body_text
    cancelled = OutgoingMail.objects.get(to_email="gus@example.nl")
    assert "is cancelled" in cancelled.body_text


@pytest.mark.django_db
def test_texts_of_html_only_and_non_utf8_messages_are_kept_readable(mailbox):
    poll_mailbox()
    html = InboundEmail.objects.get(message_id="<html@example.es>")
    assert "I would like to attend" in " ".join(html.text.split())
    assert "<b>" not in html.text
    latin1 = InboundEmail.objects.get(message_id="<latin1@example.be>")
    assert "séance numéro 7" in latin1.text
    assert latin1.language == "fr"


@pytest.mark.django_db
def test_nothing_is_polled_when_no_mailbox_is_configured(mailbox, settings):
    settings.IMAP_URL = ""
    assert poll_mailbox() == 0
    assert mailbox.count("INBOX") == len(EXPECTED)
    assert not InboundEmail.objects.exists()
