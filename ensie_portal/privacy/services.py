"""Every write of the personal-data rules: the retention rules, applied daily by the task
``privacy.apply_retention``, and the erasure of one person by staff.

Each retention rule erases what its setting says is old enough and returns how many records it
erased; it selects only what is not erased yet, so running it again erases nothing more.
``RETENTION_RULES`` lists them in the order they run (README, "Personal data", is their table).

Erasing keeps the workflows whole: a registration keeps its status and attendance (the counts),
an email request its status and session, an outbox row its status and dates, an application and
its network stay (an organisation's record), an account stays as an anonymised, deactivated row
(the audit trail, the votes and the Board's assessments still point to one actor).
"""

import hashlib
import imaplib
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.contrib.sessions.models import Session as LoginSession
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from ensie_portal.accounts.models import User
from ensie_portal.core.errors import DomainError
from ensie_portal.core.models import AuditEntry
from ensie_portal.core.queue import task_enqueue_on_commit
from ensie_portal.core.workflow import audit_record
from ensie_portal.outbox.models import OutgoingMail
from networks.models import Application, Network
from practices.models import Practice
from sessions_app.mailbox import mailbox_config, mailbox_erase_senders, mailbox_prune
from sessions_app.models import InboundEmail, Registration, Session
from sessions_app.services import registration_cancel

from .addresses import PersonAddress
from .models import MailboxErasure, PersonalDataRequest
from .selectors import PersonRecords, person_records

logger = logging.getLogger(__name__)

# The recipient an outbox row shows once its content is erased (".invalid" never delivers).
ERASED_RECIPIENT = "erased@invalid"
# Stored untranslated (English), shown in the reader's language.
NOT_SENT_NOTE = gettext_noop("Not sent: the recipient's personal data was erased.")
ERASED_NOTE = gettext_noop("Personal data erased.")
_ADDRESS = re.compile(r"[^\s:<>\"'(),;]+@[^\s:<>\"'(),;]+")
# The task (``tasks.py``) erasing the mailbox's copies after an erasure, enqueued by name: it
# imports this module.
MAILBOX_ERASE_TASK = "privacy.erase_mailbox_copies"
# A mailbox erasure not done this long after it was asked for is tried again by the sweep
# (``privacy.mailbox_erasures_sweep``): its task was never enqueued, or failed.
MAILBOX_ERASURE_RETRY_AFTER = timedelta(minutes=5)


def _days_ago(now, setting: str):
    return now - timedelta(days=getattr(settings, setting))


def _related(model, ids) -> Q:
    return Q(
        related_type=ContentType.objects.get_for_model(model), related_id__in=[str(i) for i in ids]
    )


def _audit_comments_erase(model, ids) -> None:
    """The free-text comments of the audit entries about these records (an organiser's reason
    may name the person); the entries themselves stay."""
    AuditEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(model), object_id__in=[str(i) for i in ids]
    ).exclude(comment="").update(comment="")


def _files_delete_on_commit(files) -> None:
    """Delete stored files once the transaction commits (a rollback keeps them)."""
    for stored in files:
        if stored:
            storage, name = stored.storage, stored.name
            transaction.on_commit(lambda storage=storage, name=name: storage.delete(name))


# --- Erasing records ---------------------------------------------------------------------------


def outbox_purge(*, mails, now) -> int:
    """Erase the personal content of the outbox rows ``mails`` (a queryset): recipient, reply-to,
    subject, bodies, headers, attachments, the address in the key and in the last error. Status,
    attempts, dates, language and what the message was about stay. A row not sent yet is never
    sent (failed, with a note); a purged row cannot be sent again."""
    mails = mails.filter(purged_at__isnull=True)
    mails.filter(status__in=[OutgoingMail.Status.QUEUED, OutgoingMail.Status.SENDING]).update(
        status=OutgoingMail.Status.FAILED, next_attempt_at=None, last_error=NOT_SENT_NOTE
    )
    # allauth's keys hold the address ("account:...:ann@example.org:<uuid>"); SMTP errors too.
    with_address = mails.filter(Q(key__contains="@") | Q(last_error__contains="@"))
    for pk, key, error in with_address.values_list("pk", "key", "last_error"):
        OutgoingMail.objects.filter(pk=pk).update(
            key=_ADDRESS.sub("erased", key)[:255], last_error=_ADDRESS.sub("[erased]", error)
        )
    return mails.update(
        to_email=ERASED_RECIPIENT,
        reply_to="",
        subject="",
        body_text="",
        body_html="",
        headers={},
        attachments=[],
        purged_at=now,
        updated_at=now,
    )


