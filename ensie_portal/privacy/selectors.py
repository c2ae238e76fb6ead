"""Every read of one person's data across the apps: what the staff page shows, what the export
contains and what the erasure changes (one list, so the three never disagree).

A person is found by an email address (:class:`~.addresses.PersonAddress`): their accounts
(login address or any of their allauth addresses), registrations, email requests, emails in the
outbox and applications they are the contact of; then, through the accounts, their network
links, sessions they organise, practices they submitted, and what they did as a representative,
a Board member or staff (votes, attendance, chaired assemblies, audit entries), which are kept.
Free text (an email's body, a note) is not searched.
"""

import re
from dataclasses import dataclass, field

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.contrib.contenttypes.models import ContentType
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from assemblies.models import Attendance, GeneralAssembly, Vote
from ensie_portal.accounts.models import User
from ensie_portal.core.i18n import format_when
from ensie_portal.core.models import AuditEntry
from ensie_portal.outbox.models import OutgoingMail
from networks.models import Application, Representative
from practices.models import Practice
from sessions_app.models import InboundEmail, Registration, Session

from .addresses import PersonAddress, addresses_q
from .models import PersonalDataRequest

# What the erasure does to each kind of record, in the order the page lists them: the key of
# ``PersonRecords``, its label, and what happens to it.
ERASED = [
    ("users", _("Accounts"), _("anonymised and deactivated: no address, name or organisation")),
    ("email_addresses", _("Account email addresses"), _("deleted")),
    (
        "registrations",
        _("Session registrations"),
        _("anonymised (an upcoming one is cancelled first)"),
    ),
    ("inbound_emails", _("Email requests"), _("sender, name, subject, text and note erased")),
    (
        "outgoing_mails",
        _("Emails in the outbox"),
        _("recipient, subject, bodies and attachments erased; one not sent yet is not sent"),
    ),
    (
        "applications",
        _("Applications they are the contact of"),
        _("contact name and address erased; the application stays"),
    ),
    ("representative_links", _("Representative of"), _("link deleted; the network stays")),
    ("organised_sessions", _("Organiser of"), _("removed from the organisers; the session stays")),
    (
        "practices",
        _("Practices submitted"),
        _("published: kept without the submitter; never published: deleted with their attachments"),
    ),
]
KEPT = [
    ("votes", _("Votes cast for a network")),
    ("attendances", _("Attendance recorded at a General Assembly")),
    ("chaired_assemblies", _("General Assemblies chaired")),
    ("audit_entries", _("Actions in the audit trail")),
]
ERASED_NAMES = frozenset(name for name, *_rest in ERASED)
# The page lists this many records of each kind (the export has them all).
LISTED = 50


@dataclass
class PersonRecords:
    person: PersonAddress
    users: list = field(default_factory=list)
    email_addresses: list = field(default_factory=list)
    registrations: list = field(default_factory=list)
    inbound_emails: list = field(default_factory=list)
    outgoing_mails: list = field(default_factory=list)
    applications: list = field(default_factory=list)
    representative_links: list = field(default_factory=list)
    organised_sessions: list = field(default_factory=list)
    practices: list = field(default_factory=list)
    # Kept by the erasure: the minutes of the General Assembly and the audit trail.
    votes: list = field(default_factory=list)
    attendances: list = field(default_factory=list)
    chaired_assemblies: list = field(default_factory=list)
    audit_entries: list = field(default_factory=list)
    two_factor: dict = field(default_factory=dict)  # user pk -> [authenticator types]

    @property
    def addresses(self) -> list[str]:
        """Every address of the person the records hold."""
        found = {user.email for user in self.users}
        found |= {address.email for address in self.email_addresses}
        found |= {registration.email for registration in self.registrations}
        found |= {inbound.sender for inbound in self.inbound_emails}
        found |= {application.contact_email for application in self.applications}
        # Not the recipients of emails that only name the person (the secretariat).
        found |= {m.to_email for m in self.outgoing_mails if self.person.matches(m.to_email)}
        return sorted(address.lower() for address in found if address)

    def counts(self) -> dict[str, int]:
        names = [name for name, *_rest in ERASED] + [name for name, _label in KEPT]
        return {name: len(getattr(self, name)) for name in names if getattr(self, name)}

    @property
    def is_empty(self) -> bool:
        return not self.counts()

    def erased_sections(self) -> list[tuple[str, str, str, int, list[str]]]:
        """(key, label, what the erasure does, how many, a line for each of the first ones)."""
        return [
            (name, label, fate, len(rows), [describe(name, row) for row in rows[:LISTED]])
            for name, label, fate in ERASED
            if (rows := getattr(self, name))
        ]

    def kept_sections(self) -> list[tuple[str, str, int]]:
        return [(name, label, len(getattr(self, name))) for name, label in KEPT]


