"""The account overview gives every role the links to its tools, and nothing it cannot use."""

import pytest
from django.urls import reverse

from networks.models import Application
from tests.factories import UserFactory, make_board_member, make_organiser, make_staff
from tests.networks.factories import ApplicationFactory
from tests.practices.factories import make_editor, make_representative

pytestmark = pytest.mark.django_db


def dashboard_links(client, user):
    client.force_login(user)
    return client.get(reverse("core:dashboard")).content.decode()


def href(name, *args):
    return f'href="{reverse(name, args=args)}"'


def test_an_applicant_finds_their_application(client):
    applicant = UserFactory()
    ApplicationFactory(status=Application.Status.MEETING_HELD, representative=applicant)
    page = dashboard_links(client, applicant)
    assert href("networks:my_applications") in page
    assert href("practices:contribute") not in page
    assert href("networks:board_queue") not in page


def test_a_member_representative_finds_assemblies_and_contributing_a_practice(client):
    page = dashboard_links(client, make_representative())
    assert href("assemblies:assembly_list") in page
    assert href("practices:contribute") in page
    assert href("practices:mine") in page
    assert href("sessions_app:manage_list") not in page


def test_the_board_finds_the_review_queue_and_the_assemblies(client):
    page = dashboard_links(client, make_board_member())
    assert href("networks:board_queue") in page
    assert href("assemblies:assembly_list") in page


def test_an_organiser_finds_their_sessions_and_the_email_requests(client):
    page = dashboard_links(client, make_organiser())
    assert href("sessions_app:manage_list") in page
    assert href("sessions_app:inbound_list") in page


def test_an_editor_finds_the_moderation_queue(client):
    page = dashboard_links(client, make_editor())
    assert href("practices:moderation") in page
    assert href("networks:board_queue") not in page


def test_staff_find_every_tool(client):
    page = dashboard_links(client, make_staff())
    for name in (
        "networks:board_queue",
        "assemblies:staff_assemblies",
        "networks:fee_list",
        "sessions_app:manage_list",
        "sessions_app:inbound_list",
        "practices:contribute",
        "practices:moderation",
        "admin:index",
    ):
        assert href(name) in page, name
