"""Every write of the General Assembly: agenda, convocation, attendance, votes and outcomes.

Two tables, read by :func:`ensie_portal.core.workflow.transition` (locked, checked, audited):
``ASSEMBLY_TRANSITIONS`` for the assembly (planned -> convened -> in session -> closed) and
``ITEM_TRANSITIONS`` for the vote on each agenda item (not open -> open -> closed). The outcome
comes from the pure rules of :mod:`assemblies.voting`; an adhesion item's outcome moves the
application through the adhesion table (``networks.transitions.TRANSITIONS``, moves only the
portal makes): :func:`application_decide`, or :func:`application_agenda_return` when the
assembly did not decide (no quorum, or the session closed before the vote).
"""

import datetime
import hashlib
import json
from fractions import Fraction

from django.conf import settings
from django.db import transaction
from django.db.models import Max
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ensie_portal.accounts import roles
from ensie_portal.accounts.models import User
from ensie_portal.core.errors import DomainError
from ensie_portal.core.i18n import absolute_url, brussels_date, format_when
from ensie_portal.core.workflow import Rule, audit_record, transition
from ensie_portal.outbox.services import mail_queue
from networks import mails as application_mails
from networks.fees.services import membership_fee_create
from networks.models import Application, Network
from networks.transitions import TRANSITIONS as APPLICATION_TRANSITIONS

from . import voting
from .models import (
    AgendaItem,
    Attendance,
    Choice,
    Convocation,
    GeneralAssembly,
    Majority,
    Outcome,
    Vote,
)
from .selectors import (
    agenda_as_it_stands,
    agenda_change,
    agenda_snapshot,
    agenda_sync_plan,
    agenda_update_allowed,
    applications_on_agenda,
    convocation_is_late,
    eligible_networks,
    network_may_vote,
    one_month_before,
    representatives_of_members,
    session_open_problem,
)

AssemblyStatus = GeneralAssembly.Status
ApplicationStatus = Application.Status
VoteState = AgendaItem.VoteState


# --- Who may do what ------------------------------------------------------------------------


def is_chair(actor, obj) -> bool:
    """The chair of the assembly (``obj`` is the assembly or one of its agenda items), while
    still a Board member or staff."""
    assembly = obj.assembly if isinstance(obj, AgendaItem) else obj
    return (
        actor is not None
        and actor.is_authenticated
        and assembly.chair_id == actor.pk
        and roles.may_chair(actor)
    )


# --- Conditions -----------------------------------------------------------------------------


def _has_chair(assembly: GeneralAssembly) -> str | None:
    if assembly.chair_id is None:
        return _("Name the chair of the assembly before convening it.")
    if not roles.may_chair(assembly.chair):
        return _("The chair must be a Board member or staff: name another chair first.")
    return None


def _opens_on_the_day(assembly: GeneralAssembly) -> str | None:
    return session_open_problem(assembly=assembly, today=brussels_date())


def _no_open_vote(assembly: GeneralAssembly) -> str | None:
    if assembly.agenda_items.filter(vote_state=VoteState.OPEN).exists():
        return _("Close every open vote before closing the session.")
    return None


def _vote_may_open(item: AgendaItem) -> str | None:
    if item.assembly.status != AssemblyStatus.IN_SESSION:
        return _("Votes are opened while the assembly is in session.")
    if item.kind == AgendaItem.Kind.ADHESION and not (
        item.application.status == Application.Status.ON_AGENDA
        and item.application.assembly_id == item.assembly_id
    ):
        return _("This application is no longer on the agenda of this assembly.")
    return None


# --- The tables -----------------------------------------------------------------------------

ASSEMBLY_TRANSITIONS = {
    (AssemblyStatus.PLANNED, AssemblyStatus.CONVENED): Rule(
        who=roles.is_staff, action="assembly_convene", check=_has_chair
    ),
    (AssemblyStatus.CONVENED, AssemblyStatus.IN_SESSION): Rule(
        who=is_chair, action="session_open", check=_opens_on_the_day
    ),
    (AssemblyStatus.IN_SESSION, AssemblyStatus.CLOSED): Rule(
        who=is_chair, action="session_close", check=_no_open_vote
    ),
}

