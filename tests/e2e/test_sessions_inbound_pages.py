"""The organisers' pages of issue 7 (email requests, adding attendees, the bulk preview and
its result) pass axe-core in a real browser, with one h1."""

import pytest

from sessions_app.inbound_emails import inbound_email_receive
from sessions_app.models import Session
from tests import mail_samples as samples
from tests.e2e.conftest import assert_accessible, login
from tests.e2e.test_sessions_pages import check
from tests.factories import TEST_PASSWORD, make_organiser
from tests.sessions_app.factories import SessionFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_request_queue_and_the_registration_pages_are_accessible(
    open_page, demo_data, settings
):
    settings.SESSIONS_MAILBOX_ADDRESS = samples.MAILBOX
    organiser = make_organiser()
    seminar = Session.objects.filter(status="published").order_by("-starts_at").first()
    seminar.organisers.add(organiser)
    for raw in (samples.UNMATCHED, samples.NO_TEXT, samples.BOUNCE):
        inbound = inbound_email_receive(raw=raw)
    session = open_page(javascript=False)
    login(session, organiser.email, TEST_PASSWORD)
    for path in [
        "/sessions/manage/requests/",
        "/fr/sessions/manage/requests/?show=",
        f"/sessions/manage/requests/{inbound.pk}/reject/",
        f"/sessions/manage/{seminar.pk}/registrants/add/",
        f"/fr/sessions/manage/{seminar.pk}/registrants/import/",
    ]:
        check(session, path)
    # The preview and the result answer a POST: checked where they are shown.
    session = open_page(javascript=True)
    login(session, organiser.email, TEST_PASSWORD)
    session.goto(f"/sessions/manage/{seminar.pk}/registrants/import/")
    session.page.fill("textarea[name=lines]", "Ana <ana@example.es>\nnot an address\nbo@example.se")
    session.click_through("button[value=preview]")
    assert session.page.locator("h1").count() == 1
    assert session.page.locator("tr.bulk-invalid").count() == 1
    assert_accessible(session)
    session.click_through("button[value=import]")
    session.page.wait_for_url("**/registrants/import/result/")
    assert session.page.locator("progress").count() == 1
    assert_accessible(session)


def test_the_import_shows_its_progress_while_it_runs(open_page):
    organiser = make_organiser()
    seminar = SessionFactory(organisers=[organiser])
    session = open_page(javascript=True)
    login(session, organiser.email, TEST_PASSWORD)
    session.goto(f"/sessions/manage/{seminar.pk}/registrants/import/")
    page = session.page
    page.fill("textarea[name=lines]", "Ana <ana@example.es>\nbo@example.se")
    session.click_through("button[value=preview]")
    assert page.locator("[data-progress-status]").is_hidden()
    # Remember, across the navigation, what the page showed once the import was sent: on
    # window, so it runs after the page's own listener on document whatever the load order.
    page.evaluate(
        """window.addEventListener("submit", () => {
            const status = document.querySelector("[data-progress-status]");
            sessionStorage.setItem("shown", status.hidden ? "" : status.innerText);
        })"""
    )
    page.click("button[value=import]")
    page.locator("h1", has_text="Import done").wait_for()
    assert "Importing 2 people" in page.evaluate("sessionStorage.getItem('shown')")
    assert seminar.registrations.count() == 2
