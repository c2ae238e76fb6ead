"""iCalendar (RFC 5545) for events: sessions, institutional meetings, assemblies.

Two kinds of calendar, as iTIP (RFC 5546) names them:

- ``PUBLISH``: a calendar to add or subscribe to (the sessions feed, a session's ``.ics``, the
  file attached to the registrants' emails). It names its organiser and no attendee.
- ``REQUEST``: an invitation to named attendees (the institutional meeting), answered to its
  organiser (the secretariat): every attendee is asked to reply (``RSVP``).

Each event keeps its ``UID`` for life and carries a ``SEQUENCE`` that its owner raises whenever
the event changes in time (or is cancelled), so a calendar replaces the old copy instead of
adding a second one. Times are in Europe/Brussels with a complete ``VTIMEZONE`` (its standard
and summer time observances for the years of the events), as RFC 5545 requires for every
``TZID`` used.
"""

from dataclasses import dataclass
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone
from icalendar import Calendar, Event, Timezone, vCalAddress

PUBLISH = "PUBLISH"
REQUEST = "REQUEST"


@dataclass(frozen=True)
class IcsPerson:
    email: str
    name: str = ""

    def address(self, **params) -> vCalAddress:
        address = vCalAddress(f"mailto:{self.email}")
        if self.name:
            address.params["CN"] = self.name
        address.params.update(params)
        return address


@dataclass(frozen=True)
class IcsEvent:
    uid: str
    start: datetime
    end: datetime
    summary: str
    description: str = ""
    location: str = ""
    url: str = ""
    sequence: int = 0
    cancelled: bool = False
    # The one who answers for the event (default: the secretariat); attendees are invited
    # (REQUEST only: a published calendar names nobody).
    organizer: IcsPerson | None = None
    attendees: tuple[IcsPerson, ...] = ()


def secretariat() -> IcsPerson:
    return IcsPerson(email=settings.SECRETARIAT_EMAIL, name="ENSIE")


def time_zone_component(first: date, last: date) -> Timezone:
    """The VTIMEZONE of the portal's zone with every observance (standard and summer time)
    from the start of ``first``'s year to the end of ``last``'s, so that it always holds at
    least one observance and covers the events whatever their dates."""
    return Timezone.from_tzid(
        settings.TIME_ZONE,
        first_date=date(first.year, 1, 1),
        last_date=date(last.year + 1, 1, 1),
    )


def build_calendar(events: list[IcsEvent], *, name: str = "", method: str = PUBLISH) -> bytes:
    """A VCALENDAR with the events in the portal's time zone and its VTIMEZONE.

    ``method`` is ``PUBLISH`` (attendees are left out) or ``REQUEST`` (each event needs its
    attendees). A calendar without events (an empty feed) carries only the time zone and no
    method: iTIP has no message without an event.
    """
    if method not in (PUBLISH, REQUEST):
        raise ValueError(f"Unsupported iTIP method {method!r}.")
    if method == REQUEST and not all(event.attendees for event in events):
        raise ValueError("An invitation (REQUEST) needs its attendees.")
    zone = ZoneInfo(settings.TIME_ZONE)
    calendar = Calendar()
    calendar.add("prodid", "-//ENSIE//ENSIE portal//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    if events:
        calendar.add("method", method)
    if name:
        calendar.add("x-wr-calname", name)
        calendar.add("x-wr-timezone", settings.TIME_ZONE)
    today = timezone.localdate()
    first = min((event.start.astimezone(zone).date() for event in events), default=today)
    last = max((event.end.astimezone(zone).date() for event in events), default=today)
    calendar.add_component(time_zone_component(first, last))
    stamp = timezone.now().astimezone(UTC).replace(microsecond=0)
    for item in events:
        calendar.add_component(_event(item, stamp=stamp, zone=zone, method=method))
    return calendar.to_ical()


def _local(moment: datetime, zone: ZoneInfo) -> datetime:
    """The time in the zone; in UTC when the zone's clock shows it twice (the night summer time
    ends), since a calendar reads such a local time as its first occurrence."""
    local = moment.astimezone(zone).replace(microsecond=0)
    if local.replace(fold=1 - local.fold).utcoffset() != local.utcoffset():
        return local.astimezone(UTC)
    return local


def _language(text: str) -> dict:
    """RFC 5545's LANGUAGE of a text that knows its language (``core.i18n.LocalisedText``: a
    session's title may exist in French only and go to an English calendar)."""
    language = getattr(text, "language", "")
    return {"LANGUAGE": language} if language else {}


def _event(item: IcsEvent, *, stamp: datetime, zone: ZoneInfo, method: str) -> Event:
    event = Event()
    event.add("uid", item.uid)
    event.add("dtstamp", stamp)
    event.add("dtstart", _local(item.start, zone))
    event.add("dtend", _local(item.end, zone))
    event.add("summary", item.summary, parameters=_language(item.summary))
    event.add("sequence", item.sequence)
    event.add("organizer", (item.organizer or secretariat()).address())
    if method == REQUEST:
        for attendee in item.attendees:
            event.add(
                "attendee",
                attendee.address(
                    CUTYPE="INDIVIDUAL",
                    ROLE="REQ-PARTICIPANT",
                    PARTSTAT="NEEDS-ACTION",
                    RSVP="TRUE",
                ),
            )
    if item.description:
        event.add("description", item.description, parameters=_language(item.description))
    if item.location:
        event.add("location", item.location)
    if item.url:
        event.add("url", item.url)
    event.add("status", "CANCELLED" if item.cancelled else "CONFIRMED")
    event.add("transp", "OPAQUE")
    return event
