import pytest

from ensie_portal.outbox.models import OutgoingMail
from ensie_portal.outbox.services import mail_queue
from tests.integration import wait_until

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
    # The worker marks the row sent once the server took the message (a busy machine may take
    # a while between the two).
    wait_until(
        lambda: OutgoingMail.objects.filter(pk=row.pk, status=OutgoingMail.Status.SENT).exists(),
        timeout=30,
    )
    assert len(smtp_server.messages) == 1