ITEM_TRANSITIONS = {
    (VoteState.NOT_OPEN, VoteState.OPEN): Rule(
        who=is_chair, action="vote_open", check=_vote_may_open
    ),
    (VoteState.OPEN, VoteState.CLOSED): Rule(who=is_chair, action="vote_close"),
}


# --- The agenda -----------------------------------------------------------------------------


def _next_position(assembly: GeneralAssembly) -> int:
    return (assembly.agenda_items.aggregate(top=Max("position"))["top"] or 0) + 1


@transaction.atomic
def agenda_sync(*, assembly: GeneralAssembly) -> list[AgendaItem]:
    """Put on the agenda every application placed on ``assembly``; drop those taken off it.

    Adhesion items whose vote has opened are never dropped (they are part of the record).
    """
    GeneralAssembly.objects.select_for_update().get(pk=assembly.pk)
    plan = agenda_sync_plan(assembly=assembly)
    AgendaItem.objects.filter(pk__in=[item.pk for item in plan.dropped]).delete()
    for position, item in enumerate(plan.added, start=_next_position(assembly)):
        item.position = position
        item.save(force_insert=True)
    return plan.added


def _staff_may_edit_agenda(assembly: GeneralAssembly, actor: User) -> None:
    if not roles.is_staff(actor):
        raise DomainError(_("You are not allowed to do this."))
    if assembly.status == AssemblyStatus.CLOSED:
        raise DomainError(_("The assembly is closed: its agenda can no longer change."))


@transaction.atomic
def agenda_motion_add(
    *,
    assembly: GeneralAssembly,
    actor: User,
    title: str,
    description: str = "",
    majority: str = Majority.SIMPLE,
    language: str = "en",
) -> AgendaItem:
    """Staff add a motion (an exclusion, the budget...) to the agenda, written in ``language``."""
    locked = GeneralAssembly.objects.select_for_update().get(pk=assembly.pk)
    _staff_may_edit_agenda(locked, actor)
    if majority not in Majority.values:
        raise DomainError(_("Unknown majority."))
    if language not in dict(settings.LANGUAGES):
        raise DomainError(_("Unknown language."))
    item = AgendaItem.objects.create(
        assembly=locked,
        kind=AgendaItem.Kind.MOTION,
        title=title.strip(),
        description=description.strip(),
        language=language,
        majority=majority,
        position=_next_position(locked),
    )
    audit_record(obj=locked, actor=actor, action="motion_add", data={"item": item.pk})
    return item


@transaction.atomic
def agenda_item_majority_set(*, item: AgendaItem, actor: User, majority: str) -> AgendaItem:
    """Staff choose the majority an item needs, until its vote opens."""
    locked = AgendaItem.objects.select_for_update().select_related("assembly").get(pk=item.pk)
    _staff_may_edit_agenda(locked.assembly, actor)
    if majority not in Majority.values:
        raise DomainError(_("Unknown majority."))
    if locked.vote_state != VoteState.NOT_OPEN:
        raise DomainError(_("The majority cannot change once the vote has opened."))
    locked.majority = majority
    locked.save(update_fields=["majority", "updated_at"])
    audit_record(obj=locked, actor=actor, action="majority_set", data={"majority": majority})
    return locked


@transaction.atomic
def agenda_motion_delete(*, item: AgendaItem, actor: User) -> None:
    """Staff remove a motion whose vote has not opened."""
    locked = AgendaItem.objects.select_for_update().select_related("assembly").get(pk=item.pk)
    _staff_may_edit_agenda(locked.assembly, actor)
    if locked.kind != AgendaItem.Kind.MOTION or locked.vote_state != VoteState.NOT_OPEN:
        raise DomainError(_("Only a motion whose vote has not opened can be removed."))
    audit_record(
        obj=locked.assembly, actor=actor, action="motion_delete", data={"title": locked.title}
    )
    locked.delete()


# --- Convocation ----------------------------------------------------------------------------


