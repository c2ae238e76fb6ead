"""Registration by email, the inbound emails: every write (receive a message from the mailbox,
organisers assign, accept and reject) and the mailbox poll itself.

A message becomes one :class:`InboundEmail`, keyed on its Message-ID, and is routed in the
same transaction that inserts that row: a second poller handing over the same message waits on
the unique key, finds the row and does nothing. An email naming an open session runs the same
registration service as the web form (the sender receives the confirmation link, so a forged
sender cannot register someone else). Closed, cancelled and unknown sessions get one polite
answer per message (an outbox key); robots are never answered.

A forged sender could still make the portal write to any address once per message, so each
address (with its sub-addresses, :func:`sender_mailbox`) gets at most
``SESSIONS_INBOUND_ANSWER_LIMIT`` automatic answers in a rolling 24 hours, counted in the
database under a per-mailbox lock (:func:`sender_lock`) so that concurrent polls count one
after the other. An email beyond the limit is kept, rate limited, for an organiser.
"""

import logging
from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop, override

from ensie_portal.accounts import roles
from ensie_portal.core.errors import DomainError
from ensie_portal.core.i18n import absolute_url
from ensie_portal.core.workflow import Rule, transition
from ensie_portal.outbox.services import mail_queue

from .inbound import (
    AUTOMATIC,
    MALFORMED,
    InboundMessage,
    match_session,
    parse_message,
    session_number,
)
from .mailbox import mailbox_config, mailbox_poll
from .models import InboundEmail, Registration, Session
from .services import registration_start
from .tokens import RegistrationClosed

logger = logging.getLogger(__name__)

ANSWER_TEMPLATE = "sessions_inbound_answer"
# Why an inbound email is answered automatically (the answer template's ``why``).
UNKNOWN = "unknown"
CLOSED = "closed"
CANCELLED = "cancelled"
REJECTED = "rejected"
# The rolling window of the per-sender limit on automatic answers.
ANSWER_WINDOW = timedelta(hours=24)


def session_inbound_address(session: Session) -> str:
    """The address to write to for ``session``: ``sessions+7@...`` (empty when unset)."""
    mailbox = settings.SESSIONS_MAILBOX_ADDRESS
    if not mailbox or "@" not in mailbox:
        return ""
    local, _at, domain = mailbox.partition("@")
    return f"{local}+{session.number}@{domain}"


# --- Receiving ------------------------------------------------------------------------------


def _clean(value: str) -> str:
    """PostgreSQL text cannot hold NUL characters; odd messages sometimes do."""
    return value.replace("\x00", "")


def inbound_email_receive(*, raw: bytes, now=None) -> InboundEmail:
    """Turn one raw message into its inbound email (once: the Message-ID is the key) and route
    it."""
    message = parse_message(raw)
    with transaction.atomic():
        inbound, created = InboundEmail.objects.get_or_create(
            message_id=_clean(message.message_id),
            defaults={
                "sender": message.sender[:254],
                "sender_name": _clean(message.sender_name),
                "subject": _clean(message.subject),
                "text": _clean(message.text),
                "language": message.language,
                "kind": message.kind,
                "status": InboundEmail.Status.UNASSIGNED,
            },
        )
        if created:
            _route(inbound, message, now=now or timezone.now())
    return inbound


def _route(inbound: InboundEmail, message: InboundMessage, *, now) -> None:
    if message.kind == AUTOMATIC:
        _settle(inbound, status=InboundEmail.Status.IGNORED, reason=message.reason)
        return
    number = session_number(message, mailbox=settings.SESSIONS_MAILBOX_ADDRESS)
    session = _matched_session(message, number)
    inbound.named_number = number
    inbound.session = session
    if message.kind == MALFORMED:
        status = InboundEmail.Status.PENDING if session else InboundEmail.Status.UNASSIGNED
        _settle(inbound, status=status, reason=message.reason)
        return
    if session is None and number is None:
        _settle(inbound, status=InboundEmail.Status.UNASSIGNED)
        return
    # From here on every outcome answers the sender by itself (a confirmation link or a
    # refusal): only as often as the per-sender limit allows.
    sender_lock(inbound.sender)
    if inbound_answers_left(inbound.sender, now=now) <= 0:
        _settle(inbound, status=InboundEmail.Status.LIMITED, reason=LIMITED_NOTE)
        return
    if session is None:
        _refuse(inbound, why=UNKNOWN, reason=gettext_noop("No session has this number."), now=now)
        return
    if session.status == Session.Status.CANCELLED:
        _refuse(inbound, why=CANCELLED, reason=gettext_noop("The session is cancelled."), now=now)
        return
    try:
        registration = _register(inbound, session=session, now=now)
    except RegistrationClosed as error:
        _refuse(inbound, why=CLOSED, reason=untranslated(error.message), now=now)
        return
    except DomainError as error:
        # Anything else the service refuses waits for an organiser rather than stop the poll.
        _settle(inbound, status=InboundEmail.Status.PENDING, reason=untranslated(error.message))
        return
    inbound.registration = registration
    inbound.answered_at = now  # the confirmation link (or the registration's status) was sent
    _settle(inbound, status=InboundEmail.Status.ACCEPTED)


