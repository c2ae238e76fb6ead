import pytest

from ensie_portal.outbox.models import OutgoingMail
from ensie_portal.outbox.services import mail_queue

pytestmark = [
    pytest.mark.integration,
    pytest.mark.xdist_group("celery-worker"),
    pytest.mark.django_db(transaction=True),
]


def test_a_real_worker_delivers_an_outbox_email_once(celery_worker_process, smtp_server):
    row = mail_queue(
        key="integration:hello",
        to="member@example.org",
        template="notice",
        language="fr",
        context={"subject": "Bonjour", "lines": ["Une ligne"]},
    )
    [(recipients, message)] = smtp_server.wait_for(1)

    assert recipients == ["member@example.org"]
    assert message["Subject"] == "Bonjour"
    assert message["To"] == "member@example.org"
    assert "noreply@ensie.org" in message["From"]
    assert message["Auto-Submitted"] == "auto-generated"
    text = message.get_body(preferencelist=("plain",)).get_content()
    html = message.get_body(preferencelist=("html",)).get_content()
    assert "Une ligne" in text
    assert "<p>Une ligne</p>" in html

    # Queuing the same logical message again sends nothing more.
    mail_queue(
        key="integration:hello",
        to="member@example.org",
        template="notice",
        language="fr",
        context={"subject": "Bonjour", "lines": ["Une ligne"]},
    )
    row.refresh_from_db()
    for _ in range(50):
        if row.status == OutgoingMail.Status.SENT:
            break
        import time

        time.sleep(0.1)
        row.refresh_from_db()
    assert row.status == OutgoingMail.Status.SENT
    assert len(smtp_server.messages) == 1
