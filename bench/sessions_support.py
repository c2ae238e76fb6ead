"""What the sessions benchmarks share: a throwaway PostgreSQL database, a counting SMTP
server, a session with many confirmed registrants."""

import contextlib
import threading
from collections import Counter
from datetime import timedelta

from aiosmtpd.controller import Controller
from django.contrib.auth.models import Group
from django.utils import timezone

from tests.integration import free_port


class CountingHandler:
    """Counts the messages per recipient; does not parse them (the server must not be the
    bottleneck of what is measured)."""

    def __init__(self):
        self.per_recipient = Counter()
        self.lock = threading.Lock()
        self.total = 0

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's API
        with self.lock:
            self.total += 1
            self.per_recipient.update(envelope.rcpt_tos)
        return "250 OK"


@contextlib.contextmanager
def counting_smtp_server():
    handler = CountingHandler()
    port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield handler, f"smtp://127.0.0.1:{port}"
    finally:
        controller.stop()


def session_with_registrants(*, count: int, capacity=None, number: int = 900):
    from ensie_portal.accounts.models import Roles, User
    from sessions_app.models import Registration, Session

    organiser, _ = User.objects.get_or_create(email=f"organiser{number}@bench.example.org")
    organiser.groups.add(*Group.objects.filter(name=Roles.ORGANISERS))
    start = timezone.now() + timedelta(days=7)
    session = Session.objects.create(
        number=number,
        title_en=f"Benchmark session {number}",
        slug=f"benchmark-{number}",
        starts_at=start,
        ends_at=start + timedelta(minutes=90),
        platform="WebEx Meetings",
        capacity=capacity,
        status=Session.Status.PUBLISHED,
    )
    session.organisers.add(organiser)
    now = timezone.now()
    Registration.objects.bulk_create(
        Registration(
            session=session,
            name=f"Registrant {i}",
            email=f"registrant{i}@bench.example.org",
            language="fr" if i % 3 == 0 else "en",
            status=Registration.Status.CONFIRMED,
            confirmed_at=now,
        )
        for i in range(count)
    )
    return session, organiser
