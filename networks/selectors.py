"""Every non-trivial read of the membership area."""

import datetime

from django.db.models import Case, Count, IntegerField, Prefetch, QuerySet, Sum, Value, When
from django.http import Http404
from django.shortcuts import get_object_or_404
from django_countries import countries

from ensie_portal.accounts.permissions import is_board

from .filters import MemberFilter
from .models import (
    Application,
    FeeSchedule,
    JoinDocument,
    MembershipFee,
    Network,
    Representative,
)


def networks_for_user(*, user) -> QuerySet[Network]:
    """The networks ``user`` represents (any status)."""
    if not user.is_authenticated:
        return Network.objects.none()
    return Network.objects.filter(representative_links__user=user)


def user_is_member_representative(user) -> bool:
    """Whether ``user`` represents at least one network that is currently a member."""
    return networks_for_user(user=user).filter(status=Network.Status.MEMBER).exists()


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


# --- Fees -----------------------------------------------------------------------------------


def fee_schedule_current(*, today: datetime.date) -> FeeSchedule | None:
    """The schedule in force today, with its groups and bands loaded."""
    schedule = FeeSchedule.objects.for_year(today.year)
    if schedule is None:
        schedule = FeeSchedule.objects.order_by("year").first()
    return schedule


def fee_schedule_of_year(*, year: int) -> FeeSchedule | None:
    """The schedule made for ``year`` itself (None when the year has none of its own)."""
    return FeeSchedule.objects.filter(year=year).first()


def fee_schedule_to_copy(*, year: int) -> FeeSchedule | None:
    """The schedule that would be copied to ``year`` (the latest of an earlier year)."""
    return FeeSchedule.objects.for_year(year - 1)


def fee_matrix(*, schedule: FeeSchedule) -> dict:
    """The schedule as a table: bands as rows, country groups as columns, amounts in cells."""
    groups = list(schedule.groups.all())
    bands = list(schedule.bands.prefetch_related("amounts"))
    rows = []
    for band in bands:
        by_group = {amount.group_id: amount.amount for amount in band.amounts.all()}
        rows.append({"band": band, "amounts": [by_group.get(group.pk) for group in groups]})
    return {"groups": groups, "rows": rows}


def membership_fee_for(*, network: Network, year: int) -> MembershipFee | None:
    return MembershipFee.objects.filter(network=network, year=year).first()


def fee_list(*, year: int) -> QuerySet[MembershipFee]:
    return MembershipFee.objects.filter(year=year).select_related("network")


def may_record_fee_payments(user) -> bool:
    """Who records a fee as paid, or takes that back: staff (the secretariat)."""
    return user is not None and user.is_authenticated and user.is_staff


def fee_for_payment_record(*, user, pk: int) -> MembershipFee:
    """A fee whose payment ``user`` may record or undo; for anyone else it does not exist."""
    fees = MembershipFee.objects.none()
    if may_record_fee_payments(user):
        fees = MembershipFee.objects.all()
    return get_object_or_404(fees.select_related("network"), pk=pk)


# --- Documents ------------------------------------------------------------------------------


def join_documents() -> list[JoinDocument]:
    return list(JoinDocument.objects.filter(is_published=True).order_by("kind", "language"))


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
        if is_board(user)
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
