"""Organisers register attendees in bulk: paste lines (``Name <email>``, ``email``, or CSV with a
header) or upload a CSV, see a preview classifying each line, then import in one transaction.

The import writes in bulk (one insert for the registrations, one for their audit entries, one
for their emails, each email rendered once per language and kind then filled in), so a
thousand lines take seconds. Capacity applies: vouched-for people beyond the free seats join
the waiting list.
"""

import csv
import hashlib
from collections import defaultdict
from dataclasses import dataclass
from email.utils import parseaddr

from django.contrib.contenttypes.models import ContentType
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.html import escape
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from ensie_portal.core.errors import DomainError
from ensie_portal.core.models import AuditEntry
from ensie_portal.core.queue import task_enqueue_on_commit
from ensie_portal.outbox.models import OutgoingMail
from ensie_portal.outbox.services import mail_render, mail_row
from ensie_portal.outbox.tasks import send_outgoing_mails

from .bulk_mail import MERGE_NAME, MERGE_TOKEN, merge_fill, mergeable_name
from .mails import TEMPLATE, _arguments
from .models import Registration, Session
from .services import (
    can_manage,
    registration_check_open,
    registration_request,
    seats_left,
    session_lock,
)
from .tasks import send_participation_links
from .tokens import CANCEL, CONFIRM, absolute_url, registration_token, signed_url

MAX_LINES = 5000
MAX_UPLOAD_BYTES = 2 * 1024 * 1024
PAYLOAD_SALT = "sessions_app.bulk"
PAYLOAD_MAX_AGE = 3600
MERGE_CONFIRM = "MERGEFIELDxCONFIRM"
MAIL_BATCH_SIZE = 100

NEW = "new"
REGISTERED = "registered"
DUPLICATE = "duplicate"
INVALID = "invalid"

_HEADERS = {
    "name": ("name", "full name", "nom", "participant"),
    "email": ("email", "e-mail", "email address", "mail", "courriel", "adresse e-mail"),
    "organisation": ("organisation", "organization", "organisme", "company", "entreprise"),
    "country": ("country", "pays", "country code"),
}


@dataclass
class BulkLine:
    number: int
    raw: str
    name: str = ""
    email: str = ""
    organisation: str = ""
    country: str = ""
    status: str = NEW
    reason: str = ""


@dataclass(frozen=True)
class BulkResult:
    lines: int
    confirmed: int
    waiting: int
    pending: int
    skipped: int


# --- Reading the input ------------------------------------------------------------------------


def bulk_text_from_upload(data: bytes) -> str:
    """The text of an uploaded CSV (UTF-8, else Windows-1252 as spreadsheets write it)."""
    if len(data) > MAX_UPLOAD_BYTES:
        raise DomainError(_("The file is too large (2 MB at most)."))
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def bulk_lines_parse(text: str) -> list[BulkLine]:
    """Each non-empty line, read as CSV with a header or as ``Name <email>`` / ``email``;
    invalid lines say why. Does not look at the database."""
    numbered = [
        (number, line.strip())
        for number, line in enumerate(text.replace("\r\n", "\n").split("\n"), start=1)
        if line.strip()
    ]
    if len(numbered) > MAX_LINES:
        raise DomainError(
            _("Too many lines: %(count)s (%(max)s at most).")
            % {"count": len(numbered), "max": MAX_LINES}
        )
    if not numbered:
        return []
    columns, delimiter = _header(numbered[0][1])
    if columns:
        lines = [_from_csv(n, raw, columns, delimiter) for n, raw in numbered[1:]]
    else:
        lines = [_from_address(n, raw) for n, raw in numbered]
    for line in lines:
        _validate(line)
    return lines


def _header(first: str) -> tuple[dict, str]:
    """Column positions when the first line is a CSV header naming an email column."""
    if "@" in first:
        return {}, ""
    delimiter = max(",;\t", key=first.count)
    cells = [cell.strip().lower() for cell in next(csv.reader([first], delimiter=delimiter))]
    columns = {
        field: cells.index(name)
        for field, names in _HEADERS.items()
        for name in names
        if name in cells
    }
    return (columns, delimiter) if "email" in columns else ({}, "")


def _from_csv(number: int, raw: str, columns: dict, delimiter: str) -> BulkLine:
    cells = next(csv.reader([raw], delimiter=delimiter), [])
    values = {
        field: cells[index].strip() if index < len(cells) else ""
        for field, index in columns.items()
    }
    return BulkLine(number=number, raw=raw, **values)


def _from_address(number: int, raw: str) -> BulkLine:
    text = raw.strip(" ,;")
    if "<" in text:
        name, email = parseaddr(text)
    else:
        name, email = "", text
    return BulkLine(number=number, raw=raw, name=name.strip().strip('"'), email=email.strip())