def sender_mailbox(sender: str) -> tuple[str, str]:
    """The mailbox ``sender`` delivers to, as the limit counts it: its local part without a
    sub-address (``ann+1@example.org`` reaches ``ann@example.org``, so the two share one
    count; otherwise a forger would only have to vary the tag) and its domain."""
    local, _at, domain = sender.rpartition("@")
    return local.split("+", 1)[0], domain


def sender_lock(sender: str) -> None:
    """Lock the automatic answers to ``sender``'s mailbox until the transaction ends: two polls
    handling two of its messages at once count them one after the other (call it inside the
    transaction).

    No row stands for a sender, so on PostgreSQL this is a transaction-level advisory lock on
    the mailbox, released at commit or rollback as a ``select_for_update`` lock is. SQLite (the
    development database) needs none: the inbound email's row inserted first in the same transaction
    already keeps other writers waiting until it ends.
    """
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_advisory_xact_lock(hashtextextended(%s, 0))",
            ["sessions-inbound-sender:{}@{}".format(*sender_mailbox(sender))],
        )


def inbound_answers_left(sender: str, *, now) -> int:
    """Automatic answers ``sender``'s mailbox may still receive at ``now`` in the rolling window
    (call it under :func:`sender_lock`)."""
    local, domain = sender_mailbox(sender)
    same_mailbox = Q(sender=f"{local}@{domain}") | Q(
        sender__startswith=f"{local}+", sender__endswith=f"@{domain}"
    )
    used = InboundEmail.objects.filter(same_mailbox, answered_at__gt=now - ANSWER_WINDOW).count()
    return max(settings.SESSIONS_INBOUND_ANSWER_LIMIT - used, 0)


# Kept untranslated (English) on the inbound email; shown in the reader's language.
LIMITED_NOTE = gettext_noop(
    "Not answered: this address had reached its limit of automatic answers for 24 hours. "
    "Accept, assign or reject the request here."
)


def _matched_session(message: InboundMessage, number: int | None) -> Session | None:
    """The visible (never draft) session the message names by number, else by title."""
    candidates = Session.objects.visible().only("pk", "number", "title_en", "title_fr")
    if number is not None:
        candidates = candidates.filter(number=number)
    match = match_session(message, list(candidates), mailbox=settings.SESSIONS_MAILBOX_ADDRESS)
    return Session.objects.get(pk=match.pk) if match else None


def _register(inbound: InboundEmail, *, session: Session, now, actor=None) -> Registration:
    if not inbound.sender:
        raise DomainError(_("This message has no sender address to register."))
    name = inbound.sender_name or inbound.sender.partition("@")[0]
    return registration_start(
        session=session,
        name=name[:200],
        email=inbound.sender,
        language=inbound.language,
        source=Registration.Source.EMAIL,
        now=now,
    )


def untranslated(message) -> str:
    """A (lazily) translated message as its English source, to store and translate when shown."""
    with override(None):
        return str(message)


def _settle(inbound: InboundEmail, *, status: str, reason: str = "") -> None:
    inbound.status = status
    inbound.reason = reason
    inbound.save()


def _refuse(inbound: InboundEmail, *, why: str, reason: str, now) -> None:
    inbound.answered_at = now
    _settle(inbound, status=InboundEmail.Status.REJECTED, reason=reason)
    inbound_answer(inbound=inbound, why=why)


def inbound_answer(*, inbound: InboundEmail, why: str, note: str = ""):
    """The one automatic answer to an inbound email (never to robots), in the sender's language."""
    if inbound.kind != InboundEmail.Kind.REQUEST or not inbound.sender:
        return None
    language = inbound.language if inbound.language in ("en", "fr") else "en"
    return mail_queue(
        key=f"sessions:inbound:answer:{inbound.pk}",
        to=inbound.sender,
        template=ANSWER_TEMPLATE,
        language=language,
        related=inbound,
        headers={"In-Reply-To": inbound.message_id, "References": inbound.message_id},
        context={
            "why": why,
            "inbound": inbound,
            "session": inbound.session,
            "number": inbound.named_number,
            "note": note,
            "sessions_url": absolute_url("sessions_app:list", language),
            "session_url": (
                absolute_url("sessions_app:detail", language, slug=inbound.session.slug)
                if inbound.session
                else ""
            ),
        },
    )


