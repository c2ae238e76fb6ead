"""Every non-trivial read of the General Assembly: who may see it, who may vote, the record,
and which assemblies an adhesion request can reach (read by the membership pages too).

Imports only models (of both apps) and the core: the membership area's selectors, services,
forms and views import from here, never the other way round.
"""

import calendar
import datetime
from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from ensie_portal.accounts import roles
from ensie_portal.core.i18n import brussels_date, country_name_order, format_when
from networks.models import Application, MembershipFee, Network, Representative

from . import voting
from .models import (
    REQUEST_DAYS_BEFORE_ASSEMBLY,
    AgendaItem,
    Attendance,
    Choice,
    Convocation,
    GeneralAssembly,
    Vote,
)

AssemblyStatus = GeneralAssembly.Status
# Representatives see an assembly once it is convened.
VISIBLE_TO_MEMBERS = [AssemblyStatus.CONVENED, AssemblyStatus.IN_SESSION, AssemblyStatus.CLOSED]


def _networks_represented_by(user) -> QuerySet[Network]:
    """The networks ``user`` represents (any status); none for an anonymous user."""
    if not user.is_authenticated:
        return Network.objects.none()
    return Network.objects.filter(representative_links__user=user)


# --- The convocation rule -------------------------------------------------------------------


def one_month_before(date: datetime.date) -> datetime.date:
    """The same day one month earlier (the month's last day when it has no such day)."""
    year, month = (date.year, date.month - 1) if date.month > 1 else (date.year - 1, 12)
    return date.replace(
        year=year, month=month, day=min(date.day, calendar.monthrange(year, month)[1])
    )


def convocation_is_late(*, assembly: GeneralAssembly, today: datetime.date) -> bool:
    """Whether a convocation sent ``today`` reaches members less than one month ahead."""
    return today > one_month_before(assembly.date)


# --- The session opens on the day ---------------------------------------------------------


def session_open_problem(*, assembly: GeneralAssembly, today: datetime.date) -> str | None:
    """Why the chair cannot open the session ``today`` (a Brussels date), if so: it opens on
    the assembly's day, unless staff allowed another day with a reason."""
    if assembly.date == today or assembly.session_override_reason:
        return None
    values = {"date": format_when(assembly.date, "date")}
    if assembly.date > today:
        return (
            _(
                "The session opens on the day of the assembly, %(date)s (Brussels time). Staff "
                "may allow opening it on another day, with a reason, on the assembly's staff page."
            )
            % values
        )
    return (
        _(
            "The assembly's day, %(date)s, has passed: staff may change its date, or allow "
            "opening the session on another day, with a reason, on the assembly's staff page."
        )
        % values
    )


# --- Which assemblies an adhesion request can reach (the 14-day rule) --------------------------


def assemblies_upcoming(*, today: datetime.date) -> QuerySet[GeneralAssembly]:
    return GeneralAssembly.objects.upcoming(today=today).order_by("date")


def assemblies_open_for_requests(*, today: datetime.date) -> QuerySet[GeneralAssembly]:
    """The assemblies a request submitted ``today`` still reaches (at least 14 days ahead)."""
    return assemblies_upcoming(today=today).filter(
        date__gte=today + datetime.timedelta(days=REQUEST_DAYS_BEFORE_ASSEMBLY)
    )


def assembly_next_open_for_requests(*, today: datetime.date) -> GeneralAssembly | None:
    """The next assembly a request submitted ``today`` can still reach (14 days ahead)."""
    return assemblies_open_for_requests(today=today).first()


def reasoned_request_date(*, application: Application, today: datetime.date) -> datetime.date:
    """The day (in Brussels) the request reached the Board; ``today`` if it has no date."""
    if application.submitted_at is None:
        return today
    return brussels_date(application.submitted_at)


def assemblies_for_placement(
    *, application: Application, today: datetime.date
) -> QuerySet[GeneralAssembly]:
    """The assemblies staff may place ``application`` on: upcoming, and at least 14 days after
    its request reached the Board (the rule the applicant followed when submitting it)."""
    received = reasoned_request_date(application=application, today=today)
    return assemblies_upcoming(today=today).filter(
        date__gte=received + datetime.timedelta(days=REQUEST_DAYS_BEFORE_ASSEMBLY)
    )


