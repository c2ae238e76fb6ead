"""Every write of the adhesion workflow: interest, the institutional meeting, the reasoned
request, the Board's review and decision, placing on an assembly's agenda, withdrawal, and the
member network's status. Each state change goes through ``core.workflow.transition`` under the
tables of :mod:`networks.transitions` and queues its emails (:mod:`networks.mails`). The fees'
writes: :mod:`networks.fees.services`; what the assembly's vote does: :mod:`assemblies.services`.
"""

import datetime
import os

from allauth.account.models import EmailAddress
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from assemblies.models import GeneralAssembly
from assemblies.selectors import assembly_placement_problem
from ensie_portal.accounts import roles
from ensie_portal.accounts.models import User
from ensie_portal.core.errors import DomainError
from ensie_portal.core.i18n import brussels_date
from ensie_portal.core.workflow import audit_record, transition

from . import mails
from .models import Application, BoardNote, Criterion, CriterionAssessment, Network, Representative
from .transitions import (
    BOARD_DECISIONS,
    NETWORK_TRANSITIONS,
    REASONED_REQUEST_FIELDS,
    TRANSITIONS,
    board_decisions_open,
)

Status = Application.Status


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
        contact_email=email, network__legal_name=organisation, status=Status.INTEREST
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
    audit_record(obj=application, actor=None, action="interest", to_state=Status.INTEREST)
    mails.interest_acknowledge(
        application=application, contact=user, new_account=new_account, language=language
    )
    return application


# --- Step 2: the institutional meeting ------------------------------------------------------


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
    if application.status != Status.MEETING_SCHEDULED:
        return transition(
            obj=application,
            to=Status.MEETING_SCHEDULED,
            actor=actor,
            transitions=TRANSITIONS,
            updates=updates,
            on_done=[lambda app: mails.meeting_invitation_send(app, mails.step_of(app))],
        )
    if not roles.is_staff(actor):
        raise DomainError(_("You are not allowed to do this."))
    with transaction.atomic():
        locked = Application.objects.select_for_update().get(pk=application.pk)
        if locked.status != Status.MEETING_SCHEDULED:
            raise DomainError(_("The meeting can no longer be moved."))
        for name, value in updates.items():
            setattr(locked, name, value)
        locked.meeting_sequence += 1
        locked.save(update_fields=[*updates, "meeting_sequence", "updated_at"])
        audit_record(obj=locked, actor=actor, action="meeting_reschedule")
        mails.meeting_invitation_send(locked, mails.step_of(locked))
    return locked


def application_meeting_held(*, application: Application, actor: User, notes: str) -> Application:
    """Step 2 done: staff record the meeting took place, with their (internal) notes."""
    return transition(
        obj=application,
        to=Status.MEETING_HELD,
        actor=actor,
        transitions=TRANSITIONS,
        updates={"meeting_notes": notes},
        on_done=[mails.tell_applicant("meeting_held", page="networks:reasoned_request")],
    )


# --- Step 3: the reasoned request -----------------------------------------------------------