def _convocation_recipients() -> tuple[dict[int, User], dict[int, list[Network]]]:
    """The representatives of every member network (once each) and the networks of each."""
    networks_of: dict[int, list[Network]] = {}
    users: dict[int, User] = {}
    for link in representatives_of_members().order_by("user_id", "network__legal_name"):
        users[link.user_id] = link.user
        networks_of.setdefault(link.user_id, []).append(link.network)
    return users, networks_of


def _send_convocation(assembly: GeneralAssembly, convocation: Convocation) -> int:
    """Queue the convocation to each representative of a member network, in their language."""
    items = list(assembly.agenda_items.select_related("application__network"))
    convocation.agenda = agenda_snapshot(items)
    return _mail_members(
        assembly,
        key=f"networks:assembly:{assembly.pk}:convocation:{convocation.pk}",
        template="assemblies_convocation",
        context={"items": items},
    )


def _mail_members(assembly: GeneralAssembly, *, key: str, template: str, context: dict) -> int:
    """Queue ``template`` to each representative of a member network, in their language.

    ``key`` (with the recipient added) makes each email go out once. Returns the recipients.
    """
    users, networks_of = _convocation_recipients()
    for user in users.values():
        language = user.preferred_language or settings.LANGUAGE_CODE
        mail_queue(
            key=f"{key}:{user.pk}",
            to=user.email,
            template=template,
            context={
                **context,
                "assembly": assembly,
                "recipient": user,
                "networks": networks_of[user.pk],
                "url": absolute_url("assemblies:assembly_detail", language, pk=assembly.pk),
            },
            language=language,
            related=assembly,
        )
    return len(users)


def assembly_convene(
    *,
    assembly: GeneralAssembly,
    actor: User,
    confirm_late: bool = False,
    confirm_empty_agenda: bool = False,
) -> GeneralAssembly:
    """Staff send the convocation, with the agenda, to the representatives of every member.

    The statutes want it at least one month ahead: later than that, staff must confirm
    explicitly (``confirm_late``), and the convocation is recorded as late. A convocation with
    an empty agenda (no application placed on the assembly, no motion) needs its own explicit
    confirmation (``confirm_empty_agenda``), recorded in the audit.
    """
    today = timezone.localdate()
    if assembly.date < today:
        raise DomainError(_("This assembly's date has passed."))
    late = convocation_is_late(assembly=assembly, today=today)
    if late and not confirm_late:
        raise DomainError(
            _(
                "The convocation should reach members at least one month ahead (by %(date)s). "
                "Confirm that you want to send it less than one month before the assembly."
            )
            % {"date": format_when(one_month_before(assembly.date), "date")}
        )
    days_before = (assembly.date - today).days
    empty = not agenda_as_it_stands(assembly=assembly)

    def _send(locked: GeneralAssembly) -> None:
        agenda_sync(assembly=locked)
        if not confirm_empty_agenda and not locked.agenda_items.exists():
            raise DomainError(EMPTY_AGENDA)
        convocation = Convocation.objects.create(assembly=locked, sent_by=actor, late=late)
        convocation.recipients = _send_convocation(locked, convocation)
        convocation.save(update_fields=["recipients", "agenda"])

    return transition(
        obj=assembly,
        to=AssemblyStatus.CONVENED,
        actor=actor,
        transitions=ASSEMBLY_TRANSITIONS,
        comment=_("Sent less than one month ahead, confirmed.") if late else "",
        data={"late": late, "days_before": days_before, "empty_agenda": empty},
        on_done=[_send],
    )


EMPTY_AGENDA = gettext_lazy(
    "The agenda is empty: no application is placed on this assembly and no motion has been "
    "added. Add to the agenda first, or confirm that you want to send a convocation with an "
    "empty agenda."
)


def _agenda_digest(agenda: list[dict]) -> str:
    return hashlib.sha256(json.dumps(agenda, sort_keys=True).encode()).hexdigest()[:16]


