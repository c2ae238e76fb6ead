"""Every write of the membership area: the adhesion workflow, fees, assemblies.

The application's states and who may move it between them are the one ``TRANSITIONS`` table
below, read by :func:`ensie_portal.core.workflow.transition` (locked, checked, audited). Each
transition queues its emails through the outbox, in each recipient's language.
"""

import datetime
import os
from collections.abc import Iterable
from decimal import Decimal

from allauth.account.forms import default_token_generator
from allauth.account.models import EmailAddress
from allauth.account.utils import user_pk_to_url_str
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from assemblies.models import GeneralAssembly
from assemblies.selectors import assembly_placement_problem, assembly_submission_problem
from ensie_portal.accounts.models import Roles, User
from ensie_portal.accounts.selectors import user_in_group
from ensie_portal.core.errors import DomainError
from ensie_portal.core.i18n import brussels_date, format_when
from ensie_portal.core.ics import REQUEST, IcsEvent, IcsPerson, build_calendar
from ensie_portal.core.models import AuditEntry
from ensie_portal.core.workflow import Rule, audit_record, rules_of, system_only, transition
from ensie_portal.outbox.services import Attachment, mail_queue

from .fees import fee_quote
from .models import (
    Application,
    BoardNote,
    CountryGroup,
    Criterion,
    CriterionAssessment,
    FeeAmount,
    FeeBand,
    FeeSchedule,
    MembershipFee,
    Network,
    Representative,
)
from .selectors import may_record_fee_payments

S = Application.Status


# --- Who may do what ------------------------------------------------------------------------


def is_staff(actor, application) -> bool:
    return actor is not None and actor.is_authenticated and actor.is_staff


def is_board_member(actor, application) -> bool:
    """Members of the Board group (the secretariat does not decide on eligibility)."""
    return actor is not None and user_in_group(actor, Roles.BOARD)


def is_representative(actor, application) -> bool:
    return (
        actor is not None
        and actor.is_authenticated
        and Representative.objects.filter(network_id=application.network_id, user=actor).exists()
    )


# --- Conditions on the application ----------------------------------------------------------


# The fields of the reasoned request that the applicant fills in (files aside).
REQUEST_FIELDS = [
    "legal_name",
    "legal_form",
    "registration_number",
    "head_office_address",
    "head_office_country",
    "date_founded",
    "wise_count",
    "sectors",
    "regions_covered",
    "representatives_info",
    "website",
    "adheres_to_statutes",
    "adheres_to_declaration",
    "adheres_to_internal_rules",
    "assembly",
]


def request_missing_fields(application: Application) -> list[str]:
    """The parts of the reasoned request still to be given (field names)."""
    required = []
    for name in REQUEST_FIELDS:
        if name == "website":  # optional; the two files follow the identity sheet
            required += ["motivation_letter", "statutes"]
        else:
            required.append(name)
    return [name for name in required if getattr(application, name) in (None, "", False)]


def _request_ready(application: Application) -> str | None:
    missing = request_missing_fields(application)
    if missing:
        labels = ", ".join(str(Application._meta.get_field(name).verbose_name) for name in missing)
        return _("The request is not complete. Still missing: %(fields)s.") % {"fields": labels}
    return assembly_submission_problem(assembly=application.assembly, today=timezone.localdate())


def _all_criteria_met(application: Application) -> str | None:
    results = dict(application.assessments.values_list("criterion", "result"))
    not_met = [
        str(label)
        for code, label in Criterion.choices
        if results.get(code) != CriterionAssessment.Result.MET
    ]
    if not_met:
        return _(
            "The application can only be found eligible when every criterion is met. "
            "Not (yet) met: %(criteria)s"
        ) % {"criteria": "; ".join(not_met)}
    return None


# --- The table ------------------------------------------------------------------------------

