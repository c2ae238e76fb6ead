"""Every write of the fees: a network's fee record for a year, a year's schedule copied from the
last one, a payment recorded or taken back (audited)."""

import datetime
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ensie_portal.accounts import roles
from ensie_portal.accounts.models import User
from ensie_portal.core.errors import DomainError
from ensie_portal.core.i18n import format_when
from ensie_portal.core.workflow import audit_record

from ..models import CountryGroup, FeeAmount, FeeBand, FeeSchedule, MembershipFee, Network
from .pricing import fee_quote


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
    if not roles.is_staff(actor):
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
    if not roles.is_staff(actor):
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
    if not roles.may_record_fee_payments(actor):
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
    if not roles.may_record_fee_payments(actor):
        raise DomainError(_("You are not allowed to do this."))
    locked = MembershipFee.objects.select_for_update().get(pk=fee.pk)
    if locked.paid_on is None:
        raise DomainError(_("This fee is not marked paid."))
    was_paid_on = locked.paid_on
    locked.paid_on = None
    locked.save(update_fields=["paid_on", "updated_at"])
    audit_record(obj=locked, actor=actor, action="fee_unpaid", data={"paid_on": str(was_paid_on)})
    return locked
