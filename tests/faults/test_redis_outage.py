"""Issue 12, item 6: Redis down must not cost a submission. Registrations, expressions of
interest and votes made while Redis is down are stored (the rate limits fail open, logged), and
their emails are delivered once Redis is back (the outbox sweep)."""

import pytest
from django.contrib.auth.hashers import PBKDF2PasswordHasher

from assemblies.models import Vote
from networks.models import Application
from sessions_app.models import Registration
from tests.assemblies.factories import AssemblyInSessionFactory, MotionFactory, member
from tests.factories import TEST_PASSWORD
from tests.faults.conftest import pytestmark as faults
from tests.faults.processes import WebClient, wait_until
from tests.sessions_app.factories import SessionFactory

pytestmark = [*faults, pytest.mark.django_db(transaction=True)]

REGISTRATIONS = 100


def register(client: WebClient, slug: str, n: int) -> int:
    status, _page = client.post(
        f"/sessions/{slug}/register/",
        {"name": f"Person {n}", "email": f"person{n}@example.org", "consent": "on"},
        form_page=f"/sessions/{slug}/",
    )
    return status


def test_nothing_submitted_during_a_redis_outage_is_lost(portal_factory, redis_server, smtp_server):
    session = SessionFactory()
    assembly = AssemblyInSessionFactory()
    motion = MotionFactory(assembly=assembly)
    _network, voter = member(assembly)
    hasher = PBKDF2PasswordHasher()  # the web server's, not the suite's fast one
    voter.password = hasher.encode(TEST_PASSWORD, hasher.salt())
    voter.save(update_fields=["password"])
    # The sweep every 5 s (instead of 30) only shortens the wait; the timing of a recovery is
    # test_worker_killed's business.
    portal = portal_factory(OUTBOX_SWEEP_SECONDS=5, SESSIONS_REGISTER_RATE_LIMIT=25).start()
    visitor, representative = WebClient(portal.url), WebClient(portal.url)
    representative.sign_in(voter.email, TEST_PASSWORD)

    statuses = [register(visitor, session.slug, n) for n in range(20)]
    redis_server.stop()
    statuses += [register(visitor, session.slug, n) for n in range(20, REGISTRATIONS)]
    interest_status, _ = visitor.post(
        "/join/interest/",
        {
            "organisation": "Réseau pendant la panne",
            "country": "BE",
            "contact_name": "Ana Outage",
            "contact_email": "ana.outage@example.org",
            "wise_count": "12",
        },
    )
    vote_status, _ = representative.post(
        f"/assemblies/{assembly.pk}/items/{motion.pk}/networks/{_network.pk}/vote/",
        {"choice": "yes"},
    )

    # Every page answered (no 500, and no 429: the limit of 25 an hour fails open while Redis
    # is away), and everything is stored.
    assert set(statuses) == {200}
    assert interest_status == 200
    assert vote_status == 200
    assert Registration.objects.filter(session=session).count() == REGISTRATIONS
    assert Application.objects.filter(contact_email="ana.outage@example.org").exists()
    assert Vote.objects.get(item=motion).choice == "yes"
    web_log = portal.log("web").read_text()
    assert "Redis cache unavailable" in web_log
    assert "Broker unavailable" in web_log

    redis_server.start()  # a new, empty Redis: whatever the old one held is gone
    wanted = {f"person{n}@example.org" for n in range(REGISTRATIONS)} | {"ana.outage@example.org"}

    def delivered():
        return wanted <= {to for recipients, _ in smtp_server.messages for to in recipients}

    wait_until(delivered, timeout=120, interval=0.5, message="emails lost after the outage")
    confirmations = [
        message
        for recipients, message in smtp_server.messages
        if recipients[0].startswith("person")
    ]
    assert len(confirmations) == REGISTRATIONS  # each once
