"""Every non-trivial read of the fees: the schedules, their table, the networks' fee records."""

import datetime

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from ensie_portal.accounts import roles

from ..models import FeeSchedule, MembershipFee, Network


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


def fee_for_payment_record(*, user, pk: int) -> MembershipFee:
    """A fee whose payment ``user`` may record or undo; for anyone else it does not exist."""
    fees = MembershipFee.objects.none()
    if roles.may_record_fee_payments(user):
        fees = MembershipFee.objects.all()
    return get_object_or_404(fees.select_related("network"), pk=pk)
