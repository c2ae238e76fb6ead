"""The portal's iCalendar files pass a strict reading (tests/calendars.py): a complete
VTIMEZONE, the properties RFC 5545 and RFC 5546 require for a PUBLISH and a REQUEST."""

from datetime import UTC, datetime

import pytest

from ensie_portal.core.i18n import LocalisedText
from ensie_portal.core.ics import IcsEvent, IcsPerson, build_calendar
from tests.calendars import CalendarError, calendar_check


def event(start, end, **extra):
    return IcsEvent(uid="session-7@ensie.org", start=start, end=end, summary="Session 7", **extra)


@pytest.mark.parametrize(
    ("start", "end"),
    [
        (datetime(2026, 12, 10, 9, 0, tzinfo=UTC), datetime(2026, 12, 10, 10, 30, tzinfo=UTC)),
        (datetime(2026, 6, 10, 8, 30, tzinfo=UTC), datetime(2026, 6, 10, 10, 0, tzinfo=UTC)),
        # The night summer time ends (02:30 happens twice), and across the new year.
        (datetime(2026, 10, 25, 0, 30, tzinfo=UTC), datetime(2026, 10, 25, 2, 30, tzinfo=UTC)),
        (datetime(2026, 10, 25, 1, 30, tzinfo=UTC), datetime(2026, 10, 25, 2, 30, tzinfo=UTC)),
        (datetime(2026, 12, 31, 22, 0, tzinfo=UTC), datetime(2027, 1, 1, 1, 0, tzinfo=UTC)),
    ],
    ids=["winter", "summer", "first-02:30", "second-02:30", "new-year"],
)
def test_a_one_event_calendar_carries_a_complete_brussels_time_zone(start, end):
    calendar = calendar_check(build_calendar([event(start, end)]), method="PUBLISH")
    [zone] = calendar.walk("VTIMEZONE")
    assert str(zone["TZID"]) == "Europe/Brussels"
    assert {c.name for c in zone.subcomponents} == {"STANDARD", "DAYLIGHT"}
    [vevent] = calendar.walk("VEVENT")
    # The same instant (an ambiguous local time is compared by its timestamp).
    assert vevent.decoded("DTSTART").timestamp() == start.timestamp()
    assert vevent.decoded("DTEND").timestamp() == end.timestamp()
    assert str(vevent["ORGANIZER"]) == "mailto:secretariat@ensie.org"
    assert "ATTENDEE" not in vevent


def test_texts_say_the_language_they_are_written_in():
    """A session written in French only, in an English registrant's calendar (RFC 5545
    LANGUAGE, as the pages mark it with ``lang``)."""
    start = datetime(2026, 12, 10, 9, 0, tzinfo=UTC)
    ics = build_calendar(
        [
            IcsEvent(
                uid="session-7@ensie.org",
                start=start,
                end=start.replace(hour=10),
                summary=LocalisedText("L’économie sociale", "fr"),
                description=LocalisedText("Ce que font les entreprises d’insertion.", "fr"),
            )
        ]
    )
    [vevent] = calendar_check(ics, method="PUBLISH").walk("VEVENT")
    assert vevent["SUMMARY"].params["LANGUAGE"] == "fr"
    assert vevent["DESCRIPTION"].params["LANGUAGE"] == "fr"
    unmarked = build_calendar([event(start, start.replace(hour=10))])
    assert b"LANGUAGE" not in unmarked  # a text of unknown language claims none


def test_a_published_calendar_never_names_attendees():
    start = datetime(2026, 12, 10, 9, 0, tzinfo=UTC)
    ics = build_calendar(
        [event(start, start.replace(hour=10), attendees=(IcsPerson("ana@example.es"),))]
    )
    assert b"ATTENDEE" not in calendar_check(ics, method="PUBLISH").to_ical()


def test_an_invitation_names_its_organiser_and_asks_each_attendee_to_answer():
    start = datetime(2026, 12, 10, 9, 0, tzinfo=UTC)
    ics = build_calendar(
        [
            event(
                start,
                start.replace(hour=10),
                sequence=2,
                organizer=IcsPerson("secretariat@ensie.org", "ENSIE secretariat"),
                attendees=(IcsPerson("ana@example.es", "Ana López"), IcsPerson("bo@example.se")),
            )
        ],
        method="REQUEST",
    )
    [vevent] = calendar_check(ics, method="REQUEST").walk("VEVENT")
    assert vevent["ORGANIZER"].params["CN"] == "ENSIE secretariat"
    attendees = vevent["ATTENDEE"]
    assert [str(a) for a in attendees] == ["mailto:ana@example.es", "mailto:bo@example.se"]
    assert {(a.params["PARTSTAT"], a.params["RSVP"]) for a in attendees} == {
        ("NEEDS-ACTION", "TRUE")
    }
    assert vevent["SEQUENCE"] == 2


def test_an_invitation_without_attendees_is_refused():
    start = datetime(2026, 12, 10, 9, 0, tzinfo=UTC)
    with pytest.raises(ValueError, match="attendees"):
        build_calendar([event(start, start.replace(hour=10))], method="REQUEST")


def test_an_empty_feed_is_a_valid_calendar_without_a_method():
    calendar = calendar_check(build_calendar([], name="ENSIE online sessions"), method=None)
    assert calendar.walk("VEVENT") == []


EMPTY_TIME_ZONE = (
    "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//ENSIE//ENSIE portal//EN\r\nMETHOD:PUBLISH\r\n"
    "BEGIN:VTIMEZONE\r\nTZID:Europe/Brussels\r\nEND:VTIMEZONE\r\n"
    "BEGIN:VEVENT\r\nUID:session-7@ensie.org\r\nDTSTAMP:20261204T120000Z\r\n"
    "DTSTART;TZID=Europe/Brussels:20261210T100000\r\n"
    "DTEND;TZID=Europe/Brussels:20261210T113000\r\nSUMMARY:Session 7\r\nSEQUENCE:0\r\n"
    "END:VEVENT\r\nEND:VCALENDAR\r\n"
)


def test_the_checker_refuses_what_the_portal_used_to_write():
    """The calendars before this check: an empty VTIMEZONE and no ORGANIZER."""
    with pytest.raises(CalendarError) as refused:
        calendar_check(EMPTY_TIME_ZONE.encode(), method="PUBLISH")
    assert "no STANDARD or DAYLIGHT" in str(refused.value)
    assert "ORGANIZER 0 times in a PUBLISH" in str(refused.value)


def test_the_checker_refuses_a_time_zone_that_puts_the_event_at_the_wrong_hour():
    wrong = EMPTY_TIME_ZONE.replace(
        "END:VTIMEZONE",
        "BEGIN:STANDARD\r\nDTSTART:19700101T000000\r\nTZOFFSETFROM:+0000\r\n"
        "TZOFFSETTO:+0000\r\nEND:STANDARD\r\nEND:VTIMEZONE",
    )
    with pytest.raises(CalendarError, match="the VTIMEZONE puts DTSTART"):
        calendar_check(wrong.encode(), method="PUBLISH")