@transaction.atomic
def assembly_agenda_update_send(*, assembly: GeneralAssembly, actor: User) -> Convocation:
    """The chair or staff send the agenda again because it changed since it was last sent.

    The agenda is first brought up to date (applications placed on the assembly or taken off
    it); the updated agenda then goes to the convocation's recipients (the representatives of
    every member network), each in their language, saying what was added and removed. Once per
    agenda version: with the agenda as last sent, nothing is sent.
    """
    locked = GeneralAssembly.objects.select_for_update().get(pk=assembly.pk)
    if not (roles.is_staff(actor) or is_chair(actor, locked)):
        raise DomainError(_("You are not allowed to do this."))
    if not agenda_update_allowed(locked):
        raise DomainError(
            _("The updated agenda is sent after the convocation and before the assembly closes.")
        )
    agenda_sync(assembly=locked)
    change = agenda_change(assembly=locked)
    if change.last_sent is None:
        raise DomainError(_("Send the convocation first."))
    if not change.changed:
        raise DomainError(_("The members already have this agenda: it has not changed since."))
    agenda = agenda_snapshot(change.items)
    update = Convocation.objects.create(
        assembly=locked, sent_by=actor, kind=Convocation.Kind.AGENDA_UPDATE, agenda=agenda
    )
    version = f"{change.last_sent.pk}-{_agenda_digest(agenda)}"
    update.recipients = _mail_members(
        locked,
        key=f"networks:assembly:{locked.pk}:agenda-update:{version}",
        template="assemblies_agenda_update",
        context={"items": change.items, "added": change.added, "removed": change.removed},
    )
    update.save(update_fields=["recipients"])
    audit_record(
        obj=locked,
        actor=actor,
        action="agenda_update_send",
        data={
            "convocation": update.pk,
            "added": [entry["key"] for entry in change.added],
            "removed": [entry["key"] for entry in change.removed],
        },
    )
    return update


# --- The session ----------------------------------------------------------------------------


@transaction.atomic
def assembly_session_override(
    *, assembly: GeneralAssembly, actor: User, reason: str
) -> GeneralAssembly:
    """Staff allow the chair to open the session on another day than the assembly's date (the
    meeting was moved at short notice...). The reason is required, stored with who and when,
    audited, and shown on the staff page and the chair's screen."""
    if not roles.is_staff(actor):
        raise DomainError(_("You are not allowed to do this."))
    reason = reason.strip()
    if not reason:
        raise DomainError(_("Give the reason for opening the session on another day."))
    locked = GeneralAssembly.objects.select_for_update().get(pk=assembly.pk)
    if locked.status not in (AssemblyStatus.PLANNED, AssemblyStatus.CONVENED):
        raise DomainError(_("The session has already been opened."))
    locked.session_override_reason = reason
    locked.session_override_by = actor
    locked.session_override_at = timezone.now()
    locked.save(
        update_fields=[
            "session_override_reason",
            "session_override_by",
            "session_override_at",
            "updated_at",
        ]
    )
    audit_record(obj=locked, actor=actor, action="session_override", comment=reason)
    for name in ("session_override_reason", "session_override_by_id", "session_override_at"):
        setattr(assembly, name, getattr(locked, name))
    return assembly


def assembly_session_open(*, assembly: GeneralAssembly, actor: User) -> GeneralAssembly:
    """The chair opens the session, on the assembly's day (Brussels time) unless staff allowed
    another day with a reason (recorded with the opening)."""
    today = brussels_date()
    data = {"opened_on": today.isoformat()}
    if assembly.date != today:
        data["override"] = assembly.session_override_reason
    return transition(
        obj=assembly,
        to=AssemblyStatus.IN_SESSION,
        actor=actor,
        transitions=ASSEMBLY_TRANSITIONS,
        data=data,
        on_done=[lambda locked: agenda_sync(assembly=locked)],
    )


def assembly_session_close(*, assembly: GeneralAssembly, actor: User) -> GeneralAssembly:
    """The chair closes the session (after a confirmation page listing the items never voted).

    Every application still on this assembly's agenda was never voted on: it goes back to
    eligible for a later assembly, and its applicant and the secretariat are told. Motions never
    voted stay on the record as "vote not open".
    """

    def _return_undecided(locked: GeneralAssembly) -> None:
        for application in applications_on_agenda(assembly=locked):
            application_agenda_return(application=application, assembly=locked, reason="not_voted")

    return transition(
        obj=assembly,
        to=AssemblyStatus.CLOSED,
        actor=actor,
        transitions=ASSEMBLY_TRANSITIONS,
        on_done=[_return_undecided],
    )


