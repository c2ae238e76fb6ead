"""The participation link to thousands of registrants, fast.

A mail merge: each variant of the message (language, first link or changed link) is rendered
once with stand-in fields, then each registrant's name and signed cancel token are filled in.
One insert per batch writes the outbox rows (already marked as sending); the outbox sends them
over one SMTP connection (``mail_send_claimed``).
"""

from collections import defaultdict

from django.utils.html import escape, urlize

from ensie_portal.outbox.models import OutgoingMail
from ensie_portal.outbox.services import mail_render, mail_row

from .mails import link_mail, session_calendar_attachment
from .models import Registration, Session
from .tokens import CANCEL, absolute_url, registration_token

MERGE_NAME = "MERGEFIELDxNAME"
MERGE_TOKEN = "MERGEFIELDxTOKEN"  # noqa: S105 - a placeholder, not a secret


def link_key(registration: Registration, version: int) -> str:
    return registration.mail_key("link", f"v{version}")


def merge_fill(template: str, fields: dict[str, str]) -> str:
    """A merged message (rendered once with placeholders) filled in for one person."""
    for placeholder, value in fields.items():
        template = template.replace(placeholder, value)
    return template


def mergeable_name(name: str) -> bool:
    """Names that the HTML body would turn into a link cannot be filled in afterwards."""
    return MERGE_NAME not in name and urlize(name) == escape(name)


def link_rows(
    session: Session, registrations: list[Registration], *, version: int
) -> list[OutgoingMail]:
    """Unsaved outbox rows (status sending) carrying ``version`` of the link to each one."""
    groups = defaultdict(list)
    for registration in registrations:
        groups[(registration.language, registration.link_version_sent > 0)].append(registration)
    rows = []
    for (language, changed), members in groups.items():
        attachment = session_calendar_attachment(session, language=language)
        stand_in = Registration(session=session, name=MERGE_NAME, language=language)
        arguments = link_mail(
            stand_in,
            key="",
            changed=changed,
            attachment=attachment,
            cancel_url=absolute_url("sessions_app:cancel", language, token=MERGE_TOKEN),
        )
        merged = mail_render(
            template=arguments["template"], context=arguments["context"], language=language
        )
        for registration in members:
            if mergeable_name(registration.name):
                token = registration_token(registration=registration, purpose=CANCEL)
                subject, text, html = (
                    merged[0],
                    merge_fill(merged[1], {MERGE_NAME: registration.name, MERGE_TOKEN: token}),
                    merge_fill(
                        merged[2], {MERGE_NAME: escape(registration.name), MERGE_TOKEN: token}
                    ),
                )
            else:
                registration.session = session
                own = link_mail(registration, key="", changed=changed, attachment=attachment)
                subject, text, html = mail_render(
                    template=own["template"], context=own["context"], language=language
                )
            rows.append(
                mail_row(
                    key=link_key(registration, version),
                    to=registration.email,
                    language=language,
                    subject=subject,
                    body_text=text,
                    body_html=html,
                    attachments=arguments["attachments"],
                    related=registration,
                    status=OutgoingMail.Status.SENDING,
                    attempts=1,
                )
            )
    return rows