def registrations_erase(*, registrations, now) -> int:
    """Anonymise ``registrations`` (a queryset) and purge their emails; status, source and
    attendance stay for the counts, and their signed links stop working."""
    ids = list(registrations.filter(anonymised_at__isnull=True).values_list("pk", flat=True))
    if not ids:
        return 0
    Registration.objects.filter(pk__in=ids).update(
        name="",
        email="",
        organisation="",
        country="",
        question="",
        vouched_by=None,
        anonymised_at=now,
        updated_at=now,
    )
    outbox_purge(mails=OutgoingMail.objects.filter(_related(Registration, ids)), now=now)
    _audit_comments_erase(Registration, ids)
    return len(ids)


def inbound_emails_erase(*, inbound_emails, now, actor=None) -> int:
    """Erase the personal content of inbound emails (a queryset): sender, name, subject, text,
    note, and the Message-ID (kept as a hash: it stays unique). One still open cannot be handled
    without a sender: it is closed as ignored (audited). Their answers are purged."""
    inbound_emails = inbound_emails.filter(erased_at__isnull=True)
    ids = list(inbound_emails.values_list("pk", flat=True))
    if not ids:
        return 0
    erased = InboundEmail.objects.filter(pk__in=ids)
    still_open = list(
        erased.filter(status__in=InboundEmail.OPEN_STATUSES).values_list("pk", "status")
    )
    for pk, message_id in erased.values_list("pk", "message_id"):
        digest = hashlib.sha256(message_id.encode()).hexdigest()
        InboundEmail.objects.filter(pk=pk).update(message_id=f"erased:{digest}")
    erased.update(
        sender="",
        sender_name="",
        subject="",
        text="",
        reason="",
        erased_at=now,
        updated_at=now,
    )
    InboundEmail.objects.filter(pk__in=[pk for pk, _status in still_open]).update(
        status=InboundEmail.Status.IGNORED, reason=ERASED_NOTE
    )
    content_type = ContentType.objects.get_for_model(InboundEmail)
    AuditEntry.objects.bulk_create(
        AuditEntry(
            content_type=content_type,
            object_id=str(pk),
            actor=actor,
            action="erase",
            from_state=status,
            to_state=InboundEmail.Status.IGNORED,
        )
        for pk, status in still_open
    )
    outbox_purge(mails=OutgoingMail.objects.filter(_related(InboundEmail, ids)), now=now)
    _audit_comments_erase(InboundEmail, ids)
    return len(ids)


def applications_erase_personal_data(*, applications, now) -> int:
    """The personal data of closed applications (a queryset): the contact, the message, the
    representatives named in the request, the meeting notes and the uploaded letter and
    statutes. The application (the organisation, its status, the Board's decision) stays."""
    rows = list(applications.filter(personal_data_erased_at__isnull=True))
    for application in rows:
        _files_delete_on_commit([application.motivation_letter, application.statutes])
    Application.objects.filter(pk__in=[a.pk for a in rows]).update(
        contact_name="",
        contact_email="",
        message="",
        representatives_info="",
        meeting_notes="",
        motivation_letter="",
        motivation_letter_name="",
        motivation_letter_uploaded_at=None,
        statutes="",
        statutes_name="",
        statutes_uploaded_at=None,
        personal_data_erased_at=now,
    )
    return len(rows)