def reasoned_request_save(
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
        if not roles.represents_applicant(actor, locked):
            raise DomainError(_("You are not allowed to do this."))
        if not locked.is_editable:
            raise DomainError(
                _("The request can no longer be changed: it is “%(status)s”.")
                % {"status": locked.get_status_display()}
            )
        fields = []
        for name in REASONED_REQUEST_FIELDS:
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


def reasoned_request_submit(*, application: Application, actor: User) -> Application:
    """Step 3: the applicant sends the complete request (at least 14 days before the assembly)."""

    def _notify(app: Application) -> None:
        step = mails.step_of(app)
        mails.send(
            event="request_submitted",
            application=app,
            recipients=mails.representatives(app),
            step=step,
        )
        mails.send(
            event="request_board",
            application=app,
            recipients=list(roles.board_members().order_by("pk")),
            step=step,
            page="networks:board_application",
        )
        mails.send_secretariat(event="request_board", application=app, step=step)

    return transition(
        obj=application,
        to=Status.REQUEST_SUBMITTED,
        actor=actor,
        transitions=TRANSITIONS,
        updates={"submitted_at": timezone.now()},
        on_done=[_notify],
    )


# --- Step 4: the Board ----------------------------------------------------------------------


def application_review_start(*, application: Application, actor: User) -> Application:
    return transition(
        obj=application,
        to=Status.UNDER_REVIEW,
        actor=actor,
        transitions=TRANSITIONS,
        on_done=[mails.tell_applicant("under_review")],
    )


@transaction.atomic
def application_criteria_record(
    *, application: Application, actor: User, findings: dict[str, tuple[str, str]]
) -> list[CriterionAssessment]:
    """Record the Board's finding (result, note) per Art. 6 criterion; internal, audited."""
    locked = Application.objects.select_for_update().get(pk=application.pk)
    if not roles.is_board_member(actor):
        raise DomainError(_("You are not allowed to do this."))
    if locked.status != Status.UNDER_REVIEW:
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
    if not roles.is_board_member(actor):
        raise DomainError(_("You are not allowed to do this."))
    if decision not in board_decisions_open(application=application, actor=actor):
        raise DomainError(
            _("The Board decides while it reviews the request; the application is “%(status)s”.")
            % {"status": application.get_status_display()}
        )
    if decision != Status.ELIGIBLE and not message.strip():
        raise DomainError(
            _("Tell the applicant why it is not eligible.")
            if decision == Status.NOT_ELIGIBLE
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
            mails.tell_applicant(
                decision,
                page=(
                    "networks:reasoned_request"
                    if decision == Status.CHANGES_REQUESTED
                    else "networks:application_detail"
                ),
            ),
        ],
    )


@transaction.atomic
def board_note_add(*, application: Application, actor: User, text: str) -> BoardNote:
    if not roles.is_board_or_staff(actor):
        raise DomainError(_("You are not allowed to do this."))
    return BoardNote.objects.create(application=application, author=actor, text=text.strip())


# --- Step 5: on a General Assembly's agenda ------------------------------------------------


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
        to=Status.ON_AGENDA,
        actor=actor,
        transitions=TRANSITIONS,
        updates={"assembly": assembly},
        data={"assembly": assembly.pk},
        on_done=[mails.tell_applicant("on_agenda", context={"assembly": assembly})],
    )


def application_agenda_remove(*, application: Application, actor: User) -> Application:
    """Take an application off an assembly's agenda (e.g. the assembly is postponed)."""
    return transition(
        obj=application,
        to=Status.ELIGIBLE,
        actor=actor,
        transitions=TRANSITIONS,
        on_done=[mails.tell_applicant("agenda_removed")],
    )


# --- Withdrawal -----------------------------------------------------------------------------


def application_withdraw(*, application: Application, actor: User, reason: str = "") -> Application:
    def _notify(app: Application) -> None:
        step = mails.step_of(app)
        mails.send(
            event="withdrawn", application=app, recipients=mails.representatives(app), step=step
        )
        mails.send_secretariat(event="withdrawn_secretariat", application=app, step=step)

    return transition(
        obj=application,
        to=Status.WITHDRAWN,
        actor=actor,
        transitions=TRANSITIONS,
        comment=reason,
        on_done=[_notify],
    )


# --- The member network's status ------------------------------------------------------------


def network_status_change(
    *, network: Network, to: str, actor: User, comment: str = "", member_since=None
) -> Network:
    """Suspend a member network, reinstate it, or end its membership (staff; audited); or
    record a network admitted before the portal as a member since ``member_since`` (only then
    is a date given, and only for a network not yet a member)."""
    with transaction.atomic():
        locked = Network.objects.select_for_update().get(pk=network.pk)
        recording = locked.status == Network.Status.APPLICANT
        if recording and member_since is None:
            raise DomainError(_("Not a member yet: record it with the day it was admitted."))
        if member_since is not None and not recording:
            raise DomainError(_("A member already (or once): there is no admission to record."))
        return transition(
            obj=locked,
            to=to,
            actor=actor,
            transitions=NETWORK_TRANSITIONS,
            comment=comment,
            updates={"member_since": member_since} if recording else None,
            data={"member_since": member_since.isoformat()} if recording else None,
        )
