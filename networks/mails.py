"""The adhesion workflow's emails, queued through the outbox in each recipient's language.

One email per recipient per step: the step is the audit entry of the transition just made, so
a retried call queues nothing twice. :mod:`networks.services` calls these once its writes are
done (most often as a transition's ``on_done``).
"""

import datetime
from collections.abc import Iterable

from allauth.account.forms import default_token_generator
from allauth.account.utils import user_pk_to_url_str
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from ensie_portal.accounts.models import User
from ensie_portal.core.i18n import absolute_url
from ensie_portal.core.ics import REQUEST, IcsEvent, IcsPerson, build_calendar
from ensie_portal.core.models import AuditEntry
from ensie_portal.outbox.services import Attachment, mail_queue

from .models import Application


def _absolute(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


def representatives(application: Application) -> list[User]:
    return list(
        User.objects.filter(
            representative_links__network_id=application.network_id, is_active=True
        ).order_by("pk")
    )


def step_of(application: Application) -> str:
    """The audit entry of the transition just made: one email per recipient per step."""
    entry = (
        AuditEntry.objects.filter(
            object_id=str(application.pk),
            content_type=ContentType.objects.get_for_model(Application),
        )
        .order_by("-pk")
        .values_list("pk", flat=True)
        .first()
    )
    return str(entry)


def send(
    *,
    event: str,
    application: Application,
    recipients: Iterable[User],
    step: str,
    context: dict | None = None,
    attachments: tuple[Attachment, ...] = (),
    page: str = "networks:application_detail",
    reply_to: str = "",
) -> None:
    """Queue the ``event`` email to each recipient, in their language, once per ``step``."""
    for user in recipients:
        language = user.preferred_language or settings.LANGUAGE_CODE
        mail_queue(
            key=f"networks:application:{application.pk}:{step}:{event}:{user.pk}",
            to=user.email,
            template="networks_application",
            context={
                "event": event,
                "application": application,
                "network": application.network,
                "recipient": user,
                "url": absolute_url(page, language, pk=application.pk),
                **(context or {}),
            },
            language=language,
            attachments=attachments,
            related=application,
            reply_to=reply_to,
        )


def send_secretariat(
    *, event: str, application: Application, step: str, context: dict | None = None
) -> None:
    language = settings.LANGUAGE_CODE
    mail_queue(
        key=f"networks:application:{application.pk}:{step}:{event}:secretariat",
        to=settings.SECRETARIAT_EMAIL,
        template="networks_application",
        context={
            "event": event,
            "application": application,
            "network": application.network,
            "url": absolute_url("networks:board_application", language, pk=application.pk),
            **(context or {}),
        },
        language=language,
        related=application,
    )


def tell_applicant(event: str, *, page: str = "networks:application_detail", context=None):
    """An ``on_done`` callback: email ``event`` to the application's representatives."""

    def _callback(application: Application) -> None:
        send(
            event=event,
            application=application,
            recipients=representatives(application),
            step=step_of(application),
            page=page,
            context=context,
        )

    return _callback


# --- Step 1: interest -----------------------------------------------------------------------


def _set_password_url(user: User, language: str) -> str:
    key = f"{user_pk_to_url_str(user)}-{default_token_generator.make_token(user)}"
    with translation.override(language):
        path = reverse("account_reset_password_from_key", kwargs={"uidb36": "UID", "key": "KEY"})
    return _absolute(path.replace("UID-KEY", key))


def interest_acknowledge(
    *, application: Application, contact: User, new_account: bool, language: str
) -> None:
    """The contact is thanked (with a link to choose a password if their account is new) and
    the secretariat is told."""
    contact_language = contact.preferred_language or language
    mail_queue(
        key=f"networks:application:{application.pk}:interest:contact",
        to=application.contact_email,
        template="networks_application",
        context={
            "event": "interest_contact",
            "application": application,
            "network": application.network,
            "recipient": contact,
            "new_account": new_account,
            "set_password_url": (
                _set_password_url(contact, contact_language) if new_account else ""
            ),
            "url": absolute_url("networks:application_detail", contact_language, pk=application.pk),
        },
        language=contact_language,
        related=application,
    )
    send_secretariat(event="interest_secretariat", application=application, step="interest")


# --- Step 2: the institutional meeting ------------------------------------------------------


def _meeting_calendar(application: Application, language: str, attendees: list[User]) -> Attachment:
    """The invitation (iTIP REQUEST): organised by the secretariat, who receives the answers;
    every representative of the applicant is invited. Its UID stays, its SEQUENCE rises each
    time the meeting moves, so calendars update the event they have."""
    start = application.meeting_at
    with translation.override(language):
        summary = _("ENSIE institutional meeting with %(network)s") % {
            "network": application.network.display_name
        }
        organizer = IcsPerson(email=settings.SECRETARIAT_EMAIL, name=_("ENSIE secretariat"))
    event = IcsEvent(
        uid=f"application-{application.pk}-meeting@ensie-portal",
        start=start,
        end=start + datetime.timedelta(minutes=application.meeting_duration_minutes),
        summary=summary,
        description=application.meeting_link,
        location=application.meeting_link,
        url=application.meeting_link,
        sequence=application.meeting_sequence,
        organizer=organizer,
        attendees=tuple(IcsPerson(email=user.email, name=str(user)) for user in attendees),
    )
    return Attachment(
        filename="ensie-meeting.ics",
        mimetype=f"text/calendar; method={REQUEST}",
        content=build_calendar([event], method=REQUEST),
    )


def meeting_invitation_send(application: Application, step: str) -> None:
    """Each representative gets the meeting's .ics invitation (in their language)."""
    attendees = representatives(application)
    for user in attendees:
        language = user.preferred_language or settings.LANGUAGE_CODE
        send(
            event="meeting_scheduled",
            application=application,
            recipients=[user],
            step=step,
            context={"rescheduled": application.meeting_sequence > 0},
            attachments=(_meeting_calendar(application, language, attendees),),
            reply_to=settings.SECRETARIAT_EMAIL,
        )