def user_anonymise(*, user: User) -> None:
    """Anonymise and deactivate an account: no address, name, organisation, password, role or
    authenticator is left; its allauth addresses are deleted, its open login sessions stop
    working (no usable password, inactive). The row stays so that what the person did as a
    representative, Board member or staff (votes, assessments, audit entries) still counts."""
    user.email = f"erased-{user.pk}@invalid"
    user.display_name = ""
    user.organisation = ""
    user.is_active = False
    user.is_staff = False
    user.is_superuser = False
    user.set_unusable_password()
    user.save()
    user.groups.clear()
    user.user_permissions.clear()
    EmailAddress.objects.filter(user=user).delete()
    Authenticator.objects.filter(user=user).delete()


# --- Retention rules -------------------------------------------------------------------------


def retention_session_registrations(*, now) -> int:
    """Registrants of a session ``SESSIONS_ANONYMISE_AFTER_DAYS`` after it ended."""
    cutoff = _days_ago(now, "SESSIONS_ANONYMISE_AFTER_DAYS")
    erased = 0
    for session in Session.objects.filter(ends_at__lte=cutoff, anonymised_at__isnull=True):
        with transaction.atomic():
            erased += registrations_erase(registrations=session.registrations.all(), now=now)
            session.anonymised_at = now
            session.save(update_fields=["anonymised_at", "updated_at"])
    return erased


def retention_inbound_emails(*, now) -> int:
    """Inbound emails ``SESSIONS_REQUESTS_ERASE_AFTER_DAYS`` after they arrived or were last
    decided on, and at the latest with their session's registrants."""
    cutoff = _days_ago(now, "SESSIONS_REQUESTS_ERASE_AFTER_DAYS")
    old = Q(received_at__lte=cutoff) & (Q(decided_at__isnull=True) | Q(decided_at__lte=cutoff))
    with transaction.atomic():
        return inbound_emails_erase(
            inbound_emails=InboundEmail.objects.filter(
                old | Q(session__anonymised_at__isnull=False)
            ),
            now=now,
        )


def retention_outbox(*, now) -> int:
    """The content of outbox rows ``OUTBOX_PURGE_AFTER_DAYS`` after they were sent or failed
    (their last change); rows still to send are left alone."""
    cutoff = _days_ago(now, "OUTBOX_PURGE_AFTER_DAYS")
    with transaction.atomic():
        return outbox_purge(
            mails=OutgoingMail.objects.filter(
                status__in=[OutgoingMail.Status.SENT, OutgoingMail.Status.FAILED],
                updated_at__lte=cutoff,
            ),
            now=now,
        )


def retention_stale_interests(*, now) -> int:
    """Expressions of interest nobody took further: still at the interest stage and untouched
    ``NETWORKS_INTEREST_ERASE_AFTER_DAYS`` after they were sent. The application is deleted
    with its audit trail and its emails' content; its network too, when it is an applicant
    with nothing else (no other application, fee, attendance or vote). The contact's account,
    if never used, then goes with the unused accounts."""
    cutoff = _days_ago(now, "NETWORKS_INTEREST_ERASE_AFTER_DAYS")
    stale = Application.objects.filter(status=Application.Status.INTEREST, updated_at__lte=cutoff)
    erased = 0
    for application in stale.select_related("network"):
        with transaction.atomic():
            network = application.network
            outbox_purge(
                mails=OutgoingMail.objects.filter(_related(Application, [application.pk])),
                now=now,
            )
            AuditEntry.objects.filter(
                content_type=ContentType.objects.get_for_model(Application),
                object_id=str(application.pk),
            ).delete()
            _files_delete_on_commit([application.motivation_letter, application.statutes])
            application.delete()
            if (
                network.status == Network.Status.APPLICANT
                and not network.applications.exists()
                and not network.fees.exists()
                and not network.attendances.exists()
                and not network.votes.exists()
            ):
                _files_delete_on_commit([network.logo])
                network.delete()
            erased += 1
    return erased


def retention_closed_applications(*, now) -> int:
    """Applications closed without admission (withdrawn, not eligible, rejected):
    their personal data ``NETWORKS_CLOSED_APPLICATION_ERASE_AFTER_DAYS`` after they closed
    (their last change)."""
    cutoff = _days_ago(now, "NETWORKS_CLOSED_APPLICATION_ERASE_AFTER_DAYS")
    closed = [
        Application.Status.WITHDRAWN,
        Application.Status.NOT_ELIGIBLE,
        Application.Status.REJECTED,
    ]
    with transaction.atomic():
        return applications_erase_personal_data(
            applications=Application.objects.filter(status__in=closed, updated_at__lte=cutoff),
            now=now,
        )


