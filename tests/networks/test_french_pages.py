"""Texts built in Python (steps, feedback messages, refusals) follow the page's language, not
the language the server started in."""

import pytest
from django.urls import reverse
from django.utils import translation

# Loaded as a server loads them: once, before any request and so in the default language.
import assemblies.views  # noqa: F401
import networks.views  # noqa: F401
from networks.models import Application
from tests.assemblies.factories import AssemblyInSessionFactory, MotionFactory, member
from tests.factories import UserFactory, make_board_member
from tests.networks.factories import ApplicationFactory, fill_reasoned_request

pytestmark = pytest.mark.django_db
Status = Application.Status


def french(name, *args):
    with translation.override("fr"):
        return reverse(name, args=args)


def test_the_applicants_steps_are_in_french_on_the_french_page(client):
    applicant = UserFactory()
    application = ApplicationFactory(status=Status.MEETING_HELD, representative=applicant)
    client.force_login(applicant)
    page = client.get(french("networks:application_detail", application.pk)).content.decode()
    assert "Intérêt exprimé" in page
    assert "Interest expressed" not in page


def test_the_boards_feedback_message_is_in_french_on_the_french_page(client):
    application = ApplicationFactory(status=Status.REQUEST_SUBMITTED, representative=UserFactory())
    fill_reasoned_request(application)
    client.force_login(make_board_member())
    response = client.post(french("networks:board_review_start", application.pk), follow=True)
    assert "L’examen a commencé." in response.content.decode()


def test_a_refused_vote_is_explained_in_french_on_the_french_page(client):
    motion = MotionFactory(assembly=AssemblyInSessionFactory())
    network, user = member(motion.assembly, paid=False)
    client.force_login(user)
    url = french("assemblies:assembly_vote", motion.assembly_id, motion.pk, network.pk)
    response = client.post(url, {"choice": "yes"}, follow=True)
    assert "n’est pas enregistrée comme payée" in response.content.decode()