TRANSITIONS = {
    (S.INTEREST, S.MEETING_SCHEDULED): Rule(who=is_staff, action="meeting_schedule"),
    (S.MEETING_SCHEDULED, S.MEETING_HELD): Rule(who=is_staff, action="meeting_held"),
    (S.MEETING_HELD, S.REQUEST_SUBMITTED): Rule(
        who=is_representative, action="request_submit", check=_request_ready
    ),
    (S.CHANGES_REQUESTED, S.REQUEST_SUBMITTED): Rule(
        who=is_representative, action="request_resubmit", check=_request_ready
    ),
    (S.REQUEST_SUBMITTED, S.UNDER_REVIEW): Rule(who=is_board_member, action="review_start"),
    (S.UNDER_REVIEW, S.CHANGES_REQUESTED): Rule(who=is_board_member, action="changes_request"),
    (S.UNDER_REVIEW, S.ELIGIBLE): Rule(
        who=is_board_member, action="eligible", check=_all_criteria_met
    ),
    (S.UNDER_REVIEW, S.NOT_ELIGIBLE): Rule(who=is_board_member, action="not_eligible"),
    (S.ELIGIBLE, S.ON_AGENDA): Rule(who=is_staff, action="agenda_place"),
    (S.ON_AGENDA, S.ELIGIBLE): (
        # Staff take it off the agenda (the assembly is postponed...).
        Rule(who=is_staff, action="agenda_remove"),
        # The assembly did not decide (no quorum, or never voted before the session closed):
        # the portal puts it back, with the reason, for a later assembly.
        Rule(who=system_only, action="agenda_return"),
    ),
    # The General Assembly's vote (its own workflow) decides; no person sets these by hand.
    (S.ON_AGENDA, S.ADMITTED): Rule(who=system_only, action="admitted"),
    (S.ON_AGENDA, S.REJECTED): Rule(who=system_only, action="rejected"),
    **{
        (state, S.WITHDRAWN): Rule(who=is_representative, action="withdraw")
        for state in Application.OPEN_STATES
    },
}

BOARD_DECISIONS = (S.ELIGIBLE, S.NOT_ELIGIBLE, S.CHANGES_REQUESTED)

# The network's own status after its admission (the assembly's vote makes it a member:
# application_decide). Staff change it from the admin's actions, never by editing the field.
N = Network.Status
NETWORK_TRANSITIONS = {
    (N.MEMBER, N.SUSPENDED): Rule(who=is_staff, action="membership_suspend"),
    (N.SUSPENDED, N.MEMBER): Rule(who=is_staff, action="membership_reinstate"),
    (N.MEMBER, N.FORMER): Rule(who=is_staff, action="membership_end"),
    (N.SUSPENDED, N.FORMER): Rule(who=is_staff, action="membership_end"),
}


def board_decisions_open(*, application: Application, actor) -> list[str]:
    """The decisions the Board member ``actor`` may record now: only in the states where the
    table lets the Board decide (another rule may reach the same state, e.g. staff taking an
    application off an agenda puts it back to eligible: that is no Board decision)."""
    return [
        decision
        for decision in BOARD_DECISIONS
        if any(
            rule.who is is_board_member and rule.who(actor, application)
            for rule in rules_of(TRANSITIONS.get((application.status, decision), ()))
        )
    ]


# --- Emails ---------------------------------------------------------------------------------


def _absolute(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


def _url_in(language: str, name: str, **kwargs) -> str:
    with translation.override(language):
        return _absolute(reverse(name, kwargs=kwargs or None))


def _representatives(application: Application) -> list[User]:
    return list(
        User.objects.filter(
            representative_links__network_id=application.network_id, is_active=True
        ).order_by("pk")
    )


def _board_members() -> list[User]:
    return list(User.objects.filter(groups__name=Roles.BOARD, is_active=True).order_by("pk"))


def _send(
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
                "url": _url_in(language, page, pk=application.pk),
                **(context or {}),
            },
            language=language,
            attachments=attachments,
            related=application,
            reply_to=reply_to,
        )


def _send_secretariat(
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
            "url": _url_in(language, "networks:board_application", pk=application.pk),
            **(context or {}),
        },
        language=language,
        related=application,
    )


def _tell_applicant(event: str, *, page: str = "networks:application_detail", context=None):
    """An ``on_done`` callback: email ``event`` to the application's representatives."""

    def _callback(application: Application) -> None:
        _send(
            event=event,
            application=application,
            recipients=_representatives(application),
            step=_step(application),
            page=page,
            context=context,
        )

    return _callback


def _step(application: Application) -> str:
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


# --- Step 1: interest -----------------------------------------------------------------------


def _unique_slug(name: str) -> str:
    base = slugify(name)[:200] or "network"
    slug, n = base, 1
    while Network.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


