"""Organisers register attendees in bulk: paste lines (whatever separates the cells: tabs from a
spreadsheet, semicolons or commas from a CSV, ``Name <email>``; a header line names columns) or
upload a CSV, see a preview classifying each line and where the new ones would land (seats,
waiting list), then import in one transaction.

The import writes in bulk (one insert for the registrations, one for their audit entries, one
for their emails, each email rendered once per language and kind then filled in), so a
thousand lines take seconds. Capacity applies: vouched-for people beyond the free seats join
the waiting list.
"""

import csv
import hashlib
import re
from collections import defaultdict
from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.html import escape
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from ensie_portal.accounts import roles
from ensie_portal.core.errors import DomainError
from ensie_portal.core.i18n import absolute_url
from ensie_portal.core.models import AuditEntry
from ensie_portal.core.queue import task_enqueue_on_commit
from ensie_portal.outbox.services import mail_queue_rows, mail_render, mail_row

from .bulk_mail import MERGE_NAME, MERGE_TOKEN, merge_fill, mergeable_name
from .mails import TEMPLATE, _arguments
from .models import Registration, Session
from .services import (
    LINKS_TASK,
    registration_check_open,
    registration_start,
    seats_left,
    session_lock,
)
from .tokens import CANCEL, CONFIRM, registration_token, signed_url

MAX_LINES = 5000
MAX_UPLOAD_BYTES = 2 * 1024 * 1024
PAYLOAD_SALT = "sessions_app.bulk"
PAYLOAD_MAX_AGE = 3600
MERGE_CONFIRM = "MERGEFIELDxCONFIRM"

NEW = "new"
REGISTERED = "registered"
DUPLICATE = "duplicate"
INVALID = "invalid"


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
    """Each non-empty line as one person; invalid lines say why. Does not look at the database.

    The address is found wherever it is in the line, whatever separates the cells: tabs (cells
    copied from a spreadsheet), semicolons (CSV from a French Excel), pipes or commas (quoted
    cells may hold commas), or ``Name <email>``. The other cells give the name, then the
    organisation, then the country when the last one names a country. A first line without an
    address that names columns (name, email, organisation, country; first and last name; in
    English or French) is a header: the cells are then read by its columns.
    """
    numbered = [
        (number, line.strip().lstrip("\ufeff"))
        for number, line in enumerate(text.replace("\r\n", "\n").split("\n"), start=1)
        if line.strip(_BLANK)
    ]
    if len(numbered) > MAX_LINES:
        raise DomainError(
            _("Too many lines: %(count)s (%(max)s at most).")
            % {"count": len(numbered), "max": MAX_LINES}
        )
    if not numbered:
        return []
    header = _header(numbered[0][1])
    if header is not None:
        numbered = numbered[1:]
    lines = [_line(number, raw, header) for number, raw in numbered]
    for line in lines:
        _validate(line)
    return lines


# A line of nothing but these is empty (a spreadsheet's blank row exported as ";;;").
_BLANK = " \t;,|\"'\ufeff"
_SEPARATORS = "\t;|,"
# An address as people write it (quotes, separators and angle brackets never belong to it).
_ADDRESS = re.compile(r"[\w.!#$%&*+/=?^`{}~'-]+@[\w-]+(?:\.[\w-]+)+", re.UNICODE)
_HEADER_NAMES = {
    "name": {"name", "full name", "nom", "nom complet", "participant", "participante"},
    "first_name": {"first name", "firstname", "given name", "prénom", "prenom"},
    "last_name": {"last name", "lastname", "surname", "family name", "nom de famille"},
    "email": {
        "email",
        "e-mail",
        "email address",
        "e-mail address",
        "mail",
        "courriel",
        "adresse e-mail",
        "adresse email",
        "adresse électronique",
        "adresse mail",
    },
    "organisation": {
        "organisation",
        "organization",
        "organisme",
        "company",
        "entreprise",
        "structure",
        "société",
        "employer",
        "employeur",
    },
    "country": {"country", "pays", "country code", "code pays"},
}


@dataclass(frozen=True)
class _Header:
    columns: dict[str, int]
    delimiter: str


def _delimiter(line: str) -> str | None:
    """The separator of a line's cells: a tab, else a semicolon, a pipe, a comma (in that
    order: a name may hold a comma, hardly ever a tab); None for a single cell. Quoted text
    does not count: ``"Lovelace, Ada";ada@example.org`` is separated by semicolons."""
    unquoted = re.sub(r'"[^"]*"', "", line)
    return next((d for d in _SEPARATORS if d in unquoted), None)


def _cells(line: str, delimiter: str | None) -> list[str]:
    if delimiter is None:
        return [line.strip()]
    row = next(csv.reader([line], delimiter=delimiter, skipinitialspace=True), [])
    return [cell.strip() for cell in row]


def _header(first: str) -> _Header | None:
    """The columns named by the first line, if it is a header (no address, known names)."""
    if _ADDRESS.search(first):
        return None
    delimiter = _delimiter(first)
    cells = [cell.strip(" :*").lower() for cell in _cells(first, delimiter)]
    columns = {}
    for index, cell in enumerate(cells):
        field = next((f for f, names in _HEADER_NAMES.items() if cell in names), None)
        if field and field not in columns:
            columns[field] = index
    # "Nom" beside "Prénom" is the family name.
    if "first_name" in columns and "name" in columns and "last_name" not in columns:
        columns["last_name"] = columns.pop("name")
    return _Header(columns, delimiter or "") if columns else None


