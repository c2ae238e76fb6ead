"""A real Celery worker on Redis delivers participation links to a real SMTP server."""

import time

import pytest

from ensie_portal.outbox.models import OutgoingMail
from sessions_app.models import Registration
from sessions_app.services import session_link_set
from tests.factories import make_organiser
from tests.integration import wait_until
from tests.sessions_app.factories import RegistrationFactory, SessionFactory

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.integration,
    pytest.mark.xdist_group("celery-worker"),
]


def test_a_real_worker_delivers_the_participation_link_once_per_registrant(
    celery_worker_process, smtp_server
):
    organiser = make_organiser()
    session = SessionFactory(organisers=[organiser], title="Work Integration Social Enterprises")
    english = RegistrationFactory(session=session, email="ada@example.org", language="en")
    french = RegistrationFactory(session=session, email="marie@example.org", language="fr")
    RegistrationFactory(session=session, status=Registration.Status.WAITING)

    session_link_set(session=session, link="https://meet.example.org/j/wise-7", actor=organiser)
    messages = smtp_server.wait_for(2)

    by_recipient = {recipients[0]: message for recipients, message in messages}
    assert set(by_recipient) == {english.email, french.email}
    text = by_recipient[english.email].get_body(preferencelist=("plain",)).get_content()
    assert "https://meet.example.org/j/wise-7" in text
    assert "/sessions/registration/cancel/" in text
    assert by_recipient[english.email]["Subject"].startswith("Your participation link")
    french_text = by_recipient[french.email].get_body(preferencelist=("plain",)).get_content()
    assert "/fr/sessions/registration/cancel/" in french_text
    attachments = list(by_recipient[english.email].iter_attachments())
    assert attachments[0].get_content_type() == "text/calendar"

    # Both rows are marked sent (a busy machine may take a while after the server took them).
    sent = OutgoingMail.objects.filter(status=OutgoingMail.Status.SENT)
    wait_until(lambda: sent.count() == 2, timeout=30)

    # Setting the same link again sends nothing more.
    session_link_set(session=session, link="https://meet.example.org/j/wise-7", actor=organiser)
    time.sleep(1.5)
    assert len(smtp_server.messages) == 2
    assert OutgoingMail.objects.count() == 2
