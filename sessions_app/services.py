"""The writes of the sessions area: registration (double opt-in, waiting list), participation
links, reminders, organisers' actions. Registration by email is in ``inbound_emails`` (through
:func:`registration_start`), the import of a list of registrants in ``bulk`` (one insert,
under the same session lock); registrants are anonymised by the retention rules of
``ensie_portal.privacy``.

Capacity is guarded by a lock on the session row (``select_for_update``, as pretix locks its
quotas): every change that can take or free a seat locks the session first, so two concurrent
confirmations can never both take the last seat.
"""

from datetime import timedelta

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ensie_portal.accounts import roles
from ensie_portal.core.errors import DomainError
from ensie_portal.core.queue import task_enqueue_on_commit
from ensie_portal.core.ratelimit import ratelimit_hit
from ensie_portal.core.workflow import Rule, audit_record, system_only, transition
from ensie_portal.outbox.models import OutgoingMail
from ensie_portal.outbox.services import mail_queue, mail_queue_rows

from .bulk_mail import link_key, link_rows, rescheduled_rows
from .mails import link_mail, registration_mail, rescheduled_key, session_calendar_attachment
from .models import Registration, Session, Speaker
from .tokens import CONFIRM, RegistrationClosed, signed_url

# Re-sent confirmation / status emails per registration and hour.
RESEND_LIMIT = 3
RESEND_PERIOD = 3600
# Participation-link and new-time emails are written and sent in batches of this many (one
# SMTP connection).
LINK_BATCH_SIZE = 250
# The task (``tasks.py``) fanning the participation link out, enqueued by name: it imports this
# module.
LINKS_TASK = "sessions.send_participation_links"
RESCHEDULE_NOTIFIED = Registration.RESCHEDULE_NOTIFIED


# --- Workflows -----------------------------------------------------------------------------


def _not_started(session) -> str | None:
    if session.has_started():
        return str(_("The session has already started."))
    return None


def _has_no_registrations(session) -> str | None:
    if session.registrations.exclude(status=Registration.Status.CANCELLED).exists():
        return str(_("People have registered: cancel the session instead."))
    return None


# Who acts: the session's organisers or staff (ensie_portal/accounts/roles.py); the registrant
# through a signed link (no account: actor None); or the portal itself (system_only).
SessionStatus = Session.Status
RegistrationStatus = Registration.Status
organiser = roles.may_manage_session


def registrant_or_organiser(actor, registration) -> bool:
    return actor is None or organiser(actor, registration.session)


SESSION_TRANSITIONS = {
    (SessionStatus.DRAFT, SessionStatus.PUBLISHED): Rule(
        who=organiser, action="publish", check=_not_started
    ),
    (SessionStatus.PUBLISHED, SessionStatus.DRAFT): Rule(
        who=organiser, action="unpublish", check=_has_no_registrations
    ),
    (SessionStatus.DRAFT, SessionStatus.CANCELLED): Rule(who=organiser, action="cancel"),
    (SessionStatus.PUBLISHED, SessionStatus.CANCELLED): Rule(
        who=organiser, action="cancel", check=_not_started
    ),
}

REGISTRATION_TRANSITIONS = {
    (RegistrationStatus.PENDING, RegistrationStatus.CONFIRMED): Rule(
        who=registrant_or_organiser, action="confirm"
    ),
    (RegistrationStatus.PENDING, RegistrationStatus.WAITING): Rule(
        who=registrant_or_organiser, action="join waiting list"
    ),
    (RegistrationStatus.WAITING, RegistrationStatus.CONFIRMED): Rule(
        who=system_only, action="promote"
    ),
    **{
        (state, RegistrationStatus.CANCELLED): Rule(who=registrant_or_organiser, action="cancel")
        for state in (
            RegistrationStatus.PENDING,
            RegistrationStatus.CONFIRMED,
            RegistrationStatus.WAITING,
        )
    },
    (RegistrationStatus.CANCELLED, RegistrationStatus.PENDING): Rule(
        who=registrant_or_organiser, action="register again"
    ),
}


