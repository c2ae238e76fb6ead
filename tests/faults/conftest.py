"""Fault tests (``make faults``; they run in ``make test`` too): the production processes on a
Redis, an SMTP server and a database of the test's own, broken the way production breaks."""

import pytest

from tests.faults.processes import Portal, RedisServer

# One test at a time on one xdist worker: each starts a web server, a worker and a beat.
pytestmark = [pytest.mark.faults, pytest.mark.xdist_group("faults")]


@pytest.fixture
def redis_server(tmp_path):
    server = RedisServer(tmp_path).start()
    yield server
    server.stop()


@pytest.fixture
def portal_factory(tmp_path, redis_server, smtp_server):
    """Builds the installation (started by the test with ``portal.start(...)``); stops it."""
    portals = []

    def build(**settings):
        portal = Portal(
            redis_url=redis_server.url,
            email_url=smtp_server.url,
            directory=tmp_path,
            **settings,
        )
        portals.append(portal)
        return portal

    yield build
    for portal in portals:
        portal.stop()
