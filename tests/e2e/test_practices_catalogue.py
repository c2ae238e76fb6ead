"""The best-practices pages in a real browser: axe-core clean, one h1, usable without JavaScript."""

import pytest

from practices.models import Practice
from tests.e2e.conftest import assert_accessible, login
from tests.factories import TEST_PASSWORD
from tests.practices.factories import PracticeFactory, make_editor, make_representative

pytestmark = pytest.mark.django_db(transaction=True)

PAGES = [
    "/practices/",
    "/practices/?country=FR&sector=recycling-repair&q=recyclage",
    "/practices/?country=FI&sector=it-graphics",
    "/practices/?year_min=soon",
    "/fr/practices/?theme=disability",
    "/practices/titre-service-belgique/",
    "/fr/practices/atelierul-de-panza-masks/",
]


@pytest.mark.parametrize("path", PAGES)
def test_catalogue_pages_are_accessible_without_javascript(open_page, demo_data, path):
    session = open_page(javascript=False)
    assert session.goto(path).status == 200
    assert session.page.locator("h1").count() == 1
    assert_accessible(session)


def test_filtering_and_removing_a_chip_work_without_javascript(open_page, demo_data):
    session = open_page(javascript=False)
    page = session.page
    session.goto("/practices/")
    page.check("#facet-country-BE")
    page.check("#facet-theme-long-term-unemployment")
    session.click_through("text=Apply filters")
    assert "country=BE" in page.url
    assert page.locator("#results-title").inner_text() == "1 practice"
    assert page.locator(".practice-list h3").inner_text() == "Le titre-service en Belgique"
    session.click_through(".chip:has-text('Theme')")
    assert "theme=" not in page.url
    assert page.locator("#results-title").inner_text() == "3 practices"
    results_url = page.url
    session.click_through(".practice-list h3 a >> nth=0")
    session.click_through("text=Back to the results")
    assert page.url == results_url


def test_search_highlights_the_matching_words(open_page, demo_data):
    session = open_page(javascript=False)
    page = session.page
    session.goto("/practices/")
    page.fill("#id_q", "economie sociale")
    session.click_through(".practice-search button")
    assert page.locator(".practice-list mark").count() > 0
    assert "q=economie+sociale" in page.url


def test_contribution_and_moderation_pages_are_accessible(open_page, demo_data):
    representative = make_representative()
    PracticeFactory(title="Waiting", submitted_by=representative, status=Practice.Status.SUBMITTED)
    session = open_page(javascript=False)
    login(session, representative.email, TEST_PASSWORD)
    for path in ["/practices/contribute/", "/practices/mine/"]:
        session.goto(path)
        assert session.page.locator("h1").count() == 1
        assert_accessible(session)
    session.goto("/practices/contribute/")
    session.click_through("button[name=submit]")
    assert session.page.locator("#id_title_errors").count() == 1
    assert_accessible(session)

    editor = make_editor()
    session = open_page(javascript=False)
    login(session, editor.email, TEST_PASSWORD)
    for path in ["/practices/moderation/", "/practices/practice-0/review/"]:
        session.goto(path.replace("practice-0", Practice.objects.get(title="Waiting").slug))
        assert session.page.locator("h1").count() == 1
        assert_accessible(session)


def test_with_javascript_a_ticked_box_applies_at_once_and_keeps_the_keyboard_there(
    open_page, demo_data
):
    session = open_page(javascript=True)
    page = session.page
    session.goto("/practices/")
    note = page.locator("[data-auto-apply-note]")
    assert note.is_visible()  # said before any box is ticked
    page.focus("#facet-country-BE")
    with page.expect_navigation():
        page.keyboard.press("Space")
    assert "country=BE" in page.url
    assert page.locator("#results-title").inner_text() == "3 practices"
    assert page.evaluate("document.activeElement.id") == "facet-country-BE"
    page.wait_for_function(
        "document.querySelector('[data-results-status]').textContent === '3 practices'"
    )
    with page.expect_navigation():
        page.select_option("#id_sort", "title")
    assert "sort=title" in page.url
    assert page.evaluate("document.activeElement.id") == "id_sort"
    assert_accessible(session)
    # Typing in the search field does not reload the page; Enter does.
    page.fill("#id_q", "titre")
    assert "q=titre" not in page.url
    with page.expect_navigation():
        page.press("#id_q", "Enter")
    assert "q=titre" in page.url


def test_without_javascript_the_auto_apply_note_is_not_shown(open_page, demo_data):
    session = open_page(javascript=False)
    session.goto("/practices/")
    assert not session.page.locator("[data-auto-apply-note]").is_visible()


PHONE = {"width": 360, "height": 740}


def first_result_top(page) -> float:
    return page.evaluate(
        "document.querySelector('.practice-list > li').getBoundingClientRect().top + scrollY"
    )


def test_on_a_phone_the_results_come_first_and_the_filters_open_on_demand(open_page, demo_data):
    session = open_page(javascript=False)
    page = session.page
    page.set_viewport_size(PHONE)
    session.goto("/practices/")
    assert first_result_top(page) < 1000  # within the first screen or so, not 3,000 px down
    assert not page.locator("#facet-country-BE").is_visible()
    page.click("summary:has-text('Show the filters')")
    page.check("#facet-country-BE")
    session.click_through("text=Apply filters")
    assert "country=BE" in page.url
    assert page.locator("#results-title").inner_text() == "3 practices"
    assert first_result_top(page) < 1000
    assert_accessible(session)


def test_on_a_wide_screen_the_filters_are_shown_beside_the_results(open_page, demo_data):
    session = open_page(javascript=False)
    page = session.page
    session.goto("/practices/")
    assert not page.locator(".practice-facets > summary").is_visible()
    filters = page.locator("#facet-country-BE").bounding_box()
    results = page.locator("#results-title").bounding_box()
    assert filters["x"] + filters["width"] < results["x"]
    assert abs(filters["y"] - results["y"]) < 300


@pytest.mark.parametrize("javascript", [False, True])
def test_skip_to_the_results_moves_the_keyboard_focus_there(open_page, demo_data, javascript):
    session = open_page(javascript=javascript)
    page = session.page
    page.set_viewport_size(PHONE)
    session.goto("/practices/?q=emploi")
    page.locator("a", has_text="Skip to the results").press("Enter")
    assert page.evaluate("document.activeElement.id") == "results"
    page.keyboard.press("Tab")  # the next stop is in the results: the first practice, not a filter
    assert page.evaluate("document.activeElement.closest('#results') !== null")


def test_on_a_phone_with_javascript_a_ticked_box_keeps_the_filters_open_and_the_focus_on_it(
    open_page, demo_data
):
    session = open_page(javascript=True)
    page = session.page
    page.set_viewport_size(PHONE)
    session.goto("/practices/")
    page.click("summary:has-text('Show the filters')")
    page.focus("#facet-country-BE")
    with page.expect_navigation():
        page.keyboard.press("Space")
    assert "country=BE" in page.url
    assert page.evaluate("document.activeElement.id") == "facet-country-BE"
    assert page.locator("#facet-country-BE").is_visible()