def assembly_placement_problem(
    *, application: Application, assembly: GeneralAssembly, today: datetime.date
) -> str | None:
    """Why ``application`` cannot go on ``assembly`` (a translated message naming the
    assemblies it can go on, or saying there is none yet), if so."""
    qualifying = list(assemblies_for_placement(application=application, today=today))
    if assembly in qualifying:
        return None
    if assembly.status == GeneralAssembly.Status.CLOSED or assembly.date < today:
        problem = _("Choose an assembly that has not taken place yet.")
    else:
        problem = _(
            "The request reached the Board on %(received)s: it must reach it at least 14 days "
            "before the assembly, so it cannot go on the assembly of %(date)s (the last day was "
            "%(deadline)s)."
        ) % {
            "received": format_when(
                reasoned_request_date(application=application, today=today), "date"
            ),
            "date": format_when(assembly.date, "date"),
            "deadline": format_when(assembly.submission_deadline, "date"),
        }
    if not qualifying:
        return (
            problem
            + " "
            + _(
                "No General Assembly at least 14 days after the request is planned yet: "
                "create one first."
            )
        )
    return (
        problem
        + " "
        + _("It can be placed on: %(assemblies)s.")
        % {
            "assemblies": "; ".join(
                _("“%(title)s” on %(date)s")
                % {"title": candidate.title, "date": format_when(candidate.date, "date")}
                for candidate in qualifying
            )
        }
    )


def assembly_submission_problem(
    *, assembly: GeneralAssembly | None, today: datetime.date
) -> str | None:
    """Why a request cannot be submitted for ``assembly`` today (a translated message), if so."""
    if assembly is None:
        return _("Choose the General Assembly at which you wish to present your application.")
    if today <= assembly.submission_deadline and assembly.status != GeneralAssembly.Status.CLOSED:
        return None
    message = _(
        "The request must reach the Board at least 14 days before the General Assembly: the "
        "last day for the assembly of %(date)s was %(deadline)s."
    ) % {
        "date": format_when(assembly.date, "date"),
        "deadline": format_when(assembly.submission_deadline, "date"),
    }
    upcoming = assembly_next_open_for_requests(today=today)
    if upcoming is None:
        return message + " " + _("No later assembly is planned yet; please contact us.")
    return (
        message
        + " "
        + _("The next possible assembly is “%(title)s” on %(date)s (submit by %(deadline)s).")
        % {
            "title": upcoming.title,
            "date": format_when(upcoming.date, "date"),
            "deadline": format_when(upcoming.submission_deadline, "date"),
        }
    )


# --- Who sees what --------------------------------------------------------------------------


def assemblies_for_user(*, user) -> QuerySet[GeneralAssembly]:
    """Staff and the Board see every assembly; representatives of members, convened ones."""
    if not user.is_authenticated:
        return GeneralAssembly.objects.none()
    queryset = GeneralAssembly.objects.select_related("chair")
    if roles.is_board_or_staff(user):
        return queryset
    is_member = roles.is_member_representative(user)
    visible = Q(chair=user)
    if is_member:
        visible |= Q(status__in=VISIBLE_TO_MEMBERS)
    return queryset.filter(visible)


def _items() -> Prefetch:
    return Prefetch(
        "agenda_items",
        queryset=AgendaItem.objects.select_related("application__network").annotate(
            vote_count=Count("votes")
        ),
    )


def assembly_for_user(*, user, pk: int) -> GeneralAssembly:
    return get_object_or_404(assemblies_for_user(user=user).prefetch_related(_items()), pk=pk)


def is_chair_of(*, user, assembly: GeneralAssembly) -> bool:
    """Whether ``user`` chairs ``assembly`` and may still do so (a Board member or staff)."""
    return assembly.chair_id is not None and assembly.chair_id == user.pk and roles.may_chair(user)


def assembly_for_chair(*, user, pk: int) -> GeneralAssembly:
    """The assembly ``pk`` if ``user`` chairs it and is still a Board member or staff; anyone
    else (staff included) gets a 404."""
    if not user.is_authenticated or not roles.may_chair(user):
        raise Http404
    return get_object_or_404(
        GeneralAssembly.objects.select_related("chair").prefetch_related(_items()),
        pk=pk,
        chair=user,
    )


