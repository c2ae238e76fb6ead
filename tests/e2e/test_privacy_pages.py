"""Staff's personal-data page in a real browser, from the search to the erasure: one <h1>, no
axe-core violation, nothing from another host, in both languages.

Each step is a POST (the address stays out of URLs), so axe runs in the page the form
produced: the browser has JavaScript on for axe only; the page itself uses none."""

import pytest
from django.test import Client

from ensie_portal.accounts.models import User
from ensie_portal.privacy.models import PersonalDataRequest
from sessions_app.models import Registration
from tests.e2e.conftest import assert_accessible

pytestmark = pytest.mark.django_db(transaction=True)

ADDRESS = "marie.lambert@example.org"  # a demo registrant


def staff_session(open_page, live_server):
    client = Client()
    client.force_login(User.objects.get(email="staff@demo.ensie.eu"))
    session = open_page(javascript=True)
    session.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    return session


def check(session, heading: str):
    page = session.page
    assert page.locator("h1").count() == 1
    assert page.locator("h1").inner_text() == heading
    assert_accessible(session)


@pytest.mark.parametrize(
    ("language", "headings"),
    [
        (
            "",
            (
                "Personal data of a person",
                "Records of a person",
                "Erase the personal data",
            ),
        ),
        (
            "/fr",
            (
                "Données personnelles d’une personne",
                "Enregistrements d’une personne",
                "Effacer les données personnelles",
            ),
        ),
    ],
)
def test_search_confirm_and_erase_are_accessible(
    open_page, live_server, demo_data, language, headings
):
    assert Registration.objects.filter(email=ADDRESS).exists()
    session = staff_session(open_page, live_server)
    page = session.page
    session.goto(f"{language}/staff/personal-data/")
    check(session, headings[0])
    # A wrong address comes back with its error tied to the field.
    page.fill("input[name=email]", "marie at example")
    session.click_through("main button[type=submit]")
    assert page.locator("[aria-invalid=true]").count() == 1
    check(session, headings[0])
    page.fill("input[name=email]", ADDRESS)
    session.click_through("main button[type=submit]")
    check(session, headings[1])
    assert ADDRESS in page.locator("main").inner_text()
    session.click_through("main form[action$='/erase/'] button")
    check(session, headings[2])
    assert Registration.objects.filter(email=ADDRESS).exists()  # nothing erased yet
    session.click_through("main button.danger")
    check(session, headings[0])
    assert page.locator(".message-success").count() == 1
    assert not Registration.objects.filter(email=ADDRESS).exists()
    assert PersonalDataRequest.objects.filter(kind="erase").count() == 1
