"""Every write of the sessions area: registration (double opt-in, waiting list), participation
links, reminders, organisers' actions, anonymisation.

Capacity is guarded by a lock on the session row (``select_for_update``, as pretix locks its
quotas): every change that can take or free a seat locks the session first, so two concurrent
confirmations can never both take the last seat.
"""

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ensie_portal.core.errors import DomainError
from ensie_portal.core.ratelimit import ratelimit_hit
from ensie_portal.core.workflow import Rule, audit_record, system_only, transition
from ensie_portal.outbox.models import OutgoingMail
from ensie_portal.outbox.services import mail_queue

from .bulk_mail import link_key, link_rows
from .mails import link_mail, registration_mail, session_calendar_attachment
from .models import Registration, Session, Speaker
from .tokens import CONFIRM, RegistrationClosed, signed_url

# Re-sent confirmation / status emails per registration and hour.
RESEND_LIMIT = 3
RESEND_PERIOD = 3600
# Participation-link emails are written and sent in batches of this many (one SMTP connection).
LINK_BATCH_SIZE = 250


# --- Workflows -----------------------------------------------------------------------------


def can_manage(actor, session) -> bool:
    """Staff manage every session; an organiser only the sessions they organise."""
    if actor is None or not getattr(actor, "is_authenticated", False):
        return False
    return actor.is_staff or session.organisers.filter(pk=actor.pk).exists()


def _not_started(session) -> str | None:
    if session.has_started():
        return str(_("The session has already started."))
    return None


def _has_no_registrations(session) -> str | None:
    if session.registrations.exclude(status=Registration.Status.CANCELLED).exists():
        return str(_("People have registered: cancel the session instead."))
    return None


S = Session.Status
SESSION_TRANSITIONS = {
    (S.DRAFT, S.PUBLISHED): Rule(who=can_manage, action="publish", check=_not_started),
    (S.PUBLISHED, S.DRAFT): Rule(who=can_manage, action="unpublish", check=_has_no_registrations),
    (S.DRAFT, S.CANCELLED): Rule(who=can_manage, action="cancel"),
    (S.PUBLISHED, S.CANCELLED): Rule(who=can_manage, action="cancel", check=_not_started),
}


def _registrant_or_organiser(actor, registration) -> bool:
    """The registrant acts through a signed link (no account: actor None), or an organiser."""
    return actor is None or can_manage(actor, registration.session)