def assembly_for_staff(*, pk: int) -> GeneralAssembly:
    return get_object_or_404(
        GeneralAssembly.objects.select_related("chair", "session_override_by").prefetch_related(
            _items(),
            Prefetch("convocations", queryset=Convocation.objects.select_related("sent_by")),
        ),
        pk=pk,
    )


def item_of(*, assembly: GeneralAssembly, pk: int) -> AgendaItem:
    return get_object_or_404(AgendaItem, assembly=assembly, pk=pk)


def voter_network_for(*, user, pk: int) -> Network:
    """A network ``user`` represents; another network is a 404."""
    return get_object_or_404(_networks_represented_by(user), pk=pk)


# --- Eligibility ----------------------------------------------------------------------------


def fee_year(assembly: GeneralAssembly) -> int:
    """The year whose fee a network must have paid to vote at ``assembly``."""
    return assembly.date.year


def paid_fees(*, year: int) -> QuerySet[MembershipFee]:
    """The vote gate (Art. 15 of the Statutes: only members that paid their annual fee vote):
    the fees of ``year`` recorded as paid. A member network present at an assembly votes only if
    it has one for the assembly's year (``fee_year``).

    The one rule: the ``paid`` annotation of ``member_networks_with_standing`` (hence
    ``eligible_networks``, ``network_may_vote``, the tally of a vote and the chair's screen) and
    ``network_has_paid`` all read it."""
    return MembershipFee.objects.filter(year=year, paid_on__isnull=False)


def network_has_paid(network: Network, year: int) -> bool:
    """Whether ``network`` passes the vote gate for ``year`` (see ``paid_fees``)."""
    return paid_fees(year=year).filter(network=network).exists()


def _paid(assembly: GeneralAssembly):
    return Exists(paid_fees(year=fee_year(assembly)).filter(network=OuterRef("pk")))


def _present(assembly: GeneralAssembly):
    return Exists(Attendance.objects.filter(assembly=assembly, network=OuterRef("pk")))


def _standing(assembly: GeneralAssembly) -> QuerySet[Network]:
    """Every member network, annotated ``present`` and ``paid`` for ``assembly`` (unordered:
    for counts and single rows)."""
    return Network.objects.filter(status=Network.Status.MEMBER).annotate(
        present=_present(assembly), paid=_paid(assembly)
    )


def member_networks_with_standing(*, assembly: GeneralAssembly) -> QuerySet[Network]:
    """Every member network, annotated ``present`` and ``paid`` for ``assembly``, by the name
    of its country in the active language, then by its own."""
    members = Network.objects.filter(status=Network.Status.MEMBER)
    countries = members.order_by().values_list("country", flat=True).distinct()
    return _standing(assembly).order_by(country_name_order(countries), "legal_name")


def eligible_networks(*, assembly: GeneralAssembly) -> QuerySet[Network]:
    """Member networks that paid their fee for the assembly's year (Art. 15): the voters."""
    return _standing(assembly).filter(paid=True).order_by("pk")


def network_may_vote(*, assembly: GeneralAssembly, network: Network) -> str:
    """'' when ``network`` may vote at ``assembly``; otherwise the reason code."""
    row = _standing(assembly).filter(pk=network.pk).first()
    if row is None:
        return "not_member"
    if not row.present:
        return "absent"
    if not row.paid:
        return "unpaid"
    return ""


@dataclass(frozen=True)
class VoterNetwork:
    network: Network
    present: bool
    paid: bool
    votes: dict  # item pk -> choice


def voter_networks(*, user, assembly: GeneralAssembly) -> list[VoterNetwork]:
    """The member networks ``user`` represents, with their standing and votes at ``assembly``."""
    networks = list(
        member_networks_with_standing(assembly=assembly).filter(representative_links__user=user)
    )
    votes: dict[int, dict[int, str]] = {}
    for network_id, item_id, choice in Vote.objects.filter(
        item__assembly=assembly, network__in=networks
    ).values_list("network_id", "item_id", "choice"):
        votes.setdefault(network_id, {})[item_id] = choice
    return [
        VoterNetwork(network=n, present=n.present, paid=n.paid, votes=votes.get(n.pk, {}))
        for n in networks
    ]


def vote_progress(*, assembly: GeneralAssembly) -> dict:
    """How many networks may vote now (present and paid); the count per item is ``vote_count``."""
    return {
        "voters": eligible_networks(assembly=assembly).filter(present=True).count(),
        "present": Attendance.objects.filter(assembly=assembly).count(),
    }