# --- Attendance -----------------------------------------------------------------------------


def _in_session(assembly: GeneralAssembly) -> None:
    if assembly.status != AssemblyStatus.IN_SESSION:
        raise DomainError(_("Attendance is recorded while the assembly is in session."))


@transaction.atomic
def attendance_record(
    *, assembly: GeneralAssembly, actor: User, present: set[int]
) -> list[Attendance]:
    """The chair marks which member networks are present (``present``: their primary keys)."""
    locked = GeneralAssembly.objects.select_for_update().get(pk=assembly.pk)
    if not is_chair(actor, locked):
        raise DomainError(_("You are not allowed to do this."))
    _in_session(locked)
    members = set(
        Network.objects.filter(status=Network.Status.MEMBER, pk__in=present).values_list(
            "pk", flat=True
        )
    )
    if members != set(present):
        raise DomainError(_("Only member networks attend the assembly."))
    before = set(Attendance.objects.filter(assembly=locked).values_list("network_id", flat=True))
    Attendance.objects.filter(assembly=locked).exclude(network__in=members).delete()
    Attendance.objects.bulk_create(
        [
            Attendance(assembly=locked, network_id=pk, recorded_by=actor)
            for pk in sorted(members - before)
        ],
        ignore_conflicts=True,
    )
    audit_record(
        obj=locked,
        actor=actor,
        action="attendance_record",
        data={"arrived": sorted(members - before), "left": sorted(before - members)},
    )
    return list(Attendance.objects.filter(assembly=locked))


@transaction.atomic
def attendance_check_in(*, assembly: GeneralAssembly, network: Network, actor: User) -> Attendance:
    """A representative checks their member network in (while the assembly is in session)."""
    if not roles.represents_network(actor, network.pk):
        raise DomainError(_("You are not allowed to do this."))
    if network.status != Network.Status.MEMBER:
        raise DomainError(_("Only member networks attend the assembly."))
    locked = GeneralAssembly.objects.select_for_update().get(pk=assembly.pk)
    _in_session(locked)
    attendance, created = Attendance.objects.get_or_create(
        assembly=locked,
        network=network,
        defaults={"recorded_by": actor, "self_checked_in": True},
    )
    if created:
        audit_record(obj=locked, actor=actor, action="check_in", data={"network": network.pk})
    return attendance


# --- What the assembly's outcome does to an application ---------------------------------------
# The adhesion table (networks/transitions.py) lets only the portal (system_only) make these
# moves: the application is decided by the vote, or sent back to eligible when the assembly did
# not decide.


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
        step = application_mails.step_of(app)
        application_mails.send(
            event="agenda_returned",
            application=app,
            recipients=application_mails.representatives(app),
            step=step,
            context=context,
        )
        application_mails.send_secretariat(
            event="agenda_returned_secretariat", application=app, step=step, context=context
        )

    return transition(
        obj=application,
        to=ApplicationStatus.ELIGIBLE,
        actor=None,
        transitions=APPLICATION_TRANSITIONS,
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
        application_mails.tell_applicant(
            "admitted" if admitted else "rejected", context={"assembly": assembly}
        )
    )
    return transition(
        obj=application,
        to=ApplicationStatus.ADMITTED if admitted else ApplicationStatus.REJECTED,
        actor=None,
        transitions=APPLICATION_TRANSITIONS,
        updates={"voted_on": voted_on, "assembly": assembly},
        data={"assembly": assembly.pk},
        on_done=on_done,
    )


# --- Votes ----------------------------------------------------------------------------------

REFUSALS = {
    "not_member": gettext_lazy("Only member networks vote."),
    "absent": gettext_lazy("Your network is not recorded as present: check in first."),
    "unpaid": gettext_lazy(
        "Only members that have paid their annual fee vote (Art. 15); the fee of your network "
        "for this year is not recorded as paid."
    ),
}