def _validate(line: BulkLine) -> None:
    line.email = line.email.strip().lower()
    if not line.email:
        line.status, line.reason = INVALID, str(_("no email address"))
        return
    try:
        validate_email(line.email)
    except ValidationError:
        line.status, line.reason = INVALID, str(_("not a valid email address"))
        return
    if len(line.email) > 254 or len(line.name) > 200 or len(line.organisation) > 255:
        line.status, line.reason = INVALID, str(_("a value is too long"))
        return
    if line.country:
        code = countries.alpha2(line.country) if len(line.country) <= 3 else ""
        code = code or countries.by_name(line.country) or ""
        if not code:
            line.status, line.reason = INVALID, str(_("unknown country"))
            return
        line.country = code
    line.name = line.name or line.email.partition("@")[0]


def bulk_classify(*, session: Session, lines: list[BulkLine]) -> list[BulkLine]:
    """Mark each valid line new, already registered, or a duplicate of an earlier line."""
    emails = {line.email for line in lines if line.status != INVALID}
    registered = set(
        session.registrations.filter(email__in=emails)
        .exclude(status=Registration.Status.CANCELLED)
        .values_list("email", flat=True)
    )
    seen = set()
    for line in lines:
        if line.status == INVALID:
            continue
        if line.email in registered:
            line.status, line.reason = REGISTERED, ""
        elif line.email in seen:
            line.status, line.reason = DUPLICATE, ""
        else:
            line.status, line.reason = NEW, ""
        seen.add(line.email)
    return lines


def bulk_counts(lines: list[BulkLine]) -> dict[str, int]:
    counts = dict.fromkeys((NEW, REGISTERED, DUPLICATE, INVALID), 0)
    for line in lines:
        counts[line.status] += 1
    return counts


# --- Carrying the preview to the import ------------------------------------------------------


class PreviewOutdated(DomainError):  # noqa: N818 - reads as the rule it reports
    pass


def _digest(text: str) -> str:
    return hashlib.sha256(text.replace("\r\n", "\n").strip().encode()).hexdigest()


def bulk_payload_sign(*, session: Session, actor, lines: list[BulkLine], text: str) -> str:
    """The previewed lines, signed for this session and organiser (a hidden field), with a
    digest of the text they came from."""
    rows = [[ln.number, ln.raw, ln.name, ln.email, ln.organisation, ln.country] for ln in lines]
    return signing.dumps(
        {"t": _digest(text), "rows": rows},
        salt=f"{PAYLOAD_SALT}:{session.pk}:{actor.pk}",
        compress=True,
    )


def bulk_payload_read(*, session: Session, actor, payload: str, text: str) -> list[BulkLine]:
    """The lines of the preview; refused when tampered, expired, or when the text was
    edited since the preview (then it must be previewed again)."""
    try:
        data = signing.loads(
            payload, salt=f"{PAYLOAD_SALT}:{session.pk}:{actor.pk}", max_age=PAYLOAD_MAX_AGE
        )
    except signing.BadSignature:
        raise PreviewOutdated(
            _("The preview has expired or was changed: please check the new preview.")
        ) from None
    if data["t"] != _digest(text):
        raise PreviewOutdated(
            _("The list changed since the preview: please check the new preview.")
        )
    lines = [
        BulkLine(number=n, raw=raw, name=name, email=email, organisation=org, country=country)
        for n, raw, name, email, org, country in data["rows"]
    ]
    for line in lines:
        _validate(line)
    return lines


# --- Import ---------------------------------------------------------------------------------


def bulk_registrations_import(
    *,
    session: Session,
    lines: list[BulkLine],
    actor,
    vouched: bool,
    language: str = "en",
    now=None,
) -> BulkResult:
    """Register every new line, all or nothing. ``vouched``: confirmed at once on the
    organiser's word (capacity permitting, else the waiting list); otherwise each person gets
    the confirmation link."""
    if not can_manage(actor, session):
        raise DomainError(_("You are not allowed to do this."))
    now = now or timezone.now()
    with transaction.atomic():
        session = session_lock(session)
        registration_check_open(session, now)
        lines = bulk_classify(session=session, lines=lines)
        new = [line for line in lines if line.status == NEW]
        cancelled = {
            r.email: r
            for r in session.registrations.filter(
                email__in=[line.email for line in new], status=Registration.Status.CANCELLED
            )
        }
        # Rare: people who had cancelled register again through the one-by-one service.
        reopened = [
            registration_request(
                session=session,
                name=line.name,
                email=line.email,
                organisation=line.organisation,
                country=line.country,
                language=language,
                source=Registration.Source.ORGANISER,
                vouched_by=actor if vouched else None,
                now=now,
            )
            for line in new
            if line.email in cancelled
        ]
        created = _create(
            session,
            [line for line in new if line.email not in cancelled],
            actor=actor,
            vouched=vouched,
            language=language,
            now=now,
        )
        _audit(created, actor=actor, vouched=vouched)
        _queue_mails(session, created)
        everyone = [*reopened, *created]
        statuses = [r.status for r in everyone]
        if vouched and session.participation_link:
            task_enqueue_on_commit(send_participation_links, session.pk)
    return BulkResult(
        lines=len(lines),
        confirmed=statuses.count(Registration.Status.CONFIRMED),
        waiting=statuses.count(Registration.Status.WAITING),
        pending=statuses.count(Registration.Status.PENDING),
        skipped=len(lines) - len(everyone),
    )


