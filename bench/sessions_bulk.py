"""Organisers register 1,000 people from a pasted list: the preview page and the import, through
the real views (Django's test client, PostgreSQL), each email queued in the outbox and handed
to Celery on the Redis broker (a throwaway queue, purged at the end: nothing is sent).

Target: the whole import finishes in seconds.

    python -m bench sessions_bulk
"""

import os
import platform
import re
import time

from django.conf import settings
from django.db.models import Count
from django.test import Client
from django.test.utils import override_settings
from django.urls import reverse

from bench.sessions_support import session_with_registrants
from bench.support import bench_database
from ensie_portal.celery import app as celery_app
from ensie_portal.outbox.models import OutgoingMail
from sessions_app.models import Registration

LINES = 1000
QUEUE = "bench-sessions-bulk"


def _lines(existing: int) -> str:
    """1,000 lines: new people, already registered, duplicates in the list, invalid ones."""
    lines = []
    for index in range(LINES):
        if index % 50 == 0:
            lines.append(f"registrant{index % existing}@bench.example.org")  # registered
        elif index % 50 == 1:
            lines.append(f"Person {index - 2} <person{index - 2}@example.org>")  # duplicate
        elif index % 100 == 2:
            lines.append(f"Person {index} <not an address>")  # invalid
        else:
            lines.append(f"Person {index} <person{index}@example.org>")
    return "\n".join(lines)


def _run(client: Client, session, text: str, mode: str) -> tuple[float, float, int]:
    url = reverse("sessions_app:attendee_import", args=[session.pk])
    form = {"lines": text, "language": "en", "mode": mode}
    started = time.perf_counter()
    preview = client.post(url, {**form, "action": "preview"})
    preview_seconds = time.perf_counter() - started
    assert preview.status_code == 200, preview.status_code
    html = preview.content.decode()
    payload = re.search(r'name="payload" value="([^"]+)"', html).group(1)
    started = time.perf_counter()
    done = client.post(url, {**form, "payload": payload, "action": "import"})
    import_seconds = time.perf_counter() - started
    assert done.status_code == 302, done.status_code
    return preview_seconds, import_seconds, html.count('class="bulk-new"')


def main() -> None:
    previous = (celery_app.conf.task_always_eager, celery_app.conf.task_default_queue)
    celery_app.conf.task_always_eager = False
    celery_app.conf.task_default_queue = QUEUE
    results = []
    try:
        with (
            bench_database("bench_sessions_bulk"),
            override_settings(
                ALLOWED_HOSTS=["testserver"],
                EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
            ),
        ):
            for mode, capacity, number in (("confirm", None, 901), ("vouched", 500, 902)):
                session, organiser = session_with_registrants(
                    count=100, capacity=capacity, number=number
                )
                client = Client()
                client.force_login(organiser)
                preview, imported, new = _run(client, session, _lines(100), mode)
                imported_ones = session.registrations.filter(source=Registration.Source.ORGANISER)
                statuses = dict(
                    imported_ones.values("status")
                    .annotate(n=Count("pk"))
                    .values_list("status", "n")
                )
                mails = OutgoingMail.objects.filter(
                    related_id__in=[str(pk) for pk in imported_ones.values_list("pk", flat=True)]
                ).count()
                results.append((mode, capacity, preview, imported, new, statuses, mails))
    finally:
        with celery_app.connection_for_write() as connection:
            connection.default_channel.queue_purge(QUEUE)
        celery_app.conf.task_always_eager, celery_app.conf.task_default_queue = previous
    print("### sessions_bulk: 1,000 pasted lines, preview then import, through the views\n")
    print(
        f"- machine: {platform.node()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    )
    print(f"- database: PostgreSQL ({settings.DATABASES['default']['NAME']})")
    for mode, capacity, preview, imported, new, statuses, mails in results:
        seats = f"capacity {capacity}, 100 seats taken" if capacity else "no capacity"
        print(
            f"- mode `{mode}` ({seats}): preview {preview:.2f} s; import of {new} new people "
            f"{imported:.2f} s; registrations {statuses}; {mails} emails queued"
        )
    print()
