"""Participation links for 10,000 confirmed registrants: an organiser sets the link, a real
Celery worker on the Redis broker writes and sends the emails to a local SMTP server.

Compared in the same run with a plain loop sending the same messages over one SMTP
connection (target: the worker path reaches at least half the loop's throughput).

    python -m bench sessions_delivery            # 10,000 registrants
    SESSIONS_BENCH_REGISTRANTS=2000 python -m bench sessions_delivery
"""

import os
import platform
import time

from django.core.mail import get_connection

from bench.sessions_support import counting_smtp_server, session_with_registrants
from bench.support import bench_database
from ensie_portal.celery import app as celery_app
from ensie_portal.outbox.models import OutgoingMail
from ensie_portal.outbox.services import mail_message_build
from sessions_app.services import session_link_set
from tests.integration import CeleryWorker

LINK = "https://meet.example.org/j/benchmark"
TIMEOUT = 900


def _wait_for(handler, count: int) -> None:
    deadline = time.monotonic() + TIMEOUT
    while handler.total < count:
        if time.monotonic() > deadline:
            raise AssertionError(f"only {handler.total} of {count} emails arrived")
        time.sleep(0.05)


def _through_celery(count: int, concurrency: int) -> tuple[float, list[int]]:
    with counting_smtp_server() as (handler, url):
        session, organiser = session_with_registrants(count=count)
        celery_app.conf.task_always_eager = False
        celery_app.control.purge()
        worker = CeleryWorker(email_url=url, concurrency=concurrency).start(celery_app)
        try:
            started = time.perf_counter()
            session_link_set(session=session, link=LINK, actor=organiser)
            _wait_for(handler, count)
            seconds = time.perf_counter() - started
            time.sleep(1)  # anything sent twice would arrive now
        finally:
            worker.stop()
        received = handler.per_recipient
        assert len(received) == count, f"{len(received)} recipients of {count}"
        assert set(received.values()) == {1}, "someone received the link twice"
        assert OutgoingMail.objects.filter(status=OutgoingMail.Status.SENT).count() == count
        return seconds, list(OutgoingMail.objects.order_by("pk").values_list("pk", flat=True))


def _plain_loop(mail_ids: list[int]) -> float:
    rows = list(OutgoingMail.objects.filter(pk__in=mail_ids).order_by("pk"))
    with counting_smtp_server() as (handler, url):
        host, port = url.removeprefix("smtp://").split(":")
        started = time.perf_counter()
        connection = get_connection(
            "django.core.mail.backends.smtp.EmailBackend", host=host, port=int(port)
        )
        with connection:
            for row in rows:
                mail_message_build(row, connection).send()
        _wait_for(handler, len(rows))
        return time.perf_counter() - started


def main() -> None:
    count = int(os.environ.get("SESSIONS_BENCH_REGISTRANTS", "10000"))
    concurrency = int(os.environ.get("SESSIONS_BENCH_CONCURRENCY", "2"))
    with bench_database("bench_sessions_delivery"):
        celery_seconds, mail_ids = _through_celery(count, concurrency)
        loop_seconds = _plain_loop(mail_ids)
    celery_rate = count / celery_seconds
    loop_rate = count / loop_seconds
    ratio = celery_rate / loop_rate
    print("### sessions_delivery: participation links through Celery vs a plain SMTP loop\n")
    print(
        f"- machine: {platform.node()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    )
    print(f"- {count} confirmed registrants, Celery worker concurrency {concurrency}")
    print(
        f"- Celery (fan-out, write outbox rows, send in batches): {celery_seconds:.1f} s, "
        f"{celery_rate:.0f} emails/s; every registrant received exactly one link email"
    )
    print(f"- plain loop, one SMTP connection: {loop_seconds:.1f} s, {loop_rate:.0f} emails/s")
    verdict = "met" if ratio >= 0.5 else "NOT met"
    print(f"- ratio: {ratio:.2f} of the loop's throughput (target at least 0.50: {verdict})\n")