def _contact_account(
    *, email: str, contact_name: str, organisation: str, language: str
) -> tuple[User, bool]:
    """The contact's account: the existing one, or a new one without a password yet."""
    user = User.objects.filter(email__iexact=email).first()
    if user is not None:
        return user, False
    try:
        with transaction.atomic():
            user = User.objects.create_user(
                email=email,
                # The profile's columns are shorter than the application's: what fits.
                display_name=contact_name[: User._meta.get_field("display_name").max_length],
                organisation=organisation[: User._meta.get_field("organisation").max_length],
                preferred_language=language,
            )
            user.set_unusable_password()
            user.save(update_fields=["password"])
            EmailAddress.objects.create(user=user, email=email, primary=True, verified=False)
    except IntegrityError:  # the same contact, submitted twice at once
        return User.objects.get(email__iexact=email), False
    return user, True


def _set_password_url(user: User, language: str) -> str:
    key = f"{user_pk_to_url_str(user)}-{default_token_generator.make_token(user)}"
    with translation.override(language):
        path = reverse("account_reset_password_from_key", kwargs={"uidb36": "UID", "key": "KEY"})
    return _absolute(path.replace("UID-KEY", key))


@transaction.atomic
def application_interest_create(
    *,
    organisation: str,
    country: str,
    contact_name: str,
    contact_email: str,
    website: str = "",
    wise_count: int = 0,
    message: str = "",
    language: str = "en",
) -> Application:
    """Step 1: a network expresses interest.

    Creates the network (applicant), its application and, unless the contact already has one,
    an account whose owner receives a link to confirm the address and choose a password.
    """
    email = contact_email.strip().lower()
    user, new_account = _contact_account(
        email=email, contact_name=contact_name, organisation=organisation, language=language
    )
    # One expression of interest at a time per contact: a double submission finds the first.
    User.objects.select_for_update().filter(pk=user.pk).first()
    duplicate = Application.objects.filter(
        contact_email=email, network__legal_name=organisation, status=S.INTEREST
    ).first()
    if duplicate is not None:
        return duplicate
    network = Network.objects.create(
        legal_name=organisation,
        slug=_unique_slug(organisation),
        country=country,
        website=website,
        wise_count=wise_count or 0,
        status=Network.Status.APPLICANT,
    )
    Representative.objects.create(network=network, user=user, is_main_contact=True)
    application = Application.objects.create(
        network=network,
        contact_name=contact_name,
        contact_email=email,
        message=message,
        website=website,
        wise_count=wise_count or None,
        legal_name=organisation,
        head_office_country=country,
    )
    audit_record(obj=application, actor=None, action="interest", to_state=S.INTEREST)
    user_language = user.preferred_language or language
    mail_queue(
        key=f"networks:application:{application.pk}:interest:contact",
        to=email,
        template="networks_application",
        context={
            "event": "interest_contact",
            "application": application,
            "network": network,
            "recipient": user,
            "new_account": new_account,
            "set_password_url": _set_password_url(user, user_language) if new_account else "",
            "url": _url_in(user_language, "networks:application_detail", pk=application.pk),
        },
        language=user_language,
        related=application,
    )
    _send_secretariat(event="interest_secretariat", application=application, step="interest")
    return application


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


def _send_meeting_invitation(application: Application, step: str) -> None:
    representatives = _representatives(application)
    for user in representatives:
        language = user.preferred_language or settings.LANGUAGE_CODE
        _send(
            event="meeting_scheduled",
            application=application,
            recipients=[user],
            step=step,
            context={"rescheduled": application.meeting_sequence > 0},
            attachments=(_meeting_calendar(application, language, representatives),),
            reply_to=settings.SECRETARIAT_EMAIL,
        )


def application_meeting_schedule(
    *,
    application: Application,
    actor: User,
    starts_at: datetime.datetime,
    link: str,
    duration_minutes: int = 60,
) -> Application:
    """Step 2: staff set the online meeting (or move it); the applicant gets an .ics invitation."""
    updates = {
        "meeting_at": starts_at,
        "meeting_link": link,
        "meeting_duration_minutes": duration_minutes,
    }
    if application.status != S.MEETING_SCHEDULED:
        return transition(
            obj=application,
            to=S.MEETING_SCHEDULED,
            actor=actor,
            transitions=TRANSITIONS,
            updates=updates,
            on_done=[lambda app: _send_meeting_invitation(app, _step(app))],
        )
    if not is_staff(actor, application):
        raise DomainError(_("You are not allowed to do this."))
    with transaction.atomic():
        locked = Application.objects.select_for_update().get(pk=application.pk)
        if locked.status != S.MEETING_SCHEDULED:
            raise DomainError(_("The meeting can no longer be moved."))
        for name, value in updates.items():
            setattr(locked, name, value)
        locked.meeting_sequence += 1
        locked.save(update_fields=[*updates, "meeting_sequence", "updated_at"])
        audit_record(obj=locked, actor=actor, action="meeting_reschedule")
        _send_meeting_invitation(locked, _step(locked))
    return locked