def _date(value) -> str:
    return format_when(value, "short_datetime") if value else "—"


def describe(name: str, record) -> str:
    """One line about ``record`` (of the kind ``name``) for the staff page."""
    if name == "users":
        roles = ([_("staff")] if record.is_staff else []) + [g.name for g in record.groups.all()]
        return _("%(email)s, %(name)s; roles: %(roles)s; last signed in: %(login)s") % {
            "email": record.email,
            "name": record.display_name or "—",
            "roles": ", ".join(map(str, roles)) or "—",
            "login": _date(record.last_login),
        }
    if name == "email_addresses":
        state = _("verified") if record.verified else _("not verified")
        return f"{record.email} ({state})"
    if name == "registrations":
        return _("%(session)s: %(name)s <%(email)s>, %(status)s") % {
            "session": f"{record.session.number}. {record.session.title}",
            "name": record.name,
            "email": record.email,
            "status": record.get_status_display(),
        }
    if name == "inbound_emails":
        return _("%(received)s, from %(sender)s: “%(subject)s”, %(status)s") % {
            "received": _date(record.received_at),
            "sender": record.sender,
            "subject": record.subject,
            "status": record.get_status_display(),
        }
    if name == "outgoing_mails":
        return _("%(created)s, to %(to)s: “%(subject)s”, %(status)s") % {
            "created": _date(record.created_at),
            "to": record.to_email,
            "subject": record.subject,
            "status": record.get_status_display(),
        }
    if name == "applications":
        return _("%(network)s (%(status)s), contact %(name)s <%(email)s>") % {
            "network": record.network.legal_name,
            "status": record.get_status_display(),
            "name": record.contact_name,
            "email": record.contact_email,
        }
    if name == "representative_links":
        main = _(", main contact") if record.is_main_contact else ""
        return f"{record.network.legal_name}{main}"
    if name == "organised_sessions":
        return f"{record.number}. {record.title}"
    if name == "practices":
        return f"{record.title} ({record.get_status_display()})"
    return str(record)


