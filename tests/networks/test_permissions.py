"""Who sees which application page and file: applicant A, applicant B, Board, staff, anonymous."""

import pytest
from django.urls import reverse

from networks.models import Application
from tests.factories import UserFactory, make_board_member, make_staff
from tests.networks.factories import ApplicationFactory, fill_reasoned_request

pytestmark = pytest.mark.django_db
Status = Application.Status

APPLICANT_PAGES = [
    "networks:application_detail",
    "networks:reasoned_request",
    "networks:application_withdraw",
]
FILES = ["motivation-letter", "statutes"]
BOARD_PAGES = ["networks:board_application"]
# Expected status per viewer: applicant pages are scoped to the network's representatives.
APPLICANT_EXPECTED = {"a": 200, "b": 404, "board": 404, "staff": 404, "anonymous": 302}
FILE_EXPECTED = {"a": 200, "b": 404, "board": 200, "staff": 200, "anonymous": 404}
BOARD_EXPECTED = {"a": 403, "b": 403, "board": 200, "staff": 200, "anonymous": 302}
VIEWERS = list(APPLICANT_EXPECTED)


@pytest.fixture
def world():
    user_a, user_b = UserFactory(), UserFactory()
    application_a = ApplicationFactory(status=Status.UNDER_REVIEW, representative=user_a)
    fill_reasoned_request(application_a)
    ApplicationFactory(status=Status.UNDER_REVIEW, representative=user_b)
    return {
        "application": application_a,
        "a": user_a,
        "b": user_b,
        "board": make_board_member(),
        "staff": make_staff(),
        "anonymous": None,
    }


def get_as(client, world, viewer, url):
    if world[viewer] is not None:
        client.force_login(world[viewer])
    return client.get(url)


@pytest.mark.parametrize("viewer", VIEWERS)
@pytest.mark.parametrize("name", APPLICANT_PAGES)
def test_applicant_pages_only_for_the_networks_representatives(client, world, viewer, name):
    url = reverse(name, kwargs={"pk": world["application"].pk})
    assert get_as(client, world, viewer, url).status_code == APPLICANT_EXPECTED[viewer]


@pytest.mark.parametrize("viewer", VIEWERS)
@pytest.mark.parametrize("kind", FILES)
def test_private_files_only_for_representatives_board_and_staff(client, world, viewer, kind):
    url = reverse("networks:application_file", kwargs={"pk": world["application"].pk, "kind": kind})
    response = get_as(client, world, viewer, url)
    assert response.status_code == FILE_EXPECTED[viewer]
    if response.status_code == 200:
        assert b"".join(response.streaming_content).startswith(b"%PDF-")
        assert response["Content-Disposition"].startswith("attachment")


@pytest.mark.parametrize("viewer", VIEWERS)
@pytest.mark.parametrize("name", [*BOARD_PAGES, "networks:board_queue"])
def test_board_pages_only_for_the_board_and_staff(client, world, viewer, name):
    kwargs = {"pk": world["application"].pk} if name != "networks:board_queue" else {}
    response = get_as(client, world, viewer, reverse(name, kwargs=kwargs))
    assert response.status_code == BOARD_EXPECTED[viewer]


def test_board_member_without_two_factor_is_sent_to_set_it_up(client, world):
    client.force_login(make_board_member(totp=False))
    response = client.get(reverse("networks:board_queue"))
    assert response.status_code == 302
    assert reverse("mfa_activate_totp") in response["Location"]


def test_uploaded_files_have_no_public_url(world):
    application = world["application"]
    with pytest.raises(NotImplementedError):
        _ = application.statutes.url


@pytest.mark.parametrize(
    ("name", "viewer", "expected"),
    [
        ("networks:board_decide", "a", 403),
        ("networks:board_decide", "staff", 302),
        ("networks:board_criteria", "b", 403),
        ("networks:board_meeting_held", "board", 403),
        ("networks:board_agenda", "board", 403),
        ("networks:board_review_start", "anonymous", 302),
    ],
)
def test_board_and_staff_actions_refuse_other_users(client, world, name, viewer, expected):
    if world[viewer] is not None:
        client.force_login(world[viewer])
    response = client.post(reverse(name, kwargs={"pk": world["application"].pk}), {})
    assert response.status_code in (expected, 400)
    world["application"].refresh_from_db()
    assert world["application"].status == Status.UNDER_REVIEW


def test_staff_may_not_take_the_board_decision(client, world):
    client.force_login(world["staff"])
    client.post(
        reverse("networks:board_decide", kwargs={"pk": world["application"].pk}),
        {"decision": "not_eligible", "message": "No."},
    )
    world["application"].refresh_from_db()
    assert world["application"].status == Status.UNDER_REVIEW


def test_applicant_b_cannot_withdraw_applicant_a(client, world):
    client.force_login(world["b"])
    url = reverse("networks:application_withdraw", kwargs={"pk": world["application"].pk})
    assert client.post(url, {}).status_code == 404
    world["application"].refresh_from_db()
    assert world["application"].status == Status.UNDER_REVIEW