# --- Registration ---------------------------------------------------------------------------


def session_lock(session: Session) -> Session:
    """The session row, locked until the transaction ends: seats are counted under it."""
    return Session.objects.select_for_update().get(pk=session.pk)


def registration_check_open(session: Session, now) -> None:
    """Raise :class:`RegistrationClosed` unless the session takes registrations at ``now``."""
    if session.status != Session.Status.PUBLISHED:
        raise RegistrationClosed(_("Registration is closed: this session is not open."))
    if session.has_started(now):
        raise RegistrationClosed(_("Registration is closed: the session has started."))


def seats_left(session: Session) -> int | None:
    """Confirmed seats still free (None: no capacity). Call it under :func:`session_lock`."""
    if session.capacity is None:
        return None
    taken = session.registrations.filter(status=Registration.Status.CONFIRMED).count()
    return max(session.capacity - taken, 0)


def registration_start(
    *,
    session: Session,
    name: str,
    email: str,
    organisation: str = "",
    country: str = "",
    language: str = "en",
    question: str = "",
    source: str = Registration.Source.WEB,
    vouched_by=None,
    added_by=None,
    now=None,
) -> Registration:
    """Register someone to ``session``: the one door of the web form, registration by email and
    organisers.

    A new registration waits for its confirmation link (double opt-in), unless an organiser
    vouches for the person (``vouched_by``): then it is confirmed at once, or joins the waiting
    list when the session is full. ``added_by`` is the organiser registering someone without
    vouching (the emails name them; a vouching organiser is named too). Registering again with
    the same email creates nothing: a pending registration is sent its confirmation email
    again, a confirmed or waiting one an email saying so (rate limited, both), unless an
    organiser vouches: then a pending one is confirmed and the others are left as they are. A
    cancelled registration is opened again.
    Refused unless the session is published and has not started.
    """
    now = now or timezone.now()
    email = email.strip().lower()
    added_by = added_by or vouched_by
    if added_by is not None and not roles.may_manage_session(added_by, session):
        raise DomainError(_("You are not allowed to do this."))
    with transaction.atomic():
        session = session_lock(session)
        registration_check_open(session, now)
        registration = session.registrations.filter(email=email).first()
        if registration is None:
            registration = Registration.objects.create(
                session=session,
                name=name.strip(),
                email=email,
                organisation=organisation.strip(),
                country=country,
                question=question.strip(),
                language=language,
                source=source,
                added_by=added_by,
                consent_at=now if source == Registration.Source.WEB else None,
            )
            audit_record(
                obj=registration, actor=added_by, action="register", to_state=registration.status
            )
        elif registration.status == Registration.Status.CANCELLED:
            transition(
                obj=registration,
                to=Registration.Status.PENDING,
                actor=added_by,
                transitions=REGISTRATION_TRANSITIONS,
                updates={
                    "cancelled_at": None,
                    "confirmed_at": None,
                    "source": source,
                    "added_by": added_by,
                    "language": language,
                    "round": registration.round + 1,
                    "link_version_sent": 0,
                    "reminded_24h_at": None,
                    "reminded_1h_at": None,
                },
            )
        elif vouched_by is None:
            _resend_status(registration)
            return registration

        registration.session = session
        if vouched_by is not None and registration.status == Registration.Status.PENDING:
            registration.vouched_by = vouched_by
            registration.vouched_at = now
            registration.save(update_fields=["vouched_by", "vouched_at", "updated_at"])
            return _confirm_locked(registration, session=session, actor=vouched_by, now=now)
        if registration.status == Registration.Status.PENDING:
            _queue_confirmation(registration)
    return registration


def _queue_confirmation(registration: Registration) -> OutgoingMail:
    return _queue_numbered(
        registration, kind="confirm", confirm_url=signed_url(registration, CONFIRM)
    )