def _addresses(text: str) -> list[str]:
    found = []
    for match in _ADDRESS.findall(text):
        address = match.strip(".'")
        if address.lower() not in (a.lower() for a in found):
            found.append(address)
    return found


def _line(number: int, raw: str, header: _Header | None) -> BulkLine:
    line = BulkLine(number=number, raw=raw)
    addresses = _addresses(raw)
    if len(addresses) > 1:
        line.status, line.reason = INVALID, str(_("more than one email address"))
        return line
    if not addresses:
        line.email = raw if "@" in raw else ""
        return line  # _validate says why
    address = addresses[0]
    if header is not None and (not header.delimiter or header.delimiter in raw):
        return _by_header(line, address, header)
    return _by_position(line, address)


def _by_header(line: BulkLine, address: str, header: _Header) -> BulkLine:
    cells = _cells(line.raw, header.delimiter or None)

    def cell(field: str) -> str:
        index = header.columns.get(field)
        return cells[index] if index is not None and index < len(cells) else ""

    line.email = address
    line.name = cell("name") or " ".join(
        part for part in (cell("first_name"), cell("last_name")) if part
    )
    line.organisation = cell("organisation")
    line.country = cell("country")
    return line


def _by_position(line: BulkLine, address: str) -> BulkLine:
    """Cells without a header: the address where it is, the name before or beside it."""
    raw = line.raw
    line.email = address
    bracketed = re.search(r"<\s*(?:mailto:)?" + re.escape(address) + r"\s*>", raw, re.IGNORECASE)
    if bracketed:
        # "Name <email>", maybe among other cells: the name is the cell just before.
        before, after = raw[: bracketed.start()].strip(), raw[bracketed.end() :].strip()
        delimiter = _delimiter(before) or _delimiter(after)
        before_cells = [c for c in _cells(before, delimiter) if c.strip(_BLANK)]
        name = before_cells.pop() if before_cells else ""
        others = [*before_cells, *(c for c in _cells(after, delimiter) if c.strip(_BLANK))]
    else:
        cells = [c for c in _cells(raw, _delimiter(raw)) if c.strip(_BLANK)]
        name, others = "", []
        for cell in cells:
            if address.lower() in cell.lower():
                # An address sharing its cell with a name ("Ana Lopez ana@example.es").
                rest = re.sub(re.escape(address), " ", cell, flags=re.IGNORECASE)
                name = " ".join(rest.replace("mailto:", " ").strip(_BLANK + "<>()").split())
            else:
                others.append(cell)
        if not name and others:
            name = others.pop(0)
    line.name = name.strip(_BLANK)
    # The last cell is the country when it names one (and is not the only clue to a name).
    if others and (len(others) > 1 or line.name) and _country_code(others[-1]):
        line.country = others.pop()
    line.organisation = others[0].strip(_BLANK) if others else ""
    return line


def _country_code(value: str) -> str:
    """The ISO code of a country given by its code or its English or French name ("" if
    none)."""
    value = value.strip()
    if not value:
        return ""
    code = countries.alpha2(value) if len(value) <= 3 else ""
    return code or countries.by_name(value) or countries.by_name(value, language="fr") or ""


def _validate(line: BulkLine) -> None:
    if line.status == INVALID:
        return
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
        code = _country_code(line.country)
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


@dataclass(frozen=True)
class Forecast:
    """Where the new lines would land: ``seats`` left now (None: no limit); vouched for, the
    first ``confirmed`` take them and ``waiting`` join the waiting list."""

    seats: int | None
    confirmed: int
    waiting: int


def bulk_forecast(*, session: Session, new: int, vouched: bool) -> Forecast:
    """The capacity forecast of the preview (the import itself counts again, under a lock)."""
    taken = session.registrations.filter(status=Registration.Status.CONFIRMED).count()
    seats = None if session.capacity is None else max(session.capacity - taken, 0)
    if not vouched:
        return Forecast(seats=seats, confirmed=0, waiting=0)
    confirmed = new if seats is None else min(new, seats)
    return Forecast(seats=seats, confirmed=confirmed, waiting=new - confirmed)


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
    if not roles.may_manage_session(actor, session):
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
            registration_start(
                session=session,
                name=line.name,
                email=line.email,
                organisation=line.organisation,
                country=line.country,
                language=language,
                source=Registration.Source.ORGANISER,
                vouched_by=actor if vouched else None,
                added_by=actor,
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
        _queue_mails(session, created, actor=actor)
        everyone = [*reopened, *created]
        statuses = [r.status for r in everyone]
        if vouched and session.participation_link:
            task_enqueue_on_commit(LINKS_TASK, session.pk)
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
                added_by=actor,
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


def _queue_mails(session: Session, registrations: list[Registration], *, actor) -> None:
    """One outbox row per registration, each kind rendered once per language (a mail merge)."""
    groups = defaultdict(list)
    for registration in registrations:
        kind_key = _kind_and_key(session, registration)
        if kind_key:
            groups[(registration.language, kind_key[0])].append((registration, kind_key[1]))
    rows = []
    for (language, kind), members in groups.items():
        merged = _render(session, language=language, kind=kind, registration=None, actor=actor)
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
                    session, language=language, kind=kind, registration=registration, actor=actor
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
    mail_queue_rows(rows)


def _render(session, *, language: str, kind: str, registration, actor) -> tuple[str, str, str]:
    if registration is None:
        stand_in = Registration(
            session=session,
            name=MERGE_NAME,
            language=language,
            source=Registration.Source.ORGANISER,
            added_by=actor,
        )
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
