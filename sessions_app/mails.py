"""The registrants' emails: one template family (``emails/sessions_registration``), one
``kind`` per message, each with the signed cancel link, in the registrant's language."""

from ensie_portal.core.ics import IcsEvent, build_calendar
from ensie_portal.outbox.services import Attachment, mail_queue

from .models import Registration, Session
from .tokens import CANCEL, absolute_url, signed_url

TEMPLATE = "sessions_registration"


def session_ics_event(session: Session, *, language: str = "en") -> IcsEvent:
    """The session as a calendar event, its title and summary in ``language`` where the session
    has them (else in the other language)."""
    return IcsEvent(
        uid=f"session-{session.pk}@ensie.org",
        start=session.starts_at,
        end=session.ends_at,
        summary=session.text_for("title", language),
        description=session.text_for("summary", language),
        location=session.platform,
        url=absolute_url("sessions_app:detail", language, slug=session.slug),
        sequence=session.link_version,
        cancelled=session.status == Session.Status.CANCELLED,
    )


def session_calendar_attachment(session: Session, *, language: str = "en") -> Attachment:
    return Attachment(
        filename=f"ensie-session-{session.number}.ics",
        mimetype="text/calendar",
        content=build_calendar([session_ics_event(session, language=language)]),
    )


def _arguments(
    registration: Registration, *, kind: str, key: str, attachment=None, cancel_url="", **context
) -> dict:
    session = registration.session
    language = registration.language
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
