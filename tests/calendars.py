"""A strict reading of the iCalendar files the portal writes.

Two layers: the ``ical`` library parses strictly (value types, every TZID in use defined by a
VTIMEZONE that has at least one STANDARD or DAYLIGHT observance); then the rules no Python
parser checks: RFC 5545's content lines and required properties, and RFC 5546's table of
what a PUBLISH and a REQUEST must and must not carry. Each test of a calendar the portal
produces goes through :func:`calendar_check`.
"""

from datetime import timedelta
from zoneinfo import ZoneInfo

import icalendar
from ical.calendar_stream import IcsCalendarStream

# RFC 5545 3.6.1: VEVENT properties that occur at most once.
ONCE = {
    "CLASS",
    "CREATED",
    "DESCRIPTION",
    "DTSTART",
    "GEO",
    "LAST-MODIFIED",
    "LOCATION",
    "ORGANIZER",
    "PRIORITY",
    "DTSTAMP",
    "SEQUENCE",
    "STATUS",
    "SUMMARY",
    "TRANSP",
    "UID",
    "URL",
    "RECURRENCE-ID",
    "DTEND",
    "DURATION",
}
# RFC 5545 3.6.1: required in every VEVENT (DTSTART too when the calendar has no METHOD).
REQUIRED = {"UID", "DTSTAMP"}
# RFC 5546 3.2.1 (PUBLISH) and 3.2.2 (REQUEST): VEVENT properties, (least, most) occurrences.
ITIP = {
    "PUBLISH": {
        "DTSTAMP": (1, 1),
        "DTSTART": (1, 1),
        "ORGANIZER": (1, 1),
        "SUMMARY": (1, 1),
        "UID": (1, 1),
        "ATTENDEE": (0, 0),
        "REQUEST-STATUS": (0, 0),
    },
    "REQUEST": {
        "ATTENDEE": (1, None),
        "DTSTAMP": (1, 1),
        "DTSTART": (1, 1),
        "ORGANIZER": (1, 1),
        "SUMMARY": (1, 1),
        "UID": (1, 1),
        "REQUEST-STATUS": (0, 0),
    },
}
STATUSES = {
    None: {"TENTATIVE", "CONFIRMED", "CANCELLED"},
    "PUBLISH": {"TENTATIVE", "CONFIRMED", "CANCELLED"},
    "REQUEST": {"TENTATIVE", "CONFIRMED"},
}
PARTSTATS = {"NEEDS-ACTION", "ACCEPTED", "DECLINED", "TENTATIVE", "DELEGATED"}


class CalendarError(AssertionError):
    pass


def calendar_check(data: bytes, *, method: str | None) -> icalendar.Calendar:
    """Refuse ``data`` unless it is a conformant calendar of iTIP ``method`` (None: a plain
    calendar, no METHOD); return it parsed."""
    problems = []
    text = data.decode("utf-8")  # RFC 5545 3.1.4: UTF-8
    _content_lines(text, problems)
    try:
        IcsCalendarStream.calendar_from_ics(text)
    except Exception as error:  # the parser's own words
        problems.append(f"strict parser: {error}")
    calendar = icalendar.Calendar.from_ical(data)
    _calendar(calendar, method, problems)
    zones = _time_zones(calendar, problems)
    events = calendar.walk("VEVENT")
    if method is not None and not events:
        problems.append(f"a {method} carries at least one VEVENT (RFC 5546 3.2)")
    for event in events:
        _event(event, method, zones, problems)
    if problems:
        raise CalendarError("\n".join(problems))
    return calendar


def _content_lines(text: str, problems: list) -> None:
    if not text.endswith("\r\n") or "\n" in text.replace("\r\n", ""):
        problems.append("content lines end with CRLF (RFC 5545 3.1)")
    problems.extend(
        f"line longer than 75 octets, not folded (RFC 5545 3.1): {line!r}"
        for line in text.split("\r\n")
        if len(line.encode()) > 75
    )


def _count(component, name: str) -> int:
    value = component.get(name)
    if value is None:
        return 0
    return len(value) if isinstance(value, list) else 1


def _calendar(calendar, method, problems: list) -> None:
    if calendar.name != "VCALENDAR":
        problems.append("not a VCALENDAR")
    if str(calendar.get("VERSION", "")) != "2.0" or _count(calendar, "VERSION") != 1:
        problems.append("VERSION:2.0 once (RFC 5545 3.6)")
    if _count(calendar, "PRODID") != 1:
        problems.append("PRODID once (RFC 5545 3.6)")
    if not calendar.subcomponents:
        problems.append("at least one component (RFC 5545 3.6)")
    found = str(calendar["METHOD"]) if "METHOD" in calendar else None
    if found != method:
        problems.append(f"METHOD is {found!r}, expected {method!r}")