def application_meeting_held(*, application: Application, actor: User, notes: str) -> Application:
    """Step 2 done: staff record the meeting took place, with their (internal) notes."""
    return transition(
        obj=application,
        to=S.MEETING_HELD,
        actor=actor,
        transitions=TRANSITIONS,
        updates={"meeting_notes": notes},
        on_done=[_tell_applicant("meeting_held", page="networks:application_request")],
    )


# --- Step 3: the reasoned request -----------------------------------------------------------


def application_request_save(
    *,
    application: Application,
    actor: User,
    data: dict,
    motivation_letter: UploadedFile | None = None,
    statutes: UploadedFile | None = None,
) -> Application:
    """Save the reasoned request as a draft (only while the applicant may edit it).

    Each file given replaces the stored one (deleted once the transaction commits) and keeps
    its original name and upload time. With ``data`` empty only the files are saved: the form
    keeps valid uploads this way when its other fields have errors.
    """
    with transaction.atomic():
        locked = Application.objects.select_for_update().get(pk=application.pk)
        if not is_representative(actor, locked):
            raise DomainError(_("You are not allowed to do this."))
        if not locked.is_editable:
            raise DomainError(
                _("The request can no longer be changed: it is “%(status)s”.")
                % {"status": locked.get_status_display()}
            )
        fields = []
        for name in REQUEST_FIELDS:
            if name in data:
                setattr(locked, name, data[name])
                fields.append(name)
        old_files = []
        now = timezone.now()
        for name, upload in (("motivation_letter", motivation_letter), ("statutes", statutes)):
            if upload is not None:
                old = getattr(locked, name)
                if old:
                    old_files.append((old.storage, old.name))
                original = os.path.basename(upload.name or "")[:255]
                getattr(locked, name).save(upload.name, upload, save=False)
                setattr(locked, f"{name}_name", original)
                setattr(locked, f"{name}_uploaded_at", now)
                fields += [name, f"{name}_name", f"{name}_uploaded_at"]
        locked.save(update_fields=[*fields, "updated_at"])
        audit_record(
            obj=locked,
            actor=actor,
            action="request_save",
            data={"files": [n for n in ("motivation_letter", "statutes") if n in fields]},
        )

        def _delete_replaced():
            for storage, name in old_files:
                storage.delete(name)

        transaction.on_commit(_delete_replaced)
    application.refresh_from_db()
    return application


def application_request_submit(*, application: Application, actor: User) -> Application:
    """Step 3: the applicant sends the complete request (at least 14 days before the assembly)."""

    def _notify(app: Application) -> None:
        step = _step(app)
        _send(
            event="request_submitted",
            application=app,
            recipients=_representatives(app),
            step=step,
        )
        _send(
            event="request_board",
            application=app,
            recipients=_board_members(),
            step=step,
            page="networks:board_application",
        )
        _send_secretariat(event="request_board", application=app, step=step)

    return transition(
        obj=application,
        to=S.REQUEST_SUBMITTED,
        actor=actor,
        transitions=TRANSITIONS,
        updates={"submitted_at": timezone.now()},
        on_done=[_notify],
    )


# --- Step 4: the Board ----------------------------------------------------------------------


def application_review_start(*, application: Application, actor: User) -> Application:
    return transition(
        obj=application,
        to=S.UNDER_REVIEW,
        actor=actor,
        transitions=TRANSITIONS,
        on_done=[_tell_applicant("under_review")],
    )


