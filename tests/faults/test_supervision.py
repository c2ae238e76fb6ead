"""Issue 12, item 8: the worker once exited for good on a Redis connection loss. In production
the three processes run supervised (deploy/: systemd unit, supervisord.conf, Procfile, all
through deploy/run); here supervisord brings each back after ``kill -9`` and after Redis goes
away and returns, and the installation still delivers its emails."""

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from tests.faults.conftest import pytestmark as faults
from tests.faults.processes import Portal, WebClient, wait_until
from tests.integration import ROOT, stop_process
from tests.sessions_app.factories import SessionFactory

pytestmark = [*faults, pytest.mark.django_db(transaction=True)]

CONFIG = ROOT / "deploy" / "supervisord.conf"
BIN = Path(sys.executable).parent
PROGRAMS = ("web", "worker", "beat")


class Supervisor:
    def __init__(self, portal: Portal):
        self.env = {**portal.env, "ENSIE_RUN_DIR": str(portal.directory)}
        self.process = None

    def start(self):
        self.process = subprocess.Popen(
            [str(BIN / "supervisord"), "-c", str(CONFIG)],
            env=self.env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_until(lambda: all(self.pid(name) for name in PROGRAMS), timeout=60, interval=0.5)
        return self

    def pid(self, program: str) -> int:
        """The program's process id once it is RUNNING, else 0."""
        result = subprocess.run(
            [str(BIN / "supervisorctl"), "-c", str(CONFIG), "status", program],
            env=self.env,
            capture_output=True,
            text=True,
            check=False,
        )
        fields = result.stdout.split()
        if len(fields) > 3 and fields[1] == "RUNNING" and fields[2] == "pid":
            return int(fields[3].rstrip(","))
        return 0

    def stop(self):
        stop_process(self.process, timeout=60)


def test_supervisor_brings_every_process_back_and_the_portal_keeps_sending(
    portal_factory, redis_server, smtp_server
):
    session = SessionFactory()
    portal = portal_factory(OUTBOX_SWEEP_SECONDS=5)
    supervisor = Supervisor(portal).start()
    try:
        for program in PROGRAMS:
            before = supervisor.pid(program)
            # The program and its children (gunicorn's and celery's pool processes) die at
            # once, as when systemd or the kernel kills the service's control group.
            os.killpg(before, signal.SIGKILL)
            wait_until(
                lambda program=program, before=before: supervisor.pid(program) not in (0, before),
                timeout=30,
                interval=0.2,
                message=f"{program} did not come back",
            )
        wait_until(portal.web_answers, timeout=30, message="the web did not come back")

        # Redis goes away and comes back (empty): the worker and beat carry on, or are
        # restarted, and an email queued afterwards is delivered.
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
        assert all(supervisor.pid(program) for program in PROGRAMS)
    finally:
        supervisor.stop()
