"""Every non-trivial read of the membership area (the fee schedules and records aside:
networks/fees/selectors.py)."""

import datetime
import zoneinfo

from django.db.models import Case, Count, IntegerField, Prefetch, QuerySet, Sum, Value, When
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from django_countries import countries

from ensie_portal.accounts import roles
from ensie_portal.core.i18n import format_when

from .filters import MemberFilter
from .models import (
    REQUEST_DAYS_BEFORE_ASSEMBLY,
    Application,
    GeneralAssembly,
    JoinDocument,
    MembershipFee,
    Network,
    Representative,
)

# ENSIE's seat: an assembly's day and the 14-day rule are Brussels days.
ENSIE_TIME_ZONE = zoneinfo.ZoneInfo("Europe/Brussels")


def brussels_date(moment: datetime.datetime | None = None) -> datetime.date:
    """The date in Brussels at ``moment`` (now by default)."""
    return timezone.localdate(moment, timezone=ENSIE_TIME_ZONE)


def networks_for_user(*, user) -> QuerySet[Network]:
    """The networks ``user`` represents (any status)."""
    if not user.is_authenticated:
        return Network.objects.none()
    return Network.objects.filter(representative_links__user=user)


# --- Directory ------------------------------------------------------------------------------


def member_list(*, filters: dict | None = None) -> tuple[QuerySet[Network], object]:
    """Member networks, filtered (FilterSet in filters.py); returns (queryset, filterset).

    Ordered by the name of their country in the language of the page (Spain after France in
    English, "Espagne" before "France" in French), then by name."""
    codes = member_countries()
    by_country_name = Case(
        *(When(country=code, then=Value(rank)) for rank, code in enumerate(codes)),
        default=Value(len(codes)),
        output_field=IntegerField(),
    )
    base = Network.objects.filter(status=Network.Status.MEMBER).order_by(
        by_country_name, "legal_name"
    )
    filterset = MemberFilter(filters or None, queryset=base, countries=codes)
    queryset = filterset.qs if filterset.is_valid() else base
    return queryset, filterset


def member_totals(queryset: QuerySet[Network]) -> dict:
    """Networks, countries and member WISEs in ``queryset``, in one query."""
    totals = queryset.order_by().aggregate(
        networks=Count("pk"), countries=Count("country", distinct=True), wises=Sum("wise_count")
    )
    totals["wises"] = totals["wises"] or 0
    return totals


def member_countries() -> list[str]:
    """Codes of the countries that have at least one member network, in the order of their
    names in the active language (django-countries sorts the translated names)."""
    codes = set(
        Network.objects.filter(status=Network.Status.MEMBER)
        .order_by()
        .values_list("country", flat=True)
        .distinct()
    )
    return [code for code, _name in countries if code in codes]


def member_get(*, slug: str) -> Network:
    return get_object_or_404(
        Network.objects.filter(
            status__in=[Network.Status.MEMBER, Network.Status.SUSPENDED]
        ).prefetch_related(
            Prefetch(
                "representative_links",
                queryset=Representative.objects.select_related("user").order_by(
                    "-is_main_contact", "user__display_name"
                ),
            )
        ),
        slug=slug,
    )


# --- Fees (the vote's condition; the other fee reads are in fees/selectors.py) --------------------


def network_has_paid(network: Network, year: int) -> bool:
    """Whether ``network`` paid its fee for ``year`` (Art. 15: only payers vote)."""
    return MembershipFee.objects.filter(network=network, year=year, paid_on__isnull=False).exists()


# --- Documents ------------------------------------------------------------------------------


def join_documents() -> list[JoinDocument]:
    return list(JoinDocument.objects.filter(is_published=True).order_by("kind", "language"))


# --- General Assemblies ---------------------------------------------------------------------


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


def application_request_date(*, application: Application, today: datetime.date) -> datetime.date:
    """The day (in Brussels) the request reached the Board; ``today`` if it has no date."""
    if application.submitted_at is None:
        return today
    return brussels_date(application.submitted_at)


def assemblies_for_placement(
    *, application: Application, today: datetime.date
) -> QuerySet[GeneralAssembly]:
    """The assemblies staff may place ``application`` on: upcoming, and at least 14 days after
    its request reached the Board (the rule the applicant followed when submitting it)."""
    received = application_request_date(application=application, today=today)
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
                application_request_date(application=application, today=today), "date"
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


# --- Applications ---------------------------------------------------------------------------


def _application_related(queryset: QuerySet[Application]) -> QuerySet[Application]:
    return queryset.select_related("network", "assembly")


def applications_for_representative(*, user) -> QuerySet[Application]:
    return _application_related(Application.objects.for_representative(user)).order_by(
        "-created_at"
    )


def application_for_representative(*, user, pk: int) -> Application:
    """The application ``pk`` if ``user`` represents its network; otherwise a 404."""
    return get_object_or_404(applications_for_representative(user=user), pk=pk)


def application_for_file(*, user, pk: int) -> Application:
    """For the private files: the applicant's representatives, the Board and staff; else 404."""
    if not user.is_authenticated:
        raise Http404
    queryset = (
        Application.objects.all()
        if roles.is_board_or_staff(user)
        else Application.objects.for_representative(user)
    )
    return get_object_or_404(queryset.select_related("network"), pk=pk)


def board_queue(*, status: str = "") -> QuerySet[Application]:
    """The applications the Board and the secretariat follow, filtered by state."""
    queryset = _application_related(Application.objects.all())
    if status:
        queryset = queryset.filter(status=status)
    else:
        queryset = queryset.filter(status__in=Application.OPEN_STATES)
    return queryset.order_by("submitted_at", "created_at")


def board_application_get(*, pk: int) -> Application:
    return get_object_or_404(
        _application_related(Application.objects.all()).prefetch_related(
            "assessments",
            "notes__author",
            Prefetch(
                "network__representative_links",
                queryset=Representative.objects.select_related("user"),
            ),
        ),
        pk=pk,
    )


def application_counts_by_status() -> dict[str, int]:
    return dict(
        Application.objects.order_by()
        .values_list("status")
        .annotate(n=Count("pk"))
        .values_list("status", "n")
    )