def _queue_numbered(registration: Registration, *, kind: str, **context) -> OutgoingMail:
    """A message that may be sent again on request: each sending is a new outbox row."""
    registration.confirmation_count += 1
    registration.save(update_fields=["confirmation_count", "updated_at"])
    key = registration.mail_key(kind, registration.confirmation_count)
    return registration_mail(registration, kind=kind, key=key, **context)


def _resend_status(registration: Registration) -> None:
    """Someone registered again: re-send what they need, a few times an hour at most."""
    if not ratelimit_hit(
        f"sessions-resend:{registration.pk}", limit=RESEND_LIMIT, period=RESEND_PERIOD
    ):
        return
    if registration.status == Registration.Status.PENDING:
        _queue_confirmation(registration)
    else:
        _queue_numbered(registration, kind="already")


def registration_confirm(*, registration: Registration, actor=None, now=None) -> Registration:
    """The registrant followed the confirmation link: take a seat or join the waiting list."""
    now = now or timezone.now()
    with transaction.atomic():
        session = session_lock(registration.session)
        registration = Registration.objects.select_for_update().get(pk=registration.pk)
        if registration.status in (Registration.Status.CONFIRMED, Registration.Status.WAITING):
            return registration
        registration_check_open(session, now)
        return _confirm_locked(registration, session=session, actor=actor, now=now)


def _confirm_locked(registration, *, session, actor, now) -> Registration:
    """Confirm with the session row already locked by the caller."""
    seats = seats_left(session)
    target = (
        Registration.Status.CONFIRMED if seats is None or seats > 0 else Registration.Status.WAITING
    )
    transition(
        obj=registration,
        to=target,
        actor=actor,
        transitions=REGISTRATION_TRANSITIONS,
        updates={"confirmed_at": now},
    )
    registration.session = session
    if target == Registration.Status.CONFIRMED:
        _welcome(registration)
    else:
        registration_mail(registration, kind="waiting", key=registration.mail_key("waiting"))
    return registration


def _welcome(registration: Registration, *, promoted: bool = False) -> None:
    """A seat is confirmed: send the link if there is one, else say it will follow."""
    if registration.session.participation_link:
        participation_link_send(registration=registration, promoted=promoted)
    else:
        kind = "promoted" if promoted else "confirmed"
        registration_mail(registration, kind=kind, key=registration.mail_key(kind))


def registration_cancel(
    *, registration: Registration, actor=None, note: str = "", now=None
) -> Registration:
    """Cancel a registration (the registrant's signed link, or an organiser: then the
    registrant is told by email, with the organiser's ``note``); the seat goes to the first
    person on the waiting list.

    Someone who held a seat or a place on the waiting list may have the event in their
    calendar (the files sent with the link, the reminders and the changes of time): the email
    confirming the cancellation carries the event marked cancelled, with a higher SEQUENCE;
    the session's own SEQUENCE then moves past it, so a later registration's file (or the
    feed's) is newer still."""
    now = now or timezone.now()
    with transaction.atomic():
        session = session_lock(registration.session)
        # Read under the session's lock: a promotion meanwhile changes what is freed.
        registration = Registration.objects.select_for_update().get(pk=registration.pk)
        if session.has_ended(now):
            raise DomainError(_("The session is over: there is nothing left to cancel."))
        was_confirmed = registration.status == Registration.Status.CONFIRMED
        had_calendar = registration.status in Registration.RESCHEDULE_NOTIFIED
        transition(
            obj=registration,
            to=Registration.Status.CANCELLED,
            actor=actor,
            transitions=REGISTRATION_TRANSITIONS,
            comment=note,
            updates={"cancelled_at": now},
        )
        registration.session = session
        attachment = None
        if had_calendar:
            session.calendar_sequence += 1
            language = registration.language
            attachment = session_calendar_attachment(session, language=language, cancelled=True)
            session.calendar_sequence += 1
            session.save(update_fields=["calendar_sequence"])
        if actor is not None:
            registration_mail(
                registration,
                kind="registration_cancelled",
                key=registration.mail_key("removed"),
                note=note,
                attachment=attachment,
            )
        elif had_calendar:
            registration_mail(
                registration,
                kind="cancelled_by_you",
                key=registration.mail_key("self_cancelled"),
                attachment=attachment,
            )
        if was_confirmed:
            waiting_list_promote(session=session, now=now)
    return registration