@transaction.atomic
def application_criteria_record(
    *, application: Application, actor: User, findings: dict[str, tuple[str, str]]
) -> list[CriterionAssessment]:
    """Record the Board's finding (result, note) per Art. 6 criterion; internal, audited."""
    locked = Application.objects.select_for_update().get(pk=application.pk)
    if not is_board_member(actor, locked):
        raise DomainError(_("You are not allowed to do this."))
    if locked.status != S.UNDER_REVIEW:
        raise DomainError(_("Criteria are recorded while the Board reviews the request."))
    valid_results = set(CriterionAssessment.Result.values)
    rows = []
    for code, (result, note) in findings.items():
        if code not in Criterion.values or result not in valid_results:
            raise DomainError(_("Unknown criterion or result."))
        row, _created = CriterionAssessment.objects.update_or_create(
            application=locked,
            criterion=code,
            defaults={"result": result, "note": note, "assessed_by": actor},
        )
        rows.append(row)
    audit_record(
        obj=locked,
        actor=actor,
        action="criteria_record",
        data={code: result for code, (result, _note) in findings.items()},
    )
    return rows


def application_board_decide(
    *,
    application: Application,
    actor: User,
    decision: str,
    message: str = "",
    internal_note: str = "",
) -> Application:
    """Step 4 outcome: eligible (every criterion met), not eligible, or changes requested.

    ``message`` is what the applicant is told (required unless eligible); ``internal_note`` is
    kept for the Board only.
    """
    if decision not in BOARD_DECISIONS:
        raise DomainError(_("Unknown decision."))
    if not is_board_member(actor, application):
        raise DomainError(_("You are not allowed to do this."))
    if decision not in board_decisions_open(application=application, actor=actor):
        raise DomainError(
            _("The Board decides while it reviews the request; the application is “%(status)s”.")
            % {"status": application.get_status_display()}
        )
    if decision != S.ELIGIBLE and not message.strip():
        raise DomainError(
            _("Tell the applicant why it is not eligible.")
            if decision == S.NOT_ELIGIBLE
            else _("Tell the applicant what to change.")
        )

    def _keep_note(app: Application) -> None:
        if internal_note.strip():
            BoardNote.objects.create(application=app, author=actor, text=internal_note.strip())

    return transition(
        obj=application,
        to=decision,
        actor=actor,
        transitions=TRANSITIONS,
        comment=message.strip(),
        updates={"board_message": message.strip(), "decided_at": timezone.now()},
        on_done=[
            _keep_note,
            _tell_applicant(
                decision,
                page=(
                    "networks:application_request"
                    if decision == S.CHANGES_REQUESTED
                    else "networks:application_detail"
                ),
            ),
        ],
    )


@transaction.atomic
def board_note_add(*, application: Application, actor: User, text: str) -> BoardNote:
    if not (is_board_member(actor, application) or is_staff(actor, application)):
        raise DomainError(_("You are not allowed to do this."))
    return BoardNote.objects.create(application=application, author=actor, text=text.strip())


# --- Step 5: the General Assembly's agenda --------------------------------------------------


def application_agenda_place(
    *, application: Application, actor: User, assembly: GeneralAssembly
) -> Application:
    """Staff put an eligible application on an upcoming assembly; the applicant is told when.

    The assembly must come at least 14 days after the request reached the Board (the rule the
    applicant followed when submitting it); the refusal names the assemblies that qualify.
    """
    problem = assembly_placement_problem(
        application=application, assembly=assembly, today=brussels_date()
    )
    if problem:
        raise DomainError(problem)
    return transition(
        obj=application,
        to=S.ON_AGENDA,
        actor=actor,
        transitions=TRANSITIONS,
        updates={"assembly": assembly},
        data={"assembly": assembly.pk},
        on_done=[_tell_applicant("on_agenda", context={"assembly": assembly})],
    )


def application_agenda_remove(*, application: Application, actor: User) -> Application:
    """Take an application off an assembly's agenda (e.g. the assembly is postponed)."""
    return transition(
        obj=application,
        to=S.ELIGIBLE,
        actor=actor,
        transitions=TRANSITIONS,
        on_done=[_tell_applicant("agenda_removed")],
    )


# Why the portal puts an application back to eligible (the audit comment, in the site's language).
AGENDA_RETURN_REASONS = {
    "no_quorum": gettext_lazy(
        "The General Assembly “%(title)s” of %(date)s had no quorum on this application: it is "
        "eligible again, for a later assembly."
    ),
    "not_voted": gettext_lazy(
        "The General Assembly “%(title)s” of %(date)s closed without voting on this "
        "application: it is eligible again, for a later assembly."
    ),
}


