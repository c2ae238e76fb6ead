from datetime import UTC, datetime

import pytest

from ensie_portal.core.ics import IcsEvent, build_calendar
from ensie_portal.core.ratelimit import ratelimit_hit
from tests.calendars import calendar_check


def test_rate_limit_refuses_past_the_limit_and_counts_per_key():
    assert all(ratelimit_hit("form:1.2.3.4", limit=3, period=60) for _ in range(3))
    assert ratelimit_hit("form:1.2.3.4", limit=3, period=60) is False
    assert ratelimit_hit("form:5.6.7.8", limit=3, period=60) is True


def test_calendar_is_valid_and_in_brussels_time():
    ics = build_calendar(
        [
            IcsEvent(
                uid="session-7@ensie",
                start=datetime(2026, 6, 10, 8, 30, tzinfo=UTC),
                end=datetime(2026, 6, 10, 10, 0, tzinfo=UTC),
                summary="Online session 7",
                description="WISEs; COVID-19",
            )
        ]
    )
    calendar = calendar_check(ics, method="PUBLISH")
    [event] = calendar.walk("VEVENT")
    assert str(event["SUMMARY"]) == "Online session 7"
    start = event.decoded("DTSTART")
    assert str(start.tzinfo) == "Europe/Brussels"
    assert (start.hour, start.minute) == (10, 30)
    assert [str(tz["TZID"]) for tz in calendar.walk("VTIMEZONE")] == ["Europe/Brussels"]
    assert b"DESCRIPTION:WISEs\\; COVID-19" in ics


@pytest.mark.django_db
def test_transition_helper_refuses_what_the_table_does_not_allow_and_audits_the_rest():
    from ensie_portal.core.errors import TransitionNotAllowed
    from ensie_portal.core.workflow import Rule, audit_trail, transition
    from networks.models import Network
    from tests.factories import UserFactory

    network = Network.objects.create(legal_name="Test network", slug="test", country="BE")
    staff = UserFactory(is_staff=True)
    table = {
        (Network.Status.APPLICANT, Network.Status.MEMBER): Rule(
            who=lambda actor, obj: actor.is_staff, action="admit"
        )
    }
    with pytest.raises(TransitionNotAllowed):
        transition(obj=network, to=Network.Status.FORMER, actor=staff, transitions=table)
    with pytest.raises(TransitionNotAllowed):
        transition(obj=network, to=Network.Status.MEMBER, actor=UserFactory(), transitions=table)
    transition(obj=network, to=Network.Status.MEMBER, actor=staff, transitions=table, comment="ok")
    network.refresh_from_db()
    assert network.status == Network.Status.MEMBER
    [entry] = audit_trail(network)
    assert (entry.actor, entry.from_state, entry.to_state, entry.comment) == (
        staff,
        "applicant",
        "member",
        "ok",
    )