def registration_confirmation_resend(*, registration: Registration, actor) -> OutgoingMail:
    """An organiser sends a pending registrant the confirmation email again (a new outbox row
    each time; counted with the registrant's own re-sends, a few an hour at most)."""
    if not roles.may_manage_session(actor, registration.session):
        raise DomainError(_("You are not allowed to do this."))
    with transaction.atomic():
        registration = (
            Registration.objects.select_for_update(of=("self",))
            .select_related("session", "added_by")
            .get(pk=registration.pk)
        )
        if registration.status != Registration.Status.PENDING:
            raise DomainError(
                _("Only a registration awaiting confirmation is sent the confirmation email.")
            )
        registration_check_open(registration.session, timezone.now())
        if not ratelimit_hit(
            f"sessions-resend:{registration.pk}", limit=RESEND_LIMIT, period=RESEND_PERIOD
        ):
            raise DomainError(
                _(
                    "The confirmation email was sent several times in the last hour: "
                    "please wait before sending it again."
                )
            )
        mail = _queue_confirmation(registration)
        audit_record(obj=registration, actor=actor, action="resend confirmation")
    return mail


def waiting_list_promote(*, session: Session, now=None) -> list[Registration]:
    """Give free seats to the people waiting longest; each is emailed. The caller holds the
    session row's lock (:func:`session_lock`)."""
    now = now or timezone.now()
    promoted = []
    seats = seats_left(session)
    waiting = session.registrations.filter(status=Registration.Status.WAITING).order_by(
        "confirmed_at", "pk"
    )
    if seats is not None:
        waiting = waiting[:seats]
    for registration in waiting:
        transition(
            obj=registration,
            to=Registration.Status.CONFIRMED,
            actor=None,
            transitions=REGISTRATION_TRANSITIONS,
            updates={"confirmed_at": now},
        )
        registration.session = session
        _welcome(registration, promoted=True)
        promoted.append(registration)
    return promoted


# --- Participation link ---------------------------------------------------------------------


def session_link_set(*, session: Session, link: str, actor) -> Session:
    """Set or change the participation link; every confirmed registrant gets it once (a change
    is marked as such). Setting the same link again sends nothing."""
    if not roles.may_manage_session(actor, session):
        raise DomainError(_("You are not allowed to do this."))
    with transaction.atomic():
        locked = session_lock(session)
        if locked.participation_link == link:
            return locked
        if locked.status == Session.Status.CANCELLED or locked.has_ended():
            raise DomainError(_("This session is over or cancelled: its link cannot change."))
        previous_version = locked.link_version
        locked.participation_link = link
        locked.link_version += 1
        locked.save(update_fields=["participation_link", "link_version", "updated_at"])
        audit_record(
            obj=locked,
            actor=actor,
            action="change link" if previous_version else "set link",
            data={"link_version": locked.link_version},
        )
        if link:
            task_enqueue_on_commit(LINKS_TASK, locked.pk)
    session.participation_link = locked.participation_link
    session.link_version = locked.link_version
    return locked


def participation_link_send(
    *, registration: Registration, promoted: bool = False, resend: bool = False
) -> OutgoingMail | None:
    """Email the current participation link to one confirmed registrant (once per version;
    ``resend`` is an organiser's explicit re-send and always sends)."""
    session = registration.session
    if not session.participation_link or registration.status != Registration.Status.CONFIRMED:
        return None
    version = session.link_version
    key = link_key(registration, version)
    if resend:
        registration.link_resend_count += 1
        key += f":resend{registration.link_resend_count}"
    elif registration.link_version_sent >= version:
        return None
    mail = mail_queue(
        **link_mail(
            registration,
            key=key,
            changed=0 < registration.link_version_sent < version,
            promoted=promoted,
        )
    )
    registration.link_version_sent = version
    registration.save(update_fields=["link_version_sent", "link_resend_count", "updated_at"])
    return mail