def items_never_voted(*, assembly: GeneralAssembly) -> list[AgendaItem]:
    """The items of the agenda as it stands whose vote never opened (listed before the session
    closes: adhesions among them go back to eligible)."""
    return [
        item
        for item in agenda_as_it_stands(assembly=assembly)
        if item.vote_state == AgendaItem.VoteState.NOT_OPEN
    ]


def applications_on_agenda(*, assembly: GeneralAssembly) -> QuerySet[Application]:
    return Application.objects.filter(
        assembly=assembly, status=Application.Status.ON_AGENDA
    ).select_related("network")


# --- The agenda as sent, and as it stands -----------------------------------------------------


@dataclass(frozen=True)
class AgendaSyncPlan:
    """What bringing the agenda up to date does: the adhesion items of applications taken off
    the assembly are dropped (unless their vote opened: they are part of the record), the
    applications placed on it since get an item at the end (``added``, unsaved)."""

    kept: list[AgendaItem]
    dropped: list[AgendaItem]
    added: list[AgendaItem]


def agenda_sync_plan(*, assembly: GeneralAssembly) -> AgendaSyncPlan:
    """The one rule of ``agenda_sync`` (which writes it) and of ``agenda_as_it_stands``."""
    placed = list(applications_on_agenda(assembly=assembly))
    placed_ids = {application.pk for application in placed}
    kept, dropped = [], []
    for item in assembly.agenda_items.all():
        stale = (
            item.kind == AgendaItem.Kind.ADHESION
            and item.vote_state == AgendaItem.VoteState.NOT_OPEN
            and item.application_id not in placed_ids
        )
        (dropped if stale else kept).append(item)
    listed = {item.application_id for item in kept}
    added = [
        AgendaItem(
            assembly=assembly,
            kind=AgendaItem.Kind.ADHESION,
            application=application,
            title=application.network.legal_name,
        )
        for application in placed
        if application.pk not in listed
    ]
    return AgendaSyncPlan(kept=kept, dropped=dropped, added=added)


def agenda_as_it_stands(*, assembly: GeneralAssembly) -> list[AgendaItem]:
    """The agenda once brought up to date (what ``agenda_sync`` would make it), written nowhere."""
    plan = agenda_sync_plan(assembly=assembly)
    return [*plan.kept, *plan.added]


def agenda_snapshot(items: list[AgendaItem]) -> list[dict]:
    """What the members are told of an agenda: each item's identity, title and majority."""
    return [
        {
            "key": (
                f"application:{item.application_id}"
                if item.kind == AgendaItem.Kind.ADHESION
                else f"motion:{item.pk}"
            ),
            "kind": item.kind,
            "title": item.title,
            "majority": item.majority,
        }
        for item in items
    ]


@dataclass(frozen=True)
class AgendaChange:
    """How the agenda as it stands differs from the one last sent to the members."""

    last_sent: Convocation | None
    items: list[AgendaItem]
    added: list[dict]
    removed: list[dict]
    changed: bool  # anything differs (items, their order, titles or majorities)


def agenda_update_allowed(assembly: GeneralAssembly) -> bool:
    """An updated agenda goes out after the convocation and before the assembly closes."""
    return assembly.status in (AssemblyStatus.CONVENED, AssemblyStatus.IN_SESSION)


def agenda_change(*, assembly: GeneralAssembly) -> AgendaChange:
    """How the agenda as it stands differs from the one last sent (shown before sending the
    updated agenda, and what that email says)."""
    last_sent = assembly.convocations.order_by("-pk").first()
    items = agenda_as_it_stands(assembly=assembly)
    current = agenda_snapshot(items)
    sent = last_sent.agenda if last_sent is not None else []
    sent_keys = {entry["key"] for entry in sent}
    current_keys = {entry["key"] for entry in current}
    # The language of a motion is shown with it, never compared: agendas sent before it was
    # recorded would all look changed.
    return AgendaChange(
        last_sent=last_sent,
        items=items,
        added=[
            {**entry, "text_language": item.text_language}
            for item, entry in zip(items, current, strict=True)
            if entry["key"] not in sent_keys
        ],
        removed=[entry for entry in sent if entry["key"] not in current_keys],
        changed=last_sent is not None and current != sent,
    )


