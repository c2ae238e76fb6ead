"""Issue 12, item 8: the worker once exited for good on a Redis connection loss. In production
the three processes run supervised (deploy/: systemd unit, supervisord.conf, Procfile, all
through deploy/run); here supervisord brings each back after ``kill -9`` and after Redis goes
away and returns, and the installation still delivers its emails."""

import pytest

from tests.faults.conftest import pytestmark as faults
from tests.faults.processes import WebClient, wait_until
from tests.sessions_app.factories import SessionFactory

pytestmark = [*faults, pytest.mark.django_db(transaction=True)]


def test_supervisor_brings_every_process_back_and_the_portal_keeps_sending(
    portal_factory, redis_server, smtp_server
):
    session = SessionFactory()
    portal = portal_factory(OUTBOX_SWEEP_SECONDS=5).start()
    for program in portal.PROGRAMS:
        before = portal.kill(program)
        wait_until(
            lambda program=program, before=before: portal.pid(program) not in (0, before),
            timeout=30,
            interval=0.2,
            message=f"{program} did not come back",
        )
    wait_until(portal.web_answers, timeout=30, message="the web did not come back")

    # Redis goes away and comes back (empty): the worker and beat carry on, or are restarted,
    # and an email queued afterwards is delivered.
    redis_server.stop()
    wait_until(lambda: not redis_server.answers(), timeout=5)
    redis_server.start()
    status, _ = WebClient(portal.url).post(
        f"/sessions/{session.slug}/register/",
        {"name": "After the storm", "email": "after@example.org", "consent": "on"},
        form_page=f"/sessions/{session.slug}/",
    )
    assert status == 200
    smtp_server.wait_for(1, timeout=90)
    assert smtp_server.messages[0][0] == ["after@example.org"]
    assert all(portal.pid(program) for program in portal.PROGRAMS)