def participation_links_fan_out(*, session_id: int) -> tuple[int, list[list[int]]]:
    """The current link version and, in batches, the confirmed registrants still missing it."""
    session = Session.objects.filter(pk=session_id).first()
    if session is None or not session.participation_link:
        return 0, []
    if session.status == Session.Status.CANCELLED or session.has_ended():
        return 0, []
    ids = list(
        session.registrations.filter(
            status=Registration.Status.CONFIRMED, link_version_sent__lt=session.link_version
        )
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    batches = [ids[i : i + LINK_BATCH_SIZE] for i in range(0, len(ids), LINK_BATCH_SIZE)]
    return session.link_version, batches


# A fan-out still unfinished this long after the link was set has lost tasks on the way.
LINKS_STALLED_AFTER = timedelta(seconds=60)


def participation_links_stalled(*, now=None) -> list[int]:
    """Sessions neither cancelled nor over whose link has not reached every confirmed
    registrant, though the session has not changed for ``LINKS_STALLED_AFTER`` (setting the
    link changes it): their fan-out was lost (the broker was down when
    it was enqueued, or a worker died with its batches). Fanning out again sends nothing twice
    (``participation_links_write`` skips whoever has the link, and outbox keys are unique)."""
    now = now or timezone.now()
    return list(
        Session.objects.exclude(participation_link="")
        .exclude(status=Session.Status.CANCELLED)
        .filter(updated_at__lte=now - LINKS_STALLED_AFTER)
        .filter(ends_at__gt=now)
        .filter(
            registrations__status=Registration.Status.CONFIRMED,
            registrations__link_version_sent__lt=F("link_version"),
        )
        .values_list("pk", flat=True)
        .distinct()
    )


def participation_links_write(
    *, session_id: int, version: int, registration_ids: list[int]
) -> list[int]:
    """Write one batch of link emails as outbox rows (one insert) and return their ids.

    Only registrants still confirmed and still missing ``version`` get a row; nothing is
    written when the link has changed again since (a newer fan-out takes over).
    """
    with transaction.atomic():
        session = Session.objects.filter(pk=session_id).first()
        if session is None or session.link_version != version or not session.participation_link:
            return []
        registrations = list(
            Registration.objects.select_for_update(skip_locked=True)
            .filter(
                pk__in=registration_ids,
                session=session,
                status=Registration.Status.CONFIRMED,
                link_version_sent__lt=version,
            )
            .order_by("pk")
        )
        if not registrations:
            return []
        rows = OutgoingMail.objects.bulk_create(link_rows(session, registrations, version=version))
        Registration.objects.filter(pk__in=[r.pk for r in registrations]).update(
            link_version_sent=version, updated_at=timezone.now()
        )
        return [row.pk for row in rows]


# --- Reminders ------------------------------------------------------------------------------

REMINDERS = (
    ("24h", timedelta(hours=24), timedelta(hours=1), "reminded_24h_at"),
    ("1h", timedelta(hours=1), timedelta(0), "reminded_1h_at"),
)


def reminders_send(*, now=None) -> int:
    """Queue the reminders that are due: 24 hours and 1 hour before the start, each at most
    once per confirmed registrant however often (or concurrently) this runs. Someone who
    confirmed after a reminder's moment just received the link and gets no such reminder."""
    now = now or timezone.now()
    queued = 0
    for kind, before, until, field in REMINDERS:
        sessions = Session.objects.published().filter(
            starts_at__gt=now + until, starts_at__lte=now + before
        )
        for session in sessions:
            with transaction.atomic():
                due = list(
                    Registration.objects.select_for_update(skip_locked=True)
                    .filter(session=session, status=Registration.Status.CONFIRMED)
                    .filter(confirmed_at__lte=session.starts_at - before)
                    .filter(**{f"{field}__isnull": True})
                )
                attachments = {}  # one calendar file per language
                for registration in due:
                    registration.session = session
                    stamp = int(session.starts_at.timestamp())
                    language = registration.language
                    if language not in attachments:
                        attachments[language] = session_calendar_attachment(
                            session, language=language
                        )
                    registration_mail(
                        registration,
                        kind=f"reminder_{kind}",
                        key=registration.mail_key("reminder", kind, stamp),
                        attachment=attachments[language],
                        link=session.participation_link,
                    )
                Registration.objects.filter(pk__in=[r.pk for r in due]).update(**{field: now})
                queued += len(due)
    return queued


# --- Organisers ----------------------------------------------------------------------------


@transaction.atomic
def session_create(*, actor, organisers=(), **fields) -> Session:
    """A new session, as a draft; its organisers are the given users, or its creator."""
    session = Session.objects.create(**fields)
    session.organisers.set([*organisers] or [actor])
    audit_record(obj=session, actor=actor, action="create", to_state=session.status)
    return session


# Changed only by their own services (publish, cancel, the link, anonymisation) or by the
# change of time below, never by a save of the session's content.
SESSION_WORKFLOW_FIELDS = frozenset(
    {
        "status",
        "cancellation_note_en",
        "cancellation_note_fr",
        "participation_link",
        "link_version",
        "calendar_sequence",
        "anonymised_at",
    }
)


def session_update(*, session: Session, actor, organisers=None, **fields) -> Session:
    """Save the session's content (``fields``, already set on ``session`` or given here).

    A new start or end is a change of time: the calendar sequence rises, a new start re-arms
    the reminders, and every confirmed or waiting registrant of a published session not over
    yet is emailed the new time with the updated ``.ics``, once per change (the outbox keys name
    the session's sequence; the rows commit with the change and go out after it). Saving the
    same time again changes and sends nothing; the session row is locked, so two saves of one
    new time at once make one change. A new capacity of a published session not over yet
    gives the seats it frees to the people waiting.
    """
    if not roles.may_manage_session(actor, session):
        raise DomainError(_("You are not allowed to do this."))
    with transaction.atomic():
        stored = session_lock(session)
        for name, value in fields.items():
            setattr(session, name, value)
        for name in SESSION_WORKFLOW_FIELDS:
            setattr(session, name, getattr(stored, name))
        rescheduled = (session.starts_at, session.ends_at) != (stored.starts_at, stored.ends_at)
        session.calendar_sequence = stored.calendar_sequence + (1 if rescheduled else 0)
        session.save(
            update_fields=[
                f.name
                for f in Session._meta.concrete_fields
                if not f.primary_key
                and (f.name not in SESSION_WORKFLOW_FIELDS or f.name == "calendar_sequence")
            ]
        )
        if session.starts_at != stored.starts_at:
            session.registrations.update(reminded_24h_at=None, reminded_1h_at=None)
        if (
            session.capacity != stored.capacity
            and session.status == Session.Status.PUBLISHED
            and not session.has_ended()
        ):
            waiting_list_promote(session=session)
        if organisers:
            session.organisers.set(organisers)
        audit_record(obj=session, actor=actor, action="edit")
        if rescheduled:
            audit_record(
                obj=session,
                actor=actor,
                action="reschedule",
                data={
                    "from": [stored.starts_at.isoformat(), stored.ends_at.isoformat()],
                    "to": [session.starts_at.isoformat(), session.ends_at.isoformat()],
                    "calendar_sequence": session.calendar_sequence,
                },
            )
            reschedule_notices_queue(session=session)
    return session


def reschedule_notices_queue(*, session: Session) -> list[int]:
    """Queue the email telling every confirmed or waiting registrant the session's new time
    (change ``session.calendar_sequence``), in the caller's transaction: the notices commit
    with the change, so nothing can lose them (the outbox sends them in batches, and its sweep
    sends whatever a lost task left). Nothing for a session that is not published or is over.
    """
    if session.status != Session.Status.PUBLISHED or session.has_ended():
        return []
    sequence = session.calendar_sequence
    registrations = list(
        session.registrations.select_related("added_by")
        .filter(status__in=RESCHEDULE_NOTIFIED)
        .order_by("pk")
    )
    keys = {rescheduled_key(r, sequence) for r in registrations}
    told = set(OutgoingMail.objects.filter(key__in=keys).values_list("key", flat=True))
    registrations = [r for r in registrations if rescheduled_key(r, sequence) not in told]
    return mail_queue_rows(rescheduled_rows(session, registrations, sequence=sequence))


def session_publish(*, session: Session, actor) -> Session:
    return transition(
        obj=session, to=Session.Status.PUBLISHED, actor=actor, transitions=SESSION_TRANSITIONS
    )


def session_unpublish(*, session: Session, actor) -> Session:
    return transition(
        obj=session, to=Session.Status.DRAFT, actor=actor, transitions=SESSION_TRANSITIONS
    )


def session_cancel(*, session: Session, actor, note_en: str = "", note_fr: str = "") -> Session:
    """Cancel the session; everyone still registered is told, once, with the note (in English,
    in French or both) in their language where it has one."""

    def tell_everyone(locked):
        # The event's calendar copy changes too (STATUS:CANCELLED): a higher SEQUENCE, and the
        # file attached, so that calendars which added it mark it cancelled.
        locked.calendar_sequence += 1
        locked.save(update_fields=["calendar_sequence"])
        attachments = {}  # one calendar file per language
        registrations = locked.registrations.exclude(status=Registration.Status.CANCELLED)
        for registration in registrations:
            registration.session = locked
            language = registration.language
            if language not in attachments:
                attachments[language] = session_calendar_attachment(locked, language=language)
            registration_mail(
                registration,
                kind="session_cancelled",
                key=registration.mail_key("cancelled"),
                attachment=attachments[language],
            )

    return transition(
        obj=session,
        to=Session.Status.CANCELLED,
        actor=actor,
        transitions=SESSION_TRANSITIONS,
        comment="\n\n".join(note for note in (note_en, note_fr) if note),
        updates={"cancellation_note_en": note_en, "cancellation_note_fr": note_fr},
        on_done=[tell_everyone],
    )


def speaker_save(*, session: Session, actor, speaker: Speaker | None = None, **fields) -> Speaker:
    if not roles.may_manage_session(actor, session):
        raise DomainError(_("You are not allowed to do this."))
    speaker = speaker or Speaker(session=session)
    for name, value in fields.items():
        setattr(speaker, name, value)
    speaker.save()
    return speaker


def speaker_delete(*, speaker: Speaker, actor) -> None:
    if not roles.may_manage_session(actor, speaker.session):
        raise DomainError(_("You are not allowed to do this."))
    speaker.delete()


def attendance_mark(*, registration: Registration, attended: bool, actor) -> Registration:
    if not roles.may_manage_session(actor, registration.session):
        raise DomainError(_("You are not allowed to do this."))
    if not registration.session.has_started():
        raise DomainError(_("Attendance can be marked once the session has started."))
    if registration.status != Registration.Status.CONFIRMED:
        raise DomainError(_("Only confirmed registrants can attend."))
    registration.attended = attended
    registration.save(update_fields=["attended", "updated_at"])
    audit_record(obj=registration, actor=actor, action="attended" if attended else "absent")
    return registration


def participation_link_resend(*, registration: Registration, actor) -> OutgoingMail:
    if not roles.may_manage_session(actor, registration.session):
        raise DomainError(_("You are not allowed to do this."))
    with transaction.atomic():
        registration = (
            Registration.objects.select_for_update()
            .select_related("session")
            .get(pk=registration.pk)
        )
        mail = participation_link_send(registration=registration, resend=True)
        if mail is None:
            raise DomainError(
                _("Only a confirmed registrant of a session with a link can receive it.")
            )
    return mail
