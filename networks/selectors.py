"""Every non-trivial read of the membership area (the fee schedules and records aside:
networks/fees/selectors.py; the General Assembly's reads, the vote's fee condition included:
assemblies/selectors.py)."""

from django.db.models import Count, Prefetch, QuerySet, Sum
from django.http import Http404
from django.shortcuts import get_object_or_404

from ensie_portal.accounts import roles
from ensie_portal.core.i18n import countries_by_name, country_name_order

from .filters import MemberFilter
from .models import Application, JoinDocument, Network, Representative


def member_list(*, filters: dict | None = None) -> tuple[QuerySet[Network], object]:
    """Member networks, filtered (FilterSet in filters.py); returns (queryset, filterset).

    Ordered by the name of their country in the language of the page (Spain after France in
    English, "Espagne" before "France" in French), then by name."""
    codes = member_countries()
    base = Network.objects.filter(status=Network.Status.MEMBER).order_by(
        country_name_order(codes), "legal_name"
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
    names in the active language."""
    members = Network.objects.filter(status=Network.Status.MEMBER).order_by()
    return countries_by_name(members.values_list("country", flat=True).distinct())


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
