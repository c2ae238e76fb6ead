"""Browser tests: Debian's chromium driven by Playwright, against pytest-django's live server.

Every page a test visits is checked for requests to any other host (there must be none).
"""

import io
from urllib.parse import urlsplit

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.core.management import call_command
from playwright.sync_api import sync_playwright

from tests.two_factor import totp_code

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]


def pytest_collection_modifyitems(items):
    for item in items:
        if "/e2e/" in str(item.fspath):
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def browser():
    playwright = sync_playwright().start()
    browser = playwright.chromium.launch(
        executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
    )
    yield browser
    browser.close()
    playwright.stop()


class PageSession:
    """A browser page that remembers every request made to a host other than the server."""

    def __init__(self, browser, base_url: str, *, javascript: bool):
        self.browser = browser
        self.javascript = javascript
        self.base_url = base_url
        self.host = urlsplit(base_url).netloc
        self.context = browser.new_context(
            java_script_enabled=javascript,
            bypass_csp=True,  # lets axe-core run; the CSP itself is tested separately
            viewport={"width": 1280, "height": 900},
        )
        self.context.set_default_timeout(15_000)
        self.page = self.context.new_page()
        self.foreign_requests = []
        self.page.on("request", self._on_request)

    def _on_request(self, request):
        parts = urlsplit(request.url)
        if parts.scheme in ("data", "blob", "about"):
            return
        if parts.netloc != self.host:
            self.foreign_requests.append(request.url)

    def goto(self, path: str):
        response = self.page.goto(self.base_url + path)
        return response

    def click_through(self, target):
        """Click what follows a link or sends a form (a selector or a locator) and return once
        the page it leads to has loaded. A bare click returns as the navigation starts: what is
        read next may be the old page, or the new one half parsed."""
        locator = self.page.locator(target).first if isinstance(target, str) else target
        with self.page.expect_navigation():
            locator.click()

    def close(self):
        self.context.close()


@pytest.fixture
def open_page(browser, live_server):
    sessions = []

    def _open(*, javascript: bool = True) -> PageSession:
        session = PageSession(browser, live_server.url, javascript=javascript)
        sessions.append(session)
        return session

    yield _open
    for session in sessions:
        assert session.foreign_requests == [], "requests to other hosts"
        session.close()


@pytest.fixture
def demo_data(transactional_db):
    call_command("load_demo", stdout=io.StringIO())


_AXE = None


def assert_accessible(session: PageSession):
    """No axe-core violation on the page the session shows now.

    axe-core is a script: for a session without JavaScript the same URL is opened, with the
    same cookies and the same screen size, in a JavaScript-enabled context (the portal's pages
    do not depend on it).
    """
    global _AXE
    if _AXE is None:
        _AXE = Axe()
    if session.javascript:
        results = _AXE.run(session.page)
    else:
        context = session.browser.new_context(
            storage_state=session.context.storage_state(),
            bypass_csp=True,
            viewport=session.page.viewport_size,
        )
        try:
            page = context.new_page()
            page.goto(session.page.url)
            results = _AXE.run(page)
        finally:
            context.close()
    assert results.violations_count == 0, results.generate_report()


# The authenticator codes typed in this test, per account: allauth accepts each code once.
_CODES_USED: dict[str, set[str]] = {}


@pytest.fixture(autouse=True)
def _authenticator_codes(settings):
    """A code stays valid one period either side (so one typed as the period turns is not
    refused), and each test starts with none used."""
    settings.MFA_TOTP_TOLERANCE = 1
    _CODES_USED.clear()


def login(session: PageSession, email: str, password: str):
    """Sign in through the allauth form; for an account with an authenticator (the factories'
    secret), type the code it shows when asked."""
    page = session.page
    session.goto("/accounts/login/")
    page.fill("input[name=login]", email)
    page.fill("input[name=password]", password)
    session.click_through("main button[type=submit]")
    if "/2fa/authenticate/" in page.url:
        used = _CODES_USED.setdefault(email, set())
        code = next(
            code for code in (totp_code(periods_from_now=n) for n in (0, -1, 1)) if code not in used
        )
        used.add(code)
        page.fill("input[name=code]", code)
        session.click_through("main button[type=submit]")