# --- The record of the assembly -------------------------------------------------------------


def record_header() -> list[str]:
    """The record's column names, in the active language."""
    return [
        pgettext("assembly record column", "section"),
        pgettext("assembly record column", "item"),
        pgettext("assembly record column", "network"),
        pgettext("assembly record column", "country"),
        pgettext("assembly record column", "value"),
        pgettext("assembly record column", "by"),
        pgettext("assembly record column", "at"),
    ]


def _record_sections() -> dict[str, str]:
    return {
        "assembly": pgettext("assembly record section", "assembly"),
        "attendance": pgettext("assembly record section", "attendance"),
        "vote": pgettext("assembly record section", "vote"),
        "outcome": pgettext("assembly record section", "outcome"),
        "country vote": pgettext("assembly record section", "country vote"),
    }


def _quorum_text(item: AgendaItem) -> str:
    counts = {"present": item.present_countries, "eligible": item.eligible_countries}
    if item.quorum_met is None:
        return _("quorum not counted")
    if item.quorum_met:
        return _("quorum met (%(present)s/%(eligible)s countries)") % counts
    return _("quorum not met (%(present)s/%(eligible)s countries)") % counts


RECORD_CHOICE_ORDER = (voting.YES, voting.NO, voting.ABSTAIN, voting.BLANK)


def _choice_labels() -> dict[str, str]:
    return {
        **{value: str(label) for value, label in Choice.choices},
        voting.BLANK: _("blank (networks disagree)"),
    }


def assembly_record_rows(*, assembly: GeneralAssembly, language: str) -> list[list]:
    """The record for the minutes: attendance, every vote and who cast it, the outcomes.

    Column names and labels are in ``language``; names, titles, country codes, email addresses
    and ISO dates are as stored, so the file stays sortable.
    """
    attendances = Attendance.objects.filter(assembly=assembly).select_related(
        "network", "recorded_by"
    )
    votes = (
        Vote.objects.filter(item__assembly=assembly)
        .select_related("item", "network", "cast_by")
        .order_by("item__position", "item__pk", "network__country", "network__legal_name")
    )
    items = AgendaItem.objects.filter(assembly=assembly)
    with translation.override(language):
        section = _record_sections()
        choices = _choice_labels()
        present = pgettext("assembly record attendance", "present")
        self_checked_in = _("checked in by its representative")
        rows = [
            record_header(),
            [section["assembly"], assembly.title, "", "", str(assembly.get_status_display()), "",
             assembly.date.isoformat()],
        ]  # fmt: skip
        rows += [
            [section["attendance"], "", row.network.legal_name, row.network.country.code, present,
             self_checked_in if row.self_checked_in else getattr(row.recorded_by, "email", ""),
             row.arrived_at.isoformat()]
            for row in attendances
        ]  # fmt: skip
        rows += [
            [section["vote"], vote.item.title, vote.network.legal_name, vote.network.country.code,
             choices.get(vote.choice, vote.choice), getattr(vote.cast_by, "email", ""),
             vote.cast_at.isoformat()]
            for vote in votes
        ]  # fmt: skip
        # Between the parts of an outcome (French typography puts a no-break space before ";").
        separator = pgettext("assembly record outcome separator", "; ")
        for item in items:
            summary = separator.join(
                [
                    str(item.get_outcome_display() or item.get_vote_state_display()),
                    str(item.get_majority_display()),
                    _quorum_text(item),
                    *(
                        f"{choices[choice]} {item.totals[choice]}"
                        for choice in RECORD_CHOICE_ORDER
                        if choice in item.totals
                    ),
                ]
            )
            closed = item.closed_at.isoformat() if item.closed_at else ""
            rows.append([section["outcome"], item.title, "", "", summary, "", closed])
            rows += [
                [section["country vote"], item.title, "", country, choices.get(choice, choice),
                 "", ""]
                for country, choice in item.country_breakdown.items()
            ]  # fmt: skip
    return rows


def representatives_of_members() -> QuerySet[Representative]:
    return Representative.objects.filter(
        network__status=Network.Status.MEMBER, user__is_active=True
    ).select_related("user", "network")


def convocation_recipient_count() -> int:
    """How many people the convocation or an updated agenda goes to (each representative of a
    member network once, however many networks they represent)."""
    return representatives_of_members().values("user_id").distinct().count()
