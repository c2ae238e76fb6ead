"""The registrants' emails: one template family (``emails/sessions_registration``), one
``kind`` per message, each with the signed cancel link, in the registrant's language."""

from ensie_portal.core.i18n import absolute_url
from ensie_portal.core.ics import PUBLISH, IcsEvent, build_calendar
from ensie_portal.outbox.services import Attachment, mail_queue

from .models import Registration, Session
from .tokens import CANCEL, signed_url

TEMPLATE = "sessions_registration"
# The messages that may be the first a person gets about a registration: when an organiser
# registered them, these say who did (see :func:`registered_by`).
FIRST_KINDS = ("confirm", "confirmed", "waiting", "link")


def session_ics_event(
    session: Session, *, language: str = "en", cancelled: bool = False
) -> IcsEvent:
    """The session as a calendar event, its title and summary in ``language`` where the session
    has them (else in the other language); ``cancelled`` for one person's copy when their
    registration is cancelled."""
    return IcsEvent(
        uid=f"session-{session.pk}@ensie.org",
        start=session.starts_at,
        end=session.ends_at,
        summary=session.text_for("title", language),
        description=session.text_for("summary", language),
        location=session.platform,
        url=absolute_url("sessions_app:detail", language, slug=session.slug),
        sequence=session.calendar_sequence,
        cancelled=cancelled or session.status == Session.Status.CANCELLED,
    )


def session_calendar_attachment(
    session: Session, *, language: str = "en", cancelled: bool = False
) -> Attachment:
    """The session's event as published (the feed's copy, with the same UID and SEQUENCE),
    its texts in ``language``; ``cancelled``: marked so, for a registration cancelled."""
    event = session_ics_event(session, language=language, cancelled=cancelled)
    return Attachment(
        filename=f"ensie-session-{session.number}.ics",
        mimetype=f"text/calendar; method={PUBLISH}",
        content=build_calendar([event], method=PUBLISH),
    )


def registered_by(registration: Registration, *, kind: str, changed=False, promoted=False):
    """The organiser who registered this person, named in the first messages they get (a
    changed link or a seat freed later are news of their own); None otherwise."""
    if registration.source != Registration.Source.ORGANISER or registration.added_by_id is None:
        return None
    if kind not in FIRST_KINDS or changed or promoted:
        return None
    return registration.added_by


def _arguments(
    registration: Registration, *, kind: str, key: str, attachment=None, cancel_url="", **context
) -> dict:
    session = registration.session
    language = registration.language
    organiser = registered_by(
        registration,
        kind=kind,
        changed=context.get("changed", False),
        promoted=context.get("promoted", False),
    )
    return {
        "key": key,
        "to": registration.email,
        "template": TEMPLATE,
        "language": language,
        "related": registration,
        "attachments": (attachment,) if attachment else (),
        "context": {
            "kind": kind,
            "registration": registration,
            "session": session,
            "session_url": absolute_url("sessions_app:detail", language, slug=session.slug),
            "cancel_url": cancel_url or signed_url(registration, CANCEL),
            "registered_by": organiser.get_full_name() if organiser else "",
            "calendar_attached": attachment is not None,
            **context,
        },
    }


def registration_mail(registration: Registration, *, kind: str, key: str, **context):
    """Queue one message about ``registration`` (idempotent on ``key``)."""
    return mail_queue(**_arguments(registration, kind=kind, key=key, **context))


def link_mail(
    registration: Registration,
    *,
    key: str,
    changed: bool = False,
    promoted: bool = False,
    attachment=None,
    cancel_url: str = "",
) -> dict:
    """The arguments of the participation-link message (for ``mail_queue`` or a bulk insert)."""
    session = registration.session
    return _arguments(
        registration,
        kind="link",
        key=key,
        attachment=attachment
        or session_calendar_attachment(session, language=registration.language),
        link=session.participation_link,
        changed=changed,
        promoted=promoted,
        cancel_url=cancel_url,
    )


def rescheduled_mail(
    registration: Registration, *, key: str, attachment=None, cancel_url: str = ""
) -> dict:
    """The arguments of the message telling a registrant the session's new time, with the
    updated calendar file (same UID, higher SEQUENCE)."""
    session = registration.session
    return _arguments(
        registration,
        kind="rescheduled",
        key=key,
        attachment=attachment
        or session_calendar_attachment(session, language=registration.language),
        cancel_url=cancel_url,
    )


def rescheduled_key(registration: Registration, sequence: int) -> str:
    """One message per registrant and change of time: the session's calendar sequence."""
    return registration.mail_key(
        "rescheduled", f"session{registration.session_id}", f"seq{sequence}"
    )