def retention_unused_accounts(*, now) -> int:
    """Accounts nobody ever signed in to, created ``ACCOUNTS_UNUSED_ERASE_AFTER_DAYS`` ago, with
    no role and nothing tied to them (no group, staff flag, network, session, assembly or
    practice): deleted, with their allauth addresses."""
    cutoff = _days_ago(now, "ACCOUNTS_UNUSED_ERASE_AFTER_DAYS")
    unused = User.objects.filter(
        last_login__isnull=True,
        date_joined__lte=cutoff,
        is_staff=False,
        is_superuser=False,
        groups=None,
        representative_links=None,
        organised_sessions=None,
        chaired_assemblies=None,
        practices=None,
    )
    ids = list(unused.values_list("pk", flat=True).distinct())
    with transaction.atomic():
        User.objects.filter(pk__in=ids).delete()
    return len(ids)


def retention_login_sessions(*, now) -> int:
    """Expired login sessions (they hold an account's id; ``SESSION_COOKIE_AGE``)."""
    deleted, _by_model = LoginSession.objects.filter(expire_date__lt=now).delete()
    return deleted


def retention_mailbox(*, now) -> int:
    """The original messages in the mailbox's processed folder, as old as the email requests
    erased by :func:`retention_inbound_emails` (nothing when ``IMAP_URL`` is unset)."""
    if not settings.IMAP_URL:
        return 0
    config = mailbox_config(settings.IMAP_URL, processed_folder=settings.IMAP_PROCESSED_FOLDER)
    before = timezone.localdate(_days_ago(now, "SESSIONS_REQUESTS_ERASE_AFTER_DAYS"))
    return mailbox_prune(config=config, before=before)


@dataclass(frozen=True)
class RetentionRule:
    name: str
    apply: Callable[..., int]


RETENTION_RULES = [
    # Interests first: the accounts they leave unused go in the same run.
    RetentionRule("stale_interests", retention_stale_interests),
    RetentionRule("closed_applications", retention_closed_applications),
    RetentionRule("session_registrations", retention_session_registrations),
    RetentionRule("email_requests", retention_inbound_emails),
    RetentionRule("outbox", retention_outbox),
    RetentionRule("unused_accounts", retention_unused_accounts),
    RetentionRule("login_sessions", retention_login_sessions),
    RetentionRule("mailbox", retention_mailbox),
]


def retention_apply(*, now=None) -> dict[str, int | None]:
    """Apply every retention rule; returns how many records each erased (None: the mailbox
    could not be reached; the others still ran, and it is tried again the next day)."""
    now = now or timezone.now()
    done: dict[str, int | None] = {}
    for rule in RETENTION_RULES:
        try:
            done[rule.name] = rule.apply(now=now)
        except (imaplib.IMAP4.error, OSError):
            logger.exception("Retention rule %s failed", rule.name)
            done[rule.name] = None
    return done


# --- One person, on request ------------------------------------------------------------------


def _log(*, kind: str, person: PersonAddress, actor, counts: dict) -> PersonalDataRequest:
    log = PersonalDataRequest.objects.create(
        kind=kind,
        address_hash=person.digest,
        include_subaddresses=person.include_subaddresses,
        actor=actor,
        counts=counts,
    )
    audit_record(obj=log, actor=actor, action=f"personal_data_{kind}", data={"counts": counts})
    return log


def person_export_record(*, person: PersonAddress, actor, records: PersonRecords):
    """Log that staff downloaded the export of ``person``'s data (who, when, the address's
    keyed hash, how many records)."""
    return _log(
        kind=PersonalDataRequest.Kind.EXPORT, person=person, actor=actor, counts=records.counts()
    )


