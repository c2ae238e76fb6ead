"""500 concurrent registrations for 100 seats against gunicorn on PostgreSQL.

Every request goes through the real web form (CSRF included): 500 people register at once,
then all 500 follow their confirmation link at once. Expected: exactly 100 confirmed seats,
400 on the waiting list, no server error.

    python -m bench sessions_registration
"""

import os
import platform
import re
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter

from django.conf import settings

from bench.sessions_support import session_with_registrants
from bench.support import bench_database
from ensie_portal.celery import app as celery_app
from sessions_app.models import Registration
from sessions_app.tokens import CONFIRM, registration_token
from tests.integration import ROOT, current_database_url, free_port, stop_process

PEOPLE = 500
SEATS = 100
QUEUE = "bench-sessions-registration"


class Client:
    def __init__(self, base: str):
        self.base = base
        self.cookie = ""
        self.csrf = ""

    def get_csrf(self, path: str) -> None:
        with urllib.request.urlopen(self.base + path, timeout=30) as response:  # noqa: S310
            html = response.read().decode()
            cookies = response.headers.get_all("Set-Cookie") or []
        self.cookie = "; ".join(c.split(";", 1)[0] for c in cookies)
        self.csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)

    def post(self, path: str, data: dict) -> tuple[int, float]:
        body = urllib.parse.urlencode({**data, "csrfmiddlewaretoken": self.csrf}).encode()
        request = urllib.request.Request(  # noqa: S310
            self.base + path, data=body, headers={"Cookie": self.cookie}, method="POST"
        )
        started = time.perf_counter()
        try:
            with _NoRedirect.open(request, timeout=120) as response:
                status = response.status
        except urllib.error.HTTPError as error:
            status = error.code
        return status, time.perf_counter() - started


class _NoRedirectHandler(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


_NoRedirect = urllib.request.build_opener(_NoRedirectHandler)


def _all_at_once(calls) -> tuple[list[tuple[int, float]], float]:
    results = [None] * len(calls)
    barrier = threading.Barrier(len(calls))

    def run(index, call):
        barrier.wait()
        results[index] = call()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results, time.perf_counter() - started


def _gunicorn(port: int) -> subprocess.Popen:
    env = {
        **os.environ,
        "DATABASE_URL": current_database_url(),
        "SECRET_KEY": settings.SECRET_KEY,
        "DEBUG": "0",
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "0",
        "CSRF_COOKIE_SECURE": "0",
        "SESSION_COOKIE_SECURE": "0",
        "STATIC_MANIFEST": "0",
        "SESSIONS_REGISTER_RATE_LIMIT": "1000000",
        "CELERY_QUEUE": QUEUE,
        "SITE_URL": f"http://127.0.0.1:{port}",
    }
    command = [sys.executable, "-m", "gunicorn", "ensie_portal.wsgi", "-b", f"127.0.0.1:{port}"]
    command += ["-w", "3", "-k", "gthread", "--threads", "4", "--backlog", "2048"]
    process = subprocess.Popen(
        command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz/", timeout=2)
            return process
        except OSError:
            time.sleep(0.3)
    stop_process(process)
    raise AssertionError("gunicorn did not start")


def _summary(label: str, results, seconds: float) -> str:
    statuses = Counter(status for status, _ in results)
    latencies = sorted(latency for _, latency in results)
    p95 = latencies[int(len(latencies) * 0.95) - 1]
    return (
        f"- {label}: {len(results)} requests in {seconds:.1f} s, statuses {dict(statuses)}, "
        f"p95 latency {p95 * 1000:.0f} ms"
    )


def main() -> None:
    with bench_database("bench_sessions_registration"):
        session, _organiser = session_with_registrants(count=0, capacity=SEATS)
        port = free_port()
        process = _gunicorn(port)
        try:
            client = Client(f"http://127.0.0.1:{port}")
            client.get_csrf(session.get_absolute_url())
            register_path = f"{session.get_absolute_url()}register/"
            registered, register_seconds = _all_at_once(
                [
                    lambda n=n: client.post(
                        register_path,
                        {
                            "name": f"Person {n}",
                            "email": f"p{n}@bench.example.org",
                            "consent": "on",
                        },
                    )
                    for n in range(PEOPLE)
                ]
            )
            tokens = [
                registration_token(registration=r, purpose=CONFIRM)
                for r in Registration.objects.filter(session=session)
            ]
            confirmed, confirm_seconds = _all_at_once(
                [
                    lambda t=t: client.post(f"/sessions/registration/confirm/{t}/", {})
                    for t in tokens
                ]
            )
        finally:
            stop_process(process)
            with celery_app.connection_for_write() as connection:
                connection.default_channel.queue_purge(QUEUE)
        counts = Counter(session.registrations.values_list("status", flat=True))
    errors = sum(1 for status, _ in registered + confirmed if status >= 500)
    met = (counts["confirmed"], counts["waiting"], errors) == (SEATS, PEOPLE - SEATS, 0)
    print("### sessions_registration: 500 concurrent registrations for 100 seats (gunicorn)\n")
    print(
        f"- machine: {platform.node()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    )
    print("- gunicorn: 3 gthread workers x 4 threads, PostgreSQL, Redis broker")
    print(_summary("register (500 at once)", registered, register_seconds))
    print(_summary("confirm (500 at once)", confirmed, confirm_seconds))
    print(
        f"- result: {counts['confirmed']} confirmed, {counts['waiting']} waiting, "
        f"{counts['pending']} pending, {errors} server errors "
        f"(expected {SEATS} confirmed, {PEOPLE - SEATS} waiting, 0 errors: "
        f"{'met' if met else 'NOT met'})\n"
    )