def _time_zones(calendar, problems: list) -> dict:
    """Each VTIMEZONE, checked (RFC 5545 3.6.5); returns its time zone by TZID."""
    zones = {}
    for component in calendar.walk("VTIMEZONE"):
        tzid = str(component.get("TZID", ""))
        observances = [c for c in component.subcomponents if c.name in ("STANDARD", "DAYLIGHT")]
        if not tzid:
            problems.append("a VTIMEZONE without TZID")
        if not observances:
            problems.append(f"VTIMEZONE {tzid} has no STANDARD or DAYLIGHT (RFC 5545 3.6.5)")
        problems.extend(
            f"VTIMEZONE {tzid} {observance.name} needs {name} once"
            for observance in observances
            for name in ("DTSTART", "TZOFFSETFROM", "TZOFFSETTO")
            if _count(observance, name) != 1
        )
        if observances:
            # Built from the observances themselves, not looked up by name.
            zones[tzid] = component.to_tz(lookup_tzid=False)
    return zones


def _event(event, method, zones: dict, problems: list) -> None:
    uid = str(event.get("UID", "?"))
    problems.extend(
        f"{uid}: {name} more than once (RFC 5545 3.6.1)"
        for name in sorted(ONCE)
        if _count(event, name) > 1
    )
    required = REQUIRED | ({"DTSTART"} if method is None else set())
    problems.extend(
        f"{uid}: {name} is required (RFC 5545 3.6.1)"
        for name in sorted(required)
        if not _count(event, name)
    )
    for name, (least, most) in ITIP.get(method, {}).items():
        count = _count(event, name)
        if count < least or (most is not None and count > most):
            problems.append(f"{uid}: {name} {count} times in a {method} (RFC 5546 3.2)")
    if "DTEND" in event and "DURATION" in event:
        problems.append(f"{uid}: DTEND and DURATION together (RFC 5545 3.6.1)")
    stamp = event.decoded("DTSTAMP") if "DTSTAMP" in event else None
    if stamp is not None and (stamp.tzinfo is None or stamp.utcoffset() != timedelta(0)):
        problems.append(f"{uid}: DTSTAMP in UTC (RFC 5545 3.8.7.2)")
    for name in ("DTSTART", "DTEND"):
        if name in event:
            _local_time(event, name, zones, problems)
    if (
        "DTSTART" in event
        and "DTEND" in event
        and event.decoded("DTEND") <= event.decoded("DTSTART")
    ):
        problems.append(f"{uid}: DTEND after DTSTART (RFC 5545 3.8.2.2)")
    if "SEQUENCE" in event and int(event["SEQUENCE"]) < 0:
        problems.append(f"{uid}: SEQUENCE is a non-negative integer")
    status = str(event["STATUS"]) if "STATUS" in event else None
    if status is not None and status not in STATUSES.get(method, set()):
        problems.append(f"{uid}: STATUS {status} in a {method} (RFC 5546 3.2)")
    for name in ("ORGANIZER", "ATTENDEE"):
        values = event.get(name, [])
        for address in values if isinstance(values, list) else [values]:
            if not str(address).lower().startswith("mailto:") or "@" not in str(address):
                problems.append(f"{uid}: {name} is a mailto: address, not {address!r}")
            if name == "ATTENDEE":
                if address.params.get("PARTSTAT", "NEEDS-ACTION") not in PARTSTATS:
                    problems.append(f"{uid}: ATTENDEE PARTSTAT {address.params['PARTSTAT']}")
                if address.params.get("RSVP", "FALSE") not in ("TRUE", "FALSE"):
                    problems.append(f"{uid}: ATTENDEE RSVP is TRUE or FALSE")


def _local_time(event, name: str, zones: dict, problems: list) -> None:
    """A local time names its VTIMEZONE, whose observances give the zone's real offset."""
    value = event[name]
    tzid = value.params.get("TZID")
    if tzid is None:
        return
    uid = str(event.get("UID", "?"))
    zone = zones.get(tzid)
    if zone is None:
        problems.append(f"{uid}: {name} names TZID {tzid} and no VTIMEZONE defines it")
        return
    local = value.dt.replace(tzinfo=None)
    declared = local.replace(tzinfo=zone).utcoffset()
    real = local.replace(tzinfo=ZoneInfo(tzid)).utcoffset()
    if declared != real:
        problems.append(f"{uid}: the VTIMEZONE puts {name} {local} at {declared}, not {real}")
