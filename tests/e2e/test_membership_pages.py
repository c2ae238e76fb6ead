"""The membership pages behind a login, in a real browser without JavaScript: one <h1>, no
axe-core violation, nothing from another host (the public pages are covered by the site crawl)."""

import pytest
from django.test import Client

from ensie_portal.accounts.models import User
from networks.models import Application, MembershipFee
from tests.e2e.conftest import assert_accessible

pytestmark = pytest.mark.django_db(transaction=True)
Status = Application.Status


def signed_in(open_page, live_server, email):
    """A browser session logged in as ``email`` (the session cookie of a forced login)."""
    client = Client()
    client.force_login(User.objects.get(email=email))
    session = open_page(javascript=False)
    session.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    return session


def check(session, path):
    response = session.goto(path)
    assert response.status == 200, f"{path} answered {response.status}"
    assert session.page.locator("h1").count() == 1, f"{path} must have exactly one h1"
    assert_accessible(session)


def pk_of(slug):
    return Application.objects.get(network__slug=slug).pk


@pytest.mark.parametrize("language", ["", "/fr"])
def test_applicant_pages_are_accessible(open_page, live_server, demo_data, language):
    session = signed_in(open_page, live_server, "applicant@demo.ensie.eu")
    pk = pk_of("demo-applicant-austria")
    for path in (
        "/applications/",
        f"/applications/{pk}/",
        f"/applications/{pk}/request/",
        f"/applications/{pk}/withdraw/",
    ):
        check(session, language + path)
    # The request refused for missing parts, with its errors tied to the fields.
    session.goto(f"{language}/applications/{pk}/request/")
    session.click_through("button[name=submit]")
    assert session.page.locator("[aria-invalid=true]").count() > 5
    assert session.page.locator("h1").count() == 1
    assert_accessible(session)


@pytest.mark.parametrize("language", ["", "/fr"])
def test_board_and_staff_pages_are_accessible(open_page, live_server, demo_data, language):
    board = signed_in(open_page, live_server, "board@demo.ensie.eu")
    check(board, f"{language}/board/applications/")
    for slug in ("demo-applicant-slovenia", "demo-applicant-finland"):
        check(board, f"{language}/board/applications/{pk_of(slug)}/")
    staff = signed_in(open_page, live_server, "staff@demo.ensie.eu")
    for slug in ("demo-applicant-portugal", "demo-applicant-ireland", "demo-applicant-croatia"):
        check(staff, f"{language}/board/applications/{pk_of(slug)}/")
    check(staff, f"{language}/board/fees/")
    # Marking a fee paid, and taking it back, are each asked first.
    unpaid = MembershipFee.objects.filter(paid_on__isnull=True).first()
    paid = MembershipFee.objects.filter(paid_on__isnull=False).first()
    check(staff, f"{language}/board/fees/{unpaid.pk}/paid/")
    check(staff, f"{language}/board/fees/{paid.pk}/unpaid/")
    # A year without its own schedule: the page offering to copy the last one, or create one.
    check(staff, f"{language}/board/fees/open-year/?year=2099")
    check(staff, f"{language}/board/fees/?year=2099")


def test_fee_calculator_and_directory_filter_are_accessible(open_page, demo_data):
    session = open_page(javascript=False)
    check(session, "/join/?country=FR&wise_count=600#fees")
    assert "3,600.00" in session.page.locator(".result").inner_text()
    check(session, "/fr/join/?country=FR&wise_count=-1")
    check(session, "/join/?country=US&wise_count=20#fees")
    assert "cannot join ENSIE" in session.page.locator(".result").inner_text()
    check(session, "/members/?country=HU")
    check(session, "/members/fei-france/")