def person_erase(*, person: PersonAddress, actor, now=None) -> PersonalDataRequest:
    """Erase or anonymise every record of ``person`` (as :func:`~.selectors.person_records`
    finds them), in one transaction, and log it. Votes, attendance, chaired assemblies and
    audit entries stay (the minutes of the General Assembly and the audit trail); they point to
    the anonymised account. Copies in the mailbox's processed folder are deleted afterwards.
    """
    now = now or timezone.now()
    with transaction.atomic():
        records = person_records(person=person)
        if any(user.pk == actor.pk for user in records.users):
            raise DomainError(_("This is your own account: another member of staff must erase it."))
        counts = records.counts()
        for registration in records.registrations:
            # A seat in a session still to come goes to the next person waiting.
            active = registration.status != Registration.Status.CANCELLED
            if (
                active
                and registration.anonymised_at is None
                and not registration.session.has_ended(now)
            ):
                registration_cancel(registration=registration, actor=actor, now=now)
        registrations_erase(
            registrations=Registration.objects.filter(pk__in=[r.pk for r in records.registrations]),
            now=now,
        )
        inbound_emails_erase(
            inbound_emails=InboundEmail.objects.filter(
                pk__in=[r.pk for r in records.inbound_emails]
            ),
            now=now,
            actor=actor,
        )
        Application.objects.filter(pk__in=[a.pk for a in records.applications]).update(
            contact_name="", contact_email=""
        )
        outbox_purge(
            mails=OutgoingMail.objects.filter(pk__in=[m.pk for m in records.outgoing_mails]),
            now=now,
        )
        user_ids = [user.pk for user in records.users]
        for practice in records.practices:
            if practice.published_at is None:
                _files_delete_on_commit([a.file for a in practice.attachments.all()])
        Practice.objects.filter(submitted_by__in=user_ids, published_at__isnull=True).delete()
        Practice.objects.filter(submitted_by__in=user_ids).update(submitted_by=None)
        for user in records.users:
            user.representative_links.all().delete()
            user.organised_sessions.clear()
            user_anonymise(user=user)
        log = _log(kind=PersonalDataRequest.Kind.ERASE, person=person, actor=actor, counts=counts)
        if settings.IMAP_URL:
            erasure = MailboxErasure.objects.create(
                address=person.address, include_subaddresses=person.include_subaddresses
            )
            task_enqueue_on_commit(MAILBOX_ERASE_TASK, erasure.pk)
    return log


def mailbox_erasure_run(*, erasure_id: int) -> int | None:
    """Delete the copies a :class:`MailboxErasure` names, then the row; None when the mailbox
    could not be reached (the row stays, with its error, for the sweep)."""
    erasure = MailboxErasure.objects.filter(pk=erasure_id).first()
    if erasure is None:
        return 0  # done already
    person = PersonAddress(erasure.address, include_subaddresses=erasure.include_subaddresses)
    try:
        deleted = mailbox_copies_erase(person=person)
    except Exception as error:  # any cause: the row stays for the sweep, which goes on
        logger.warning("Mailbox erasure %s failed; the sweep tries again: %s", erasure.pk, error)
        MailboxErasure.objects.filter(pk=erasure.pk).update(
            attempts=F("attempts") + 1, last_error=f"{type(error).__name__}: {error}"
        )
        return None
    erasure.delete()
    return deleted


def mailbox_erasures_sweep(*, now=None) -> list[int]:
    """Run again every mailbox erasure left undone (its task lost, or the mailbox unreachable);
    returns their ids."""
    now = now or timezone.now()
    due = list(
        MailboxErasure.objects.filter(created_at__lte=now - MAILBOX_ERASURE_RETRY_AFTER)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    for erasure_id in due:
        mailbox_erasure_run(erasure_id=erasure_id)
    return due


def mailbox_copies_erase(*, person: PersonAddress) -> int:
    """Delete ``person``'s messages from the mailbox's processed folder (nothing when
    ``IMAP_URL`` is unset)."""
    if not settings.IMAP_URL:
        return 0
    config = mailbox_config(settings.IMAP_URL, processed_folder=settings.IMAP_PROCESSED_FOLDER)
    return mailbox_erase_senders(config=config, matches=person.matches)