def application_agenda_return(
    *, application: Application, assembly: GeneralAssembly, reason: str
) -> Application:
    """The assembly did not decide on the application: its vote had no quorum (``no_quorum``)
    or the session closed before it was voted on (``not_voted``). The portal (never a person)
    puts it back to eligible, audited with the reason, so that staff can place it on a later
    assembly; the applicant and the secretariat are told, each in their language."""
    if reason not in AGENDA_RETURN_REASONS:
        raise ValueError(f"Unknown reason: {reason}")
    with translation.override(settings.LANGUAGE_CODE):
        comment = AGENDA_RETURN_REASONS[reason] % {
            "title": assembly.title,
            "date": format_when(assembly.date, "date"),
        }
    context = {"assembly": assembly, "reason": reason}

    def _notify(app: Application) -> None:
        step = _step(app)
        _send(
            event="agenda_returned",
            application=app,
            recipients=_representatives(app),
            step=step,
            context=context,
        )
        _send_secretariat(
            event="agenda_returned_secretariat", application=app, step=step, context=context
        )

    return transition(
        obj=application,
        to=S.ELIGIBLE,
        actor=None,
        transitions=TRANSITIONS,
        comment=comment,
        data={"assembly": assembly.pk, "reason": reason},
        on_done=[_notify],
    )


def application_decide(
    *,
    application: Application,
    admitted: bool,
    assembly: GeneralAssembly,
    on: datetime.date | None = None,
) -> Application:
    """The General Assembly's vote (called by the system, never by a person).

    Admitted: the network becomes a member from the vote's date, its identity sheet becomes its
    public profile, its fee record for the year is created and a welcome email goes out.
    Rejected: the applicant is told.
    """
    voted_on = on or assembly.date

    def _admit(app: Application) -> None:
        network = Network.objects.select_for_update().get(pk=app.network_id)
        network.status = Network.Status.MEMBER
        network.member_since = voted_on
        for source, target in (
            ("legal_name", "legal_name"),
            ("legal_form", "legal_form"),
            ("registration_number", "registration_number"),
            ("head_office_address", "head_office_address"),
            ("head_office_country", "country"),
            ("wise_count", "wise_count"),
            ("website", "website"),
        ):
            value = getattr(app, source)
            if value not in (None, ""):
                setattr(network, target, value)
        if app.date_founded:
            network.year_founded = app.date_founded.year
        network.save()
        membership_fee_create(network=network, year=voted_on.year)

    on_done = [_admit] if admitted else []
    on_done.append(
        _tell_applicant("admitted" if admitted else "rejected", context={"assembly": assembly})
    )
    return transition(
        obj=application,
        to=S.ADMITTED if admitted else S.REJECTED,
        actor=None,
        transitions=TRANSITIONS,
        updates={"voted_on": voted_on, "assembly": assembly},
        data={"assembly": assembly.pk},
        on_done=on_done,
    )


# --- Withdrawal -----------------------------------------------------------------------------


def application_withdraw(*, application: Application, actor: User, reason: str = "") -> Application:
    def _notify(app: Application) -> None:
        step = _step(app)
        _send(event="withdrawn", application=app, recipients=_representatives(app), step=step)
        _send_secretariat(event="withdrawn_secretariat", application=app, step=step)

    return transition(
        obj=application,
        to=S.WITHDRAWN,
        actor=actor,
        transitions=TRANSITIONS,
        comment=reason,
        on_done=[_notify],
    )


# --- The member network's status ------------------------------------------------------------


def network_status_change(*, network: Network, to: str, actor: User, comment: str = "") -> Network:
    """Suspend a member network, reinstate it, or end its membership (staff; audited)."""
    return transition(
        obj=network, to=to, actor=actor, transitions=NETWORK_TRANSITIONS, comment=comment
    )


# --- Fees -----------------------------------------------------------------------------------


def membership_fee_create(*, network: Network, year: int) -> MembershipFee:
    """The network's fee record for ``year`` (created once), priced by that year's schedule."""
    existing = MembershipFee.objects.filter(network=network, year=year).first()
    if existing is not None:
        return existing
    amount: Decimal | None = None
    schedule = FeeSchedule.objects.for_year(year)
    if schedule is not None:
        amount = fee_quote(
            schedule=schedule, country=network.country.code, wise_count=network.wise_count
        ).amount
    try:
        with transaction.atomic():
            return MembershipFee.objects.create(network=network, year=year, amount_due=amount)
    except IntegrityError:
        return MembershipFee.objects.get(network=network, year=year)


