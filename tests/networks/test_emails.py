"""Every membership email exists in English and French."""

import datetime
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone

from ensie_portal.outbox.services import mail_render
from tests.factories import UserFactory
from tests.networks.factories import (
    ApplicationFactory,
    GeneralAssemblyFactory,
    fill_reasoned_request,
)

pytestmark = pytest.mark.django_db

TEMPLATES = Path(settings.BASE_DIR) / "templates" / "emails"
EVENTS = sorted(
    path.name.removeprefix("networks_").removesuffix(".body.txt")
    for path in TEMPLATES.glob("networks_*.body.txt")
)


def test_every_step_of_the_workflow_has_its_email():
    assert set(EVENTS) >= {
        "interest_contact",
        "interest_secretariat",
        "meeting_scheduled",
        "meeting_held",
        "request_submitted",
        "request_board",
        "under_review",
        "changes_requested",
        "eligible",
        "not_eligible",
        "on_agenda",
        "agenda_removed",
        "agenda_returned",
        "agenda_returned_secretariat",
        "admitted",
        "rejected",
        "withdrawn",
        "withdrawn_secretariat",
    }


@pytest.mark.parametrize("event", EVENTS)
def test_each_email_reads_in_the_recipients_language(event):
    application = ApplicationFactory(
        meeting_at=timezone.now(), meeting_link="https://meet.example.org/x"
    )
    fill_reasoned_request(application, assembly=GeneralAssemblyFactory(title="GA"))
    application.board_message = "Board says."
    application.voted_on = datetime.date(2030, 6, 1)
    context = {
        "event": event,
        "application": application,
        "network": application.network,
        "recipient": UserFactory(display_name="Lea"),
        "assembly": application.assembly,
        "url": "https://portal.example/app/",
        "new_account": True,
        "set_password_url": "https://portal.example/set/",
    }
    english = mail_render(template="networks_application", context=context, language="en")
    french = mail_render(template="networks_application", context=context, language="fr")
    assert english[0] != french[0], "the subject is translated"
    assert english[1] != french[1], "the text is translated"
    assert "Bonjour Lea," in french[1]
    assert "https://portal.example/app/" in french[2]
    for rendered in (*english, *french):
        assert "{%" not in rendered
        assert "{{" not in rendered
