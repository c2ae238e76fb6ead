"""One message to thousands of registrants, fast: the participation link, a new time.

A mail merge: each variant of the message (language, first link or changed link, ...) is
rendered once with stand-in fields, then each registrant's name and signed cancel token are
filled in. One insert per batch writes the outbox rows (queued); the outbox sends them over one
SMTP connection (``mail_send_many``), marking each sent as it goes.
"""

import copy
from collections import defaultdict
from collections.abc import Callable, Hashable

from django.utils.html import escape, urlize

from ensie_portal.core.i18n import absolute_url
from ensie_portal.outbox.models import OutgoingMail
from ensie_portal.outbox.services import mail_render, mail_row

from .mails import link_mail, rescheduled_key, rescheduled_mail
from .models import Registration, Session
from .tokens import CANCEL, registration_token

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


def merged_rows(
    session: Session,
    registrations: list[Registration],
    *,
    variant: Callable[[Registration], Hashable],
    arguments: Callable[..., dict],
    key: Callable[[Registration], str],
) -> list[OutgoingMail]:
    """Unsaved outbox rows (queued), one per registration: the message
    ``arguments(registration, cancel_url=...)`` rendered once per ``variant`` (what changes
    the text besides the name: the language at least), then filled in for each person."""
    groups = defaultdict(list)
    for registration in registrations:
        registration.session = session
        groups[(registration.language, variant(registration))].append(registration)
    rows = []
    for (language, _variant), members in groups.items():
        stand_in = copy.copy(members[0])
        stand_in.name = MERGE_NAME
        merged_arguments = arguments(
            stand_in, cancel_url=absolute_url("sessions_app:cancel", language, token=MERGE_TOKEN)
        )
        merged = mail_render(
            template=merged_arguments["template"],
            context=merged_arguments["context"],
            language=language,
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
                own = arguments(registration)
                subject, text, html = mail_render(
                    template=own["template"], context=own["context"], language=language
                )
            rows.append(
                mail_row(
                    key=key(registration),
                    to=registration.email,
                    language=language,
                    subject=subject,
                    body_text=text,
                    body_html=html,
                    attachments=merged_arguments["attachments"],
                    related=registration,
                )
            )
    return rows


def link_rows(
    session: Session, registrations: list[Registration], *, version: int
) -> list[OutgoingMail]:
    """Unsaved outbox rows (queued) carrying ``version`` of the link to each one (the calendar
    file in each one's language, made once per group)."""

    def changed(registration):
        return registration.link_version_sent > 0

    return merged_rows(
        session,
        registrations,
        # Who registered someone is named in their first link (see mails.registered_by).
        variant=lambda r: (changed(r), r.source, r.added_by_id),
        arguments=lambda r, **extra: link_mail(r, key="", changed=changed(r), **extra),
        key=lambda r: link_key(r, version),
    )


def rescheduled_rows(
    session: Session, registrations: list[Registration], *, sequence: int
) -> list[OutgoingMail]:
    """Unsaved outbox rows (queued) telling each one the session's new time."""
    return merged_rows(
        session,
        registrations,
        variant=lambda r: r.status,
        arguments=lambda r, **extra: rescheduled_mail(r, key="", **extra),
        key=lambda r: rescheduled_key(r, sequence),
    )
