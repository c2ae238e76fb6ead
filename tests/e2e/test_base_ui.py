import pytest

from tests.e2e.conftest import assert_accessible, login
from tests.factories import TEST_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

PUBLIC_PAGES = ["/", "/fr/", "/privacy/", "/accounts/login/", "/accounts/signup/", "/fr/no-such/"]


@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_public_pages_pass_axe_without_javascript(open_page, demo_data, path):
    session = open_page(javascript=False)
    session.goto(path)
    assert session.page.locator("h1").count() == 1
    assert_accessible(session)


def test_skip_link_is_the_first_focusable_element_and_moves_focus(open_page, demo_data):
    session = open_page()
    session.goto("/")
    session.page.keyboard.press("Tab")
    focused = session.page.evaluate("document.activeElement.textContent")
    assert "Skip to main content" in focused
    session.page.keyboard.press("Enter")
    assert session.page.evaluate("location.hash") == "#main"


def test_language_switcher_works_without_javascript(open_page, demo_data):
    session = open_page(javascript=False)
    session.goto("/privacy/")
    session.click_through("button[name=language][value=fr]")
    assert session.page.url.endswith("/fr/privacy/")
    assert session.page.locator("html").get_attribute("lang") == "fr"
    assert session.page.locator("h1").inner_text() == "Confidentialité"


def test_sign_in_and_account_pages_are_accessible(open_page, demo_data):
    user = UserFactory()
    session = open_page(javascript=False)
    login(session, user.email, TEST_PASSWORD)
    session.page.wait_for_url("**/account/")
    assert_accessible(session)
    session.goto("/account/profile/")
    assert_accessible(session)


def test_phone_width_has_no_horizontal_scroll(open_page, demo_data):
    session = open_page()
    session.page.set_viewport_size({"width": 360, "height": 740})
    session.goto("/")
    overflow = session.page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0


def test_board_member_is_walked_through_two_factor_setup(open_page, demo_data):
    from tests.factories import make_board_member

    member = make_board_member(totp=False)
    session = open_page()
    login(session, member.email, TEST_PASSWORD)
    session.page.wait_for_url("**/account/")
    session.goto("/board/applications/")
    # allauth first asks for the password again (a recent authentication protects the setup).
    session.page.wait_for_url("**/accounts/reauthenticate/**")
    assert "two-factor" in session.page.locator(".messages").inner_text().lower()
    assert_accessible(session)
    session.page.fill("input[name=password]", TEST_PASSWORD)
    session.page.click("main button[type=submit]")
    session.page.wait_for_url("**/accounts/2fa/totp/activate/")
    assert session.page.locator("img.qr-code").count() == 1
    assert_accessible(session)
    # The code from the app set up with the secret shown; then the recovery codes, and the way
    # back to the page asked for.
    from tests.two_factor import totp_code

    secret = session.page.input_value("#authenticator_secret")
    session.page.fill("input[name=code]", totp_code(secret=secret))
    session.click_through("main button[type=submit]")
    session.page.wait_for_url("**/accounts/2fa/recovery-codes/")
    assert_accessible(session)
    session.click_through("a:has-text('Continue to the page you asked for')")
    assert session.page.url.endswith("/board/applications/")
    assert session.page.locator("h1").count() == 1


def test_the_second_factor_pages_are_accessible_and_bring_back_to_the_page(open_page, demo_data):
    """The code asked at sign-in, and the code asked again on a privileged page by a session
    that signed in before its authenticator existed (issue 12)."""
    from allauth.mfa.totp.internal.auth import TOTP

    from tests.factories import TOTP_SECRET, make_organiser
    from tests.two_factor import totp_code

    organiser = make_organiser(totp=False)
    session = open_page(javascript=False)
    login(session, organiser.email, TEST_PASSWORD)
    session.page.wait_for_url("**/account/")
    TOTP.activate(organiser, TOTP_SECRET)  # set up meanwhile in another browser
    session.goto("/sessions/manage/requests/")
    session.page.wait_for_url("**/accounts/2fa/reauthenticate/?next=*")
    assert "authenticator" in session.page.locator(".messages").inner_text()
    assert session.page.locator("h1").count() == 1
    assert_accessible(session)
    session.page.fill("input[name=code]", totp_code())
    session.page.click("main button[type=submit]")
    session.page.wait_for_url("**/sessions/manage/requests/")
    assert session.page.locator("h1").count() == 1

    staff = open_page(javascript=False)
    staff.goto("/admin/")
    staff.page.wait_for_url("**/accounts/login/?next=*")
    staff.page.fill("input[name=login]", "staff@demo.ensie.eu")
    staff.page.fill("input[name=password]", "ensie-demo-2026")
    staff.page.click("main button[type=submit]")
    staff.page.wait_for_url("**/accounts/2fa/authenticate/")
    assert staff.page.locator("h1").count() == 1
    assert_accessible(staff)
    staff.page.fill("input[name=code]", totp_code())
    staff.page.click("main button[type=submit]")
    staff.page.wait_for_url("**/admin/")


@pytest.mark.parametrize("javascript", [False, True], ids=["without-js", "with-js"])
def test_a_rejected_form_puts_the_focus_on_its_error_summary(open_page, javascript):
    session = open_page(javascript=javascript)
    page = session.page
    session.goto("/join/interest/")
    page.fill("#id_contact_email", "not an address")
    session.click_through("main button[type=submit]")
    page.wait_for_selector("[data-error-summary]")
    assert page.title().startswith("Error: ")
    assert page.evaluate("document.activeElement.hasAttribute('data-error-summary')")
    # Its first link takes the keyboard to the field in error.
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.getAttribute('aria-invalid')") == "true"
    assert_accessible(session)