# One poll at a time across every worker; a crashed poll's lock expires after this long.
POLL_LOCK = "sessions:mailbox-poll"
POLL_LOCK_SECONDS = 600


def inbound_mailbox_poll() -> int:
    """Poll ``IMAP_URL`` once (nothing when unset); returns how many messages were handled.

    Nothing either while another poll runs: each message is handled once anyway (keyed on its
    Message-ID), but two polls moving the same message could leave two copies of it in the
    processed folder.
    """
    if not settings.IMAP_URL or not cache.add(POLL_LOCK, 1, POLL_LOCK_SECONDS):
        return 0
    try:
        config = mailbox_config(settings.IMAP_URL, processed_folder=settings.IMAP_PROCESSED_FOLDER)
        return mailbox_poll(config=config, handle=lambda raw: inbound_email_receive(raw=raw))
    finally:
        cache.delete(POLL_LOCK)


# --- Organisers ----------------------------------------------------------------------------


def may_handle(actor, inbound: InboundEmail) -> bool:
    """Staff handle every inbound email; organisers the unassigned ones and their sessions'
    ones."""
    if not roles.is_organiser_or_staff(actor):
        return False
    if inbound.session_id is None:
        return True
    return roles.may_manage_session(actor, inbound.session)


Status = InboundEmail.Status
INBOUND_TRANSITIONS = {
    (Status.UNASSIGNED, Status.PENDING): Rule(who=may_handle, action="assign"),
    (Status.PENDING, Status.PENDING): Rule(who=may_handle, action="assign"),
    (Status.REJECTED, Status.PENDING): Rule(who=may_handle, action="assign"),
    (Status.IGNORED, Status.PENDING): Rule(who=may_handle, action="assign"),
    (Status.LIMITED, Status.PENDING): Rule(who=may_handle, action="assign"),
    (Status.PENDING, Status.ACCEPTED): Rule(who=may_handle, action="accept"),
    (Status.LIMITED, Status.ACCEPTED): Rule(who=may_handle, action="accept"),
    (Status.UNASSIGNED, Status.REJECTED): Rule(who=may_handle, action="reject"),
    (Status.PENDING, Status.REJECTED): Rule(who=may_handle, action="reject"),
    (Status.LIMITED, Status.REJECTED): Rule(who=may_handle, action="reject"),
}


def inbound_email_assign(*, inbound: InboundEmail, session: Session, actor) -> InboundEmail:
    """Put the inbound email in ``session``'s queue (the organiser must organise that
    session)."""
    if not roles.may_manage_session(actor, session):
        raise DomainError(_("You are not allowed to do this."))
    return transition(
        obj=inbound,
        to=InboundEmail.Status.PENDING,
        actor=actor,
        transitions=INBOUND_TRANSITIONS,
        updates={"session": session, "reason": ""},
        data={"session": session.pk},
    )


def inbound_email_accept(*, inbound: InboundEmail, actor, now=None) -> InboundEmail:
    """Register the sender to the inbound email's session, as the web form would."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = InboundEmail.objects.select_for_update().get(pk=inbound.pk)
        if locked.session is None:
            raise DomainError(_("Assign the request to a session first."))
        if not may_handle(actor, locked):
            raise DomainError(_("You are not allowed to do this."))
        if (locked.status, InboundEmail.Status.ACCEPTED) not in INBOUND_TRANSITIONS:
            raise DomainError(_("This request is already handled."))
        registration = _register(locked, session=locked.session, now=now, actor=actor)
        return transition(
            obj=inbound,
            to=InboundEmail.Status.ACCEPTED,
            actor=actor,
            transitions=INBOUND_TRANSITIONS,
            updates={"registration": registration, "decided_by": actor, "decided_at": now},
        )


def inbound_email_reject(*, inbound: InboundEmail, actor, reason: str, now=None) -> InboundEmail:
    """Refuse the inbound email; the sender (a person, never a robot) is told why, once."""
    return transition(
        obj=inbound,
        to=InboundEmail.Status.REJECTED,
        actor=actor,
        transitions=INBOUND_TRANSITIONS,
        comment=reason,
        updates={"reason": reason, "decided_by": actor, "decided_at": now or timezone.now()},
        on_done=[lambda locked: inbound_answer(inbound=locked, why=REJECTED, note=reason)],
    )