def person_records(*, person: PersonAddress) -> PersonRecords:
    """Every record of ``person`` (see the module's docstring)."""
    records = PersonRecords(person=person)
    by_address = EmailAddress.objects.filter(person.q("email")).values("user_id")
    records.users = list(
        User.objects.filter(person.q("email") | Q(pk__in=by_address))
        .prefetch_related("groups")
        .order_by("pk")
    )
    user_ids = [user.pk for user in records.users]
    records.email_addresses = list(
        EmailAddress.objects.filter(user_id__in=user_ids).order_by("user_id", "email")
    )
    # The accounts' other addresses are the person's too.
    others = {user.email for user in records.users} | {
        address.email for address in records.email_addresses
    }
    records.registrations = list(
        Registration.objects.filter(addresses_q("email", person, others))
        .select_related("session")
        .order_by("created_at", "pk")
    )
    records.inbound_emails = list(
        InboundEmail.objects.filter(addresses_q("sender", person, others))
        .select_related("session")
        .order_by("received_at", "pk")
    )
    records.applications = list(
        Application.objects.filter(addresses_q("contact_email", person, others))
        .select_related("network")
        .order_by("created_at", "pk")
    )
    related = Q(
        related_type=ContentType.objects.get_for_model(Registration),
        related_id__in=[str(r.pk) for r in records.registrations],
    ) | Q(
        related_type=ContentType.objects.get_for_model(InboundEmail),
        related_id__in=[str(r.pk) for r in records.inbound_emails],
    )
    # Emails to the person, about their records, or naming their address (the secretariat's
    # notice of an expression of interest quotes the contact's).
    known = {person.address, *others}
    if person.include_subaddresses:
        known.add("@".join(person.mailbox))
    known |= {r.email for r in records.registrations} | {r.sender for r in records.inbound_emails}
    known |= {a.contact_email for a in records.applications}
    mentions = Q()
    for address in sorted(a.lower() for a in known if a):
        mentions |= Q(body_text__iregex=mention_pattern(address))
    records.outgoing_mails = list(
        OutgoingMail.objects.filter(purged_at__isnull=True)
        .filter(
            addresses_q("to_email", person, others)
            | addresses_q("reply_to", person, others)
            | related
            | mentions
        )
        .order_by("created_at", "pk")
    )
    if not user_ids:
        return records
    records.representative_links = list(
        Representative.objects.filter(user_id__in=user_ids).select_related("network").order_by("pk")
    )
    records.organised_sessions = list(
        Session.objects.filter(organisers__in=user_ids).distinct().order_by("starts_at")
    )
    records.practices = list(
        Practice.objects.filter(submitted_by__in=user_ids)
        .prefetch_related("attachments")
        .order_by("created_at", "pk")
    )
    records.votes = list(
        Vote.objects.filter(cast_by__in=user_ids)
        .select_related("item__assembly", "network")
        .order_by("cast_at", "pk")
    )
    records.attendances = list(
        Attendance.objects.filter(recorded_by__in=user_ids)
        .select_related("assembly", "network")
        .order_by("arrived_at", "pk")
    )
    records.chaired_assemblies = list(
        GeneralAssembly.objects.filter(chair__in=user_ids).order_by("date")
    )
    records.audit_entries = list(
        AuditEntry.objects.filter(actor__in=user_ids)
        .select_related("content_type")
        .order_by("created_at", "pk")
    )
    for user_id, kind in Authenticator.objects.filter(user_id__in=user_ids).values_list(
        "user_id", "type"
    ):
        records.two_factor.setdefault(user_id, []).append(kind)
    return records


def mention_pattern(address: str) -> str:
    """A regular expression (PostgreSQL's and Python's alike) finding ``address`` in a text as a
    whole address: ``ann@example.org`` is not found in ``joann@example.org``."""
    return rf"(^|[^a-z0-9._%+-]){re.escape(address)}($|[^a-z0-9.-]|\.($|[^a-z0-9]))"


def personal_data_requests_for(*, person: PersonAddress) -> list[PersonalDataRequest]:
    """The earlier exports and erasures of this address (found by its keyed hash)."""
    return list(
        PersonalDataRequest.objects.filter(address_hash=person.digest).select_related("actor")
    )


# --- The export ------------------------------------------------------------------------------


def _when(value):
    return value.isoformat() if value else None