R = Registration.Status
REGISTRATION_TRANSITIONS = {
    (R.PENDING, R.CONFIRMED): Rule(who=_registrant_or_organiser, action="confirm"),
    (R.PENDING, R.WAITING): Rule(who=_registrant_or_organiser, action="join waiting list"),
    (R.WAITING, R.CONFIRMED): Rule(who=system_only, action="promote"),
    (R.PENDING, R.CANCELLED): Rule(who=_registrant_or_organiser, action="cancel"),
    (R.CONFIRMED, R.CANCELLED): Rule(who=_registrant_or_organiser, action="cancel"),
    (R.WAITING, R.CANCELLED): Rule(who=_registrant_or_organiser, action="cancel"),
    (R.CANCELLED, R.PENDING): Rule(who=_registrant_or_organiser, action="register again"),
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


def registration_request(
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
    now=None,
) -> Registration:
    """Register someone to ``session`` (web form, email request or organiser).

    A new registration waits for its confirmation link (double opt-in), unless an organiser
    vouches for the person (``vouched_by``): then it is confirmed at once, capacity permitting.
    Registering again with the same email creates nothing: the pending confirmation email is
    sent again (rate limited), a cancelled registration is opened again. Refused once the
    session has started.
    """
    now = now or timezone.now()
    email = email.strip().lower()
    if vouched_by is not None and not can_manage(vouched_by, session):
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
                consent_at=now if source == Registration.Source.WEB else None,
            )
            audit_record(
                obj=registration, actor=vouched_by, action="register", to_state=registration.status
            )
        elif registration.status == Registration.Status.CANCELLED:
            transition(
                obj=registration,
                to=Registration.Status.PENDING,
                actor=vouched_by,
                transitions=REGISTRATION_TRANSITIONS,
                updates={
                    "cancelled_at": None,
                    "confirmed_at": None,
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


def _queue_confirmation(registration: Registration) -> None:
    _queue_numbered(registration, kind="confirm", confirm_url=signed_url(registration, CONFIRM))


def _queue_numbered(registration: Registration, *, kind: str, **context) -> None:
    """A message that may be sent again on request: each sending is a new outbox row."""
    registration.confirmation_count += 1
    registration.save(update_fields=["confirmation_count", "updated_at"])
    key = registration.mail_key(kind, registration.confirmation_count)
    registration_mail(registration, kind=kind, key=key, **context)


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


def registration_cancel(*, registration: Registration, actor=None, now=None) -> Registration:
    """Cancel a registration (the registrant's signed link or an organiser); the seat goes to
    the first person on the waiting list."""
    now = now or timezone.now()
    with transaction.atomic():
        session = session_lock(registration.session)
        if session.has_ended(now):
            raise DomainError(_("The session is over: there is nothing left to cancel."))
        was_confirmed = registration.status == Registration.Status.CONFIRMED
        transition(
            obj=registration,
            to=Registration.Status.CANCELLED,
            actor=actor,
            transitions=REGISTRATION_TRANSITIONS,
            updates={"cancelled_at": now},
        )
        if was_confirmed:
            waiting_list_promote(session=session, now=now)
    return registration


def waiting_list_promote(*, session: Session, now=None) -> list[Registration]:
    """Give free seats to the people waiting longest; each is emailed. Session row locked."""
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
    from .tasks import send_participation_links

    if not can_manage(actor, session):
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
            send_participation_links.delay_on_commit(locked.pk)
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


@transaction.atomic
def session_update(*, session: Session, actor, organisers=None, **fields) -> Session:
    """Save the session's content. A new start time re-arms the reminders."""
    if not can_manage(actor, session):
        raise DomainError(_("You are not allowed to do this."))
    previous_start = Session.objects.values_list("starts_at", flat=True).get(pk=session.pk)
    for name, value in fields.items():
        setattr(session, name, value)
    session.save()
    if session.starts_at != previous_start:
        session.registrations.update(reminded_24h_at=None, reminded_1h_at=None)
    if organisers:
        session.organisers.set(organisers)
    audit_record(obj=session, actor=actor, action="edit")
    return session


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
        registrations = locked.registrations.exclude(status=Registration.Status.CANCELLED)
        for registration in registrations:
            registration.session = locked
            registration_mail(
                registration, kind="session_cancelled", key=registration.mail_key("cancelled")
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
    if not can_manage(actor, session):
        raise DomainError(_("You are not allowed to do this."))
    speaker = speaker or Speaker(session=session)
    for name, value in fields.items():
        setattr(speaker, name, value)
    speaker.save()
    return speaker


def speaker_delete(*, speaker: Speaker, actor) -> None:
    if not can_manage(actor, speaker.session):
        raise DomainError(_("You are not allowed to do this."))
    speaker.delete()


def attendance_mark(*, registration: Registration, attended: bool, actor) -> Registration:
    if not can_manage(actor, registration.session):
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
    if not can_manage(actor, registration.session):
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


# --- Privacy -------------------------------------------------------------------------------


def registrations_anonymise(*, now=None) -> int:
    """Erase registrants' personal data N days after their session (setting
    ``SESSIONS_ANONYMISE_AFTER_DAYS``); statuses and attendance stay for the counts.
    Returns the number of sessions anonymised."""
    now = now or timezone.now()
    cutoff = now - timedelta(days=settings.SESSIONS_ANONYMISE_AFTER_DAYS)
    done = 0
    for session in Session.objects.filter(ends_at__lte=cutoff, anonymised_at__isnull=True):
        with transaction.atomic():
            registrations = session.registrations.all()
            ids = [str(pk) for pk in registrations.values_list("pk", flat=True)]
            registrations.update(
                name="",
                email="",
                organisation="",
                country="",
                question="",
                vouched_by=None,
                anonymised_at=now,
            )
            from django.contrib.contenttypes.models import ContentType

            OutgoingMail.objects.filter(
                related_type=ContentType.objects.get_for_model(Registration), related_id__in=ids
            ).update(to_email="anonymised@invalid", body_text="", body_html="", attachments=[])
            session.anonymised_at = now
            session.save(update_fields=["anonymised_at", "updated_at"])
            done += 1
    return done
