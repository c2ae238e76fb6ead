"""The sessions pages the public crawl cannot reach (signed links, the organisers' area, a
form with errors) pass axe-core in a real browser, without JavaScript, with one h1."""

import pytest

from sessions_app.models import Registration, Session
from sessions_app.tokens import CANCEL, CONFIRM, registration_token
from tests.e2e.conftest import assert_accessible, login
from tests.factories import TEST_PASSWORD, make_organiser

pytestmark = pytest.mark.django_db(transaction=True)


def check(session, path: str) -> None:
    response = session.goto(path)
    assert response.status == 200, path
    assert session.page.locator("h1").count() == 1, path
    assert_accessible(session)


def test_signed_link_pages_and_form_errors_are_accessible(open_page, demo_data):
    session = open_page(javascript=False)
    seminar = Session.objects.get(number=7)
    registration = Registration.objects.filter(session=seminar).first()
    confirm = registration_token(registration=registration, purpose=CONFIRM)
    cancel = registration_token(registration=registration, purpose=CANCEL)
    registration.status = Registration.Status.PENDING
    registration.save()
    check(session, f"/sessions/registration/confirm/{confirm}/")
    check(session, f"/fr/sessions/registration/cancel/{cancel}/")
    # The answer to a POST is checked where it is shown (axe needs JavaScript for that).
    session = open_page(javascript=True)
    session.goto(seminar.get_absolute_url())
    session.page.fill("input[name=email]", "not an email")
    session.click_through("aside button[type=submit]")
    assert session.page.locator("#id_email_errors").count() == 1
    assert_accessible(session)


def test_the_organisers_pages_are_accessible(open_page, demo_data):
    organiser = make_organiser()
    seminar = Session.objects.get(number=7)
    seminar.organisers.add(organiser)
    speaker = seminar.speakers.first()
    registrant = seminar.registrations.exclude(status="cancelled").first()
    session = open_page(javascript=False)
    login(session, organiser.email, TEST_PASSWORD)
    for path in [
        "/sessions/manage/",
        "/sessions/manage/new/",
        f"/sessions/manage/{seminar.pk}/",
        f"/sessions/manage/{seminar.pk}/edit/",
        f"/sessions/manage/{seminar.pk}/cancel/",
        f"/sessions/manage/{seminar.pk}/speakers/new/",
        f"/sessions/manage/{seminar.pk}/speakers/{speaker.pk}/delete/",
        f"/fr/sessions/manage/{seminar.pk}/registrants/",
        f"/sessions/manage/{seminar.pk}/registrants/{registrant.pk}/cancel/",
    ]:
        check(session, path)


def test_the_session_page_puts_the_content_first_and_wide(open_page, demo_data):
    session = open_page(javascript=False)
    page = session.page
    seminar = Session.objects.get(number=7)
    session.goto(seminar.get_absolute_url())
    content = page.locator(".session-detail > :first-child").bounding_box()
    registration = page.locator("aside[aria-labelledby=register-title]").bounding_box()
    # At 1280 px: the content is the wide column, the registration a narrower one beside it.
    assert content["width"] > 1.5 * registration["width"]
    assert content["x"] < registration["x"]
    assert abs(content["y"] - registration["y"]) < 10
    # At 360 px: one column, the registration below the content, nothing wider than the screen.
    page.set_viewport_size({"width": 360, "height": 740})
    content = page.locator(".session-detail > :first-child").bounding_box()
    registration = page.locator("aside[aria-labelledby=register-title]").bounding_box()
    assert registration["y"] >= content["y"] + content["height"]
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