def assembly_vote_cast(*, item: AgendaItem, network: Network, actor: User, choice: str) -> Vote:
    """A representative casts (or changes) their network's vote while the vote is open.

    The item row is locked for the duration, so a vote never lands after the close; the row is
    written by one INSERT ... ON CONFLICT DO UPDATE on (item, network): however many requests
    arrive, the network has one vote.
    """
    if choice not in Choice.values:
        raise DomainError(_("Choose yes, no or abstain."))
    if not roles.represents_network(actor, network.pk):
        raise DomainError(_("You are not allowed to do this."))
    # Presence and fee are checked before taking the lock (the close counts only the ballots of
    # networks still present and paid), so concurrent casts hold the item's lock briefly.
    refusal = network_may_vote(assembly=item.assembly, network=network)
    if refusal:
        raise DomainError(REFUSALS[refusal])
    with transaction.atomic():
        locked = (
            AgendaItem.objects.select_for_update(of=("self",))
            .select_related("assembly")
            .get(pk=item.pk)
        )
        if (
            locked.vote_state != VoteState.OPEN
            or locked.assembly.status != AssemblyStatus.IN_SESSION
        ):
            raise DomainError(_("The vote on this item is not open."))
        Vote.objects.bulk_create(
            [
                Vote(
                    item=locked,
                    network=network,
                    choice=choice,
                    cast_by=actor,
                    cast_at=timezone.now(),
                )
            ],
            update_conflicts=True,
            unique_fields=["item", "network"],
            update_fields=["choice", "cast_by", "cast_at"],
        )
        audit_record(
            obj=locked,
            actor=actor,
            action="vote_cast",
            data={"network": network.pk, "choice": choice},
        )
    return Vote.objects.get(item=item, network=network)


def assembly_vote_open(*, item: AgendaItem, actor: User) -> AgendaItem:
    return transition(
        obj=item,
        to=VoteState.OPEN,
        actor=actor,
        transitions=ITEM_TRANSITIONS,
        state_field="vote_state",
        updates={"opened_at": timezone.now()},
    )


def item_tally(item: AgendaItem) -> voting.Result:
    """The result of ``item``'s vote now: ballots of the present networks that paid their fee."""
    assembly = item.assembly
    eligible = list(eligible_networks(assembly=assembly))
    voters = {n.pk: n for n in eligible if n.present}
    ballots = [
        voting.Ballot(network=str(pk), country=voters[pk].country.code, choice=choice)
        for pk, choice in item.votes.values_list("network_id", "choice")
        if pk in voters
    ]
    return voting.tally(
        ballots,
        eligible_countries={n.country.code for n in eligible},
        present_countries={n.country.code for n in voters.values()},
        quorum_share=Fraction(str(assembly.quorum_share)),
        rule=item.majority,
    )


def _record_outcome(item: AgendaItem, today: datetime.date) -> None:
    result = item_tally(item)
    item.outcome = result.outcome
    item.quorum_met = result.quorum_met
    item.eligible_countries = result.eligible_countries
    item.present_countries = result.present_countries
    item.totals = result.totals
    item.network_totals = result.network_totals
    item.country_breakdown = result.country_votes
    item.save(
        update_fields=[
            "outcome",
            "quorum_met",
            "eligible_countries",
            "present_countries",
            "totals",
            "network_totals",
            "country_breakdown",
            "updated_at",
        ]
    )
    if item.kind != AgendaItem.Kind.ADHESION:
        return
    if result.outcome == Outcome.NO_QUORUM:
        # The assembly could not decide: eligible again, for a later assembly; both told.
        application_agenda_return(
            application=item.application, assembly=item.assembly, reason="no_quorum"
        )
    else:
        # Admitted: member from the day the vote closes, fee record for the year, welcome
        # email. Rejected: the applicant is told.
        application_decide(
            application=item.application,
            admitted=result.outcome == Outcome.ADOPTED,
            assembly=item.assembly,
            on=today,
        )


def assembly_vote_close(*, item: AgendaItem, actor: User) -> AgendaItem:
    """The chair closes the vote: the outcome is counted, recorded, and acted upon (an admitted
    network is a member from this day, in Brussels)."""
    today = brussels_date()
    return transition(
        obj=item,
        to=VoteState.CLOSED,
        actor=actor,
        transitions=ITEM_TRANSITIONS,
        state_field="vote_state",
        updates={"closed_at": timezone.now()},
        on_done=[lambda locked: _record_outcome(locked, today)],
    )