def person_export(records: PersonRecords) -> dict:
    """Everything the portal holds about the person, as JSON-ready data (the downloadable
    export). Secrets (password hashes, authenticator keys, signed links' keys) are left out."""
    return {
        "generated_at": _when(timezone.now()),
        "address": records.person.address,
        "sub_addresses_included": records.person.include_subaddresses,
        "addresses_found": records.addresses,
        "accounts": [
            {
                "email": user.email,
                "display_name": user.display_name,
                "organisation": user.organisation,
                "preferred_language": user.preferred_language,
                "date_joined": _when(user.date_joined),
                "last_login": _when(user.last_login),
                "is_active": user.is_active,
                "is_staff": user.is_staff,
                "groups": sorted(group.name for group in user.groups.all()),
                "email_addresses": [
                    {"email": a.email, "verified": a.verified, "primary": a.primary}
                    for a in records.email_addresses
                    if a.user_id == user.pk
                ],
                "two_factor": sorted(records.two_factor.get(user.pk, [])),
            }
            for user in records.users
        ],
        "session_registrations": [
            {
                "session": f"{r.session.number}. {r.session.title}",
                "session_starts_at": _when(r.session.starts_at),
                "name": r.name,
                "email": r.email,
                "organisation": r.organisation,
                "country": str(r.country),
                "question": r.question,
                "language": r.language,
                "status": r.status,
                "source": r.source,
                "registered_at": _when(r.created_at),
                "consent_at": _when(r.consent_at),
                "confirmed_at": _when(r.confirmed_at),
                "cancelled_at": _when(r.cancelled_at),
                "attended": r.attended,
            }
            for r in records.registrations
        ],
        "email_requests": [
            {
                "received_at": _when(r.received_at),
                "sender": r.sender,
                "sender_name": r.sender_name,
                "subject": r.subject,
                "text": r.text,
                "language": r.language,
                "session": r.session.number if r.session else r.named_number,
                "status": r.status,
                "note": r.reason,
                "decided_at": _when(r.decided_at),
                "answered_at": _when(r.answered_at),
            }
            for r in records.inbound_emails
        ],
        "emails_sent_to_them": [
            {
                "created_at": _when(m.created_at),
                "sent_at": _when(m.sent_at),
                "status": m.status,
                "to": m.to_email,
                "reply_to": m.reply_to,
                "language": m.language,
                "subject": m.subject,
                "body_text": m.body_text,
                "attachments": [
                    {"filename": a.get("filename"), "mimetype": a.get("mimetype")}
                    for a in m.attachments
                ],
            }
            for m in records.outgoing_mails
        ],
        "applications_as_contact": [
            {
                "network": a.network.legal_name,
                "status": a.status,
                "contact_name": a.contact_name,
                "contact_email": a.contact_email,
                "message": a.message,
                "created_at": _when(a.created_at),
                "submitted_at": _when(a.submitted_at),
                # The organisation's documents: named, not included.
                "documents": [name for name in (a.motivation_letter_name, a.statutes_name) if name],
            }
            for a in records.applications
        ],
        "representative_of": [
            {
                "network": link.network.legal_name,
                "role": link.role,
                "main_contact": link.is_main_contact,
            }
            for link in records.representative_links
        ],
        "sessions_organised": [f"{s.number}. {s.title}" for s in records.organised_sessions],
        "practices_submitted": [
            {
                "title": p.title,
                "organisation": p.organisation,
                "status": p.status,
                "created_at": _when(p.created_at),
                "published_at": _when(p.published_at),
                "attachments": [a.title for a in p.attachments.all()],
            }
            for p in records.practices
        ],
        "votes_cast": [
            {
                "assembly": str(v.item.assembly),
                "item": v.item.title,
                "network": v.network.legal_name,
                "choice": v.choice,
                "cast_at": _when(v.cast_at),
            }
            for v in records.votes
        ],
        "attendance_recorded": [
            {
                "assembly": str(a.assembly),
                "network": a.network.legal_name,
                "arrived_at": _when(a.arrived_at),
                "self_checked_in": a.self_checked_in,
            }
            for a in records.attendances
        ],
        "assemblies_chaired": [str(assembly) for assembly in records.chaired_assemblies],
        "actions_in_the_audit_trail": [
            {
                "at": _when(e.created_at),
                "object": f"{e.content_type.app_label}.{e.content_type.model}:{e.object_id}",
                "action": e.action,
                "from": e.from_state,
                "to": e.to_state,
                "comment": e.comment,
            }
            for e in records.audit_entries
        ],
    }
