"""Reading a fee schedule: which group a country is in, which band a WISE count is in."""

from dataclasses import dataclass
from decimal import Decimal

from ..models import CountryGroup, FeeAmount, FeeBand, FeeSchedule


@dataclass(frozen=True)
class FeeQuote:
    schedule: FeeSchedule
    group: CountryGroup | None
    band: FeeBand | None
    amount: Decimal | None


def country_group_for(*, groups: list[CountryGroup], country: str) -> CountryGroup | None:
    """The group listing ``country``, else the schedule's "every other country" group."""
    default = None
    for group in groups:
        if country in {c.code for c in group.countries}:
            return group
        if group.is_default:
            default = group
    return default


def band_for(*, bands: list[FeeBand], wise_count: int) -> FeeBand | None:
    return next((band for band in bands if band.contains(wise_count)), None)


def fee_quote(*, schedule: FeeSchedule, country: str, wise_count: int) -> FeeQuote:
    """The annual fee of a network of ``wise_count`` WISEs in ``country`` under ``schedule``."""
    group = country_group_for(groups=list(schedule.groups.all()), country=country)
    band = band_for(bands=list(schedule.bands.all()), wise_count=wise_count)
    amount = None
    if group is not None and band is not None:
        amount = (
            FeeAmount.objects.filter(group=group, band=band)
            .values_list("amount", flat=True)
            .first()
        )
    return FeeQuote(schedule=schedule, group=group, band=band, amount=amount)