def _create(session, lines, *, actor, vouched, language, now) -> list[Registration]:
    seats = seats_left(session) if vouched else None
    registrations = []
    for line in lines:
        status = Registration.Status.PENDING
        if vouched:
            status = Registration.Status.CONFIRMED
            if seats is not None:
                status = Registration.Status.CONFIRMED if seats > 0 else Registration.Status.WAITING
                seats -= 1
        registrations.append(
            Registration(
                session=session,
                name=line.name,
                email=line.email,
                organisation=line.organisation,
                country=line.country,
                language=language,
                status=status,
                source=Registration.Source.ORGANISER,
                vouched_by=actor if vouched else None,
                vouched_at=now if vouched else None,
                confirmed_at=now if vouched else None,
                confirmation_count=0 if vouched else 1,
            )
        )
    return Registration.objects.bulk_create(registrations)


def _audit(registrations, *, actor, vouched) -> None:
    content_type = ContentType.objects.get_for_model(Registration)
    AuditEntry.objects.bulk_create(
        AuditEntry(
            content_type=content_type,
            object_id=str(r.pk),
            actor=actor,
            action="register (vouched, bulk)" if vouched else "register (bulk)",
            to_state=r.status,
        )
        for r in registrations
    )


def _kind_and_key(session: Session, registration: Registration) -> tuple[str, str] | None:
    """The email a new registration needs, as the one-by-one service would send it."""
    if registration.status == Registration.Status.PENDING:
        return "confirm", registration.mail_key("confirm", 1)
    if registration.status == Registration.Status.WAITING:
        return "waiting", registration.mail_key("waiting")
    if session.participation_link:
        return None  # the link fan-out sends it
    return "confirmed", registration.mail_key("confirmed")


def _queue_mails(session: Session, registrations: list[Registration]) -> None:
    """One outbox row per registration, each kind rendered once per language (a mail merge)."""
    groups = defaultdict(list)
    for registration in registrations:
        kind_key = _kind_and_key(session, registration)
        if kind_key:
            groups[(registration.language, kind_key[0])].append((registration, kind_key[1]))
    rows = []
    for (language, kind), members in groups.items():
        merged = _render(session, language=language, kind=kind, registration=None)
        for registration, key in members:
            if mergeable_name(registration.name):
                fields = {
                    MERGE_TOKEN: registration_token(registration=registration, purpose=CANCEL),
                    MERGE_CONFIRM: registration_token(registration=registration, purpose=CONFIRM)
                    if kind == "confirm"
                    else "",
                }
                subject = merged[0]
                text = merge_fill(merged[1], {MERGE_NAME: registration.name, **fields})
                html = merge_fill(merged[2], {MERGE_NAME: escape(registration.name), **fields})
            else:
                subject, text, html = _render(
                    session, language=language, kind=kind, registration=registration
                )
            rows.append(
                mail_row(
                    key=key,
                    to=registration.email,
                    language=language,
                    subject=subject,
                    body_text=text,
                    body_html=html,
                    related=registration,
                )
            )
    ids = [row.pk for row in OutgoingMail.objects.bulk_create(rows)]
    # Sent in batches over one SMTP connection each (one task per batch, after the commit).
    for start in range(0, len(ids), MAIL_BATCH_SIZE):
        task_enqueue_on_commit(send_outgoing_mails, ids[start : start + MAIL_BATCH_SIZE])


def _render(session, *, language: str, kind: str, registration) -> tuple[str, str, str]:
    if registration is None:
        stand_in = Registration(session=session, name=MERGE_NAME, language=language)
        context = {
            "cancel_url": absolute_url("sessions_app:cancel", language, token=MERGE_TOKEN),
            "confirm_url": absolute_url("sessions_app:confirm", language, token=MERGE_CONFIRM),
        }
    else:
        registration.session = session
        stand_in = registration
        context = {"confirm_url": signed_url(registration, CONFIRM) if kind == "confirm" else ""}
    arguments = _arguments(stand_in, kind=kind, key="", **context)
    return mail_render(template=TEMPLATE, context=arguments["context"], language=language)