@transaction.atomic
def fee_schedule_copy(*, year: int, actor: User) -> FeeSchedule:
    """Staff give ``year`` the schedule in force before it (the latest earlier year's): its
    country groups, bands and amounts are copied into a new schedule for ``year``; audited."""
    if not is_staff(actor, None):
        raise DomainError(_("You are not allowed to do this."))
    source = FeeSchedule.objects.for_year(year - 1)
    if source is None:
        raise DomainError(
            _("There is no earlier fee schedule to copy: create the %(year)s schedule.")
            % {"year": year}
        )
    try:
        with transaction.atomic():
            copy = FeeSchedule.objects.create(
                year=year, is_example=source.is_example, notes=source.notes
            )
    except IntegrityError:  # another member of staff gave the year its schedule meanwhile
        return FeeSchedule.objects.get(year=year)
    groups = {}
    for group in source.groups.all():
        groups[group.pk] = CountryGroup.objects.create(
            schedule=copy,
            name=group.name,
            countries=group.countries,
            is_default=group.is_default,
            position=group.position,
        )
    for band in source.bands.prefetch_related("amounts"):
        new_band = FeeBand.objects.create(
            schedule=copy, min_wises=band.min_wises, max_wises=band.max_wises
        )
        FeeAmount.objects.bulk_create(
            FeeAmount(band=new_band, group=groups[amount.group_id], amount=amount.amount)
            for amount in band.amounts.all()
        )
    audit_record(obj=copy, actor=actor, action="fee_schedule_copy", data={"from_year": source.year})
    return copy


@transaction.atomic
def membership_fees_create_for_year(*, year: int, actor: User, copy_previous: bool = False) -> int:
    """Staff open the year: a fee record for every member network that has none; returns how
    many were created.

    The year needs its own fee schedule: without one, staff either create it (admin) or ask
    explicitly (``copy_previous``, after a confirmation page) to copy the last year's.
    """
    if not is_staff(actor, None):
        raise DomainError(_("You are not allowed to do this."))
    if not FeeSchedule.objects.filter(year=year).exists():
        if not copy_previous:
            raise DomainError(
                _(
                    "No fee schedule exists for %(year)s: create it, or copy the last one, "
                    "before creating the fee records."
                )
                % {"year": year}
            )
        fee_schedule_copy(year=year, actor=actor)
    members = Network.objects.filter(status=Network.Status.MEMBER).exclude(fees__year=year)
    created = 0
    for network in members:
        membership_fee_create(network=network, year=year)
        created += 1
    return created


@transaction.atomic
def membership_fee_mark_paid(
    *, fee: MembershipFee, actor: User, paid_on: datetime.date | None = None
) -> MembershipFee:
    """Staff record the payment (this gives the network its vote, Art. 15)."""
    if not may_record_fee_payments(actor):
        raise DomainError(_("You are not allowed to do this."))
    locked = MembershipFee.objects.select_for_update().get(pk=fee.pk)
    if locked.paid_on is not None:
        raise DomainError(
            _("This fee was already marked paid on %(date)s.")
            % {"date": format_when(locked.paid_on, "short_date")}
        )
    locked.paid_on = paid_on or timezone.localdate()
    locked.save(update_fields=["paid_on", "updated_at"])
    audit_record(obj=locked, actor=actor, action="fee_paid", data={"paid_on": str(locked.paid_on)})
    return locked


@transaction.atomic
def membership_fee_mark_unpaid(*, fee: MembershipFee, actor: User) -> MembershipFee:
    """Staff take back a payment recorded by mistake (the network loses its vote, Art. 15).

    Audited like the payment itself, with the date that was recorded.
    """
    if not may_record_fee_payments(actor):
        raise DomainError(_("You are not allowed to do this."))
    locked = MembershipFee.objects.select_for_update().get(pk=fee.pk)
    if locked.paid_on is None:
        raise DomainError(_("This fee is not marked paid."))
    was_paid_on = locked.paid_on
    locked.paid_on = None
    locked.save(update_fields=["paid_on", "updated_at"])
    audit_record(obj=locked, actor=actor, action="fee_unpaid", data={"paid_on": str(was_paid_on)})
    return locked
