"""Every page reachable from the home page, with the demo data.

- In both languages, signed out: one <h1>, no axe-core violation, nothing loaded from another
  host, no server error.
- At 320 and 360 CSS pixels (WCAG 1.4.10, reflow), signed out and signed in as each demo role:
  nothing scrolls sideways except a table inside its wrapper, and every such wrapper can be
  reached with the keyboard and is named.
"""

import re
from collections import Counter
from urllib.parse import urldefrag, urlsplit

import pytest
from django.urls import Resolver404, resolve
from django.utils import translation

from tests.e2e.conftest import assert_accessible
from tests.e2e.test_membership_pages import signed_in

pytestmark = pytest.mark.django_db(transaction=True)

SKIP = re.compile(
    r"^/(fr/)?(admin/|accounts/logout|i18n/|media/|static/)|\.(ics|csv|json|pdf|xml)$|/feed/|/export"
    r"|/files/|/attachments/"
)
MAX_PAGES = 60
NARROW_WIDTHS = (320, 360)
# Pages of one kind (a Board review, a practice) differ by their data: a few of each suffice.
PER_ROUTE = 2

# What a user scrolls sideways: the page itself, or a box with overflow-x auto/scroll. Only the
# shared table wrapper (partials/_table.html) may scroll, and it must be a focusable, named
# region so that keyboard users can scroll it too.
LAYOUT_PROBLEMS = """() => {
  const problems = [];
  const root = document.documentElement;
  const width = root.clientWidth;
  const inWrapper = (el) => el.closest(".table-wrap") !== null;
  if (root.scrollWidth > width) {
    const culprits = [];
    for (const el of document.body.querySelectorAll("*")) {
      if (inWrapper(el)) continue;
      const box = el.getBoundingClientRect();
      if (box.width && box.right > width + 0.5) {
        const name = el.tagName.toLowerCase() + (el.id ? "#" + el.id : "")
          + (el.className && typeof el.className === "string"
             ? "." + el.className.trim().split(/\\s+/).join(".") : "");
        culprits.push(name + " (" + Math.round(box.right) + "px)");
      }
    }
    problems.push("the page is " + root.scrollWidth + "px wide: " + culprits.slice(-5).join(", "));
  }
  for (const el of document.body.querySelectorAll("*")) {
    const overflow = getComputedStyle(el).overflowX;
    if (overflow !== "auto" && overflow !== "scroll") continue;
    if (["TEXTAREA", "SELECT", "INPUT"].includes(el.tagName)) continue;
    if (el.scrollWidth <= el.clientWidth) continue;
    const labelledby = el.getAttribute("aria-labelledby");
    const label = el.getAttribute("aria-label")
      || (labelledby && document.getElementById(labelledby)
          && document.getElementById(labelledby).textContent.trim());
    if (!el.matches(".table-wrap") || el.getAttribute("tabindex") !== "0"
        || el.getAttribute("role") !== "region" || !label) {
      problems.push("a box scrolls sideways without being a focusable, named table wrapper: "
                    + el.outerHTML.slice(0, 120));
    }
  }
  return problems;
}"""


def route_of(path: str) -> str:
    """The URL pattern that serves ``path`` ("board/applications/<int:pk>/"), per language."""
    language = "fr" if path.startswith("/fr/") else "en"
    with translation.override(language):
        try:
            return f"{language}:{resolve(urlsplit(path).path).route}"
        except Resolver404:
            return path


def crawl(
    session, start: str, *, check, max_pages: int = MAX_PAGES, per_route: int | None = None
) -> list[str]:
    """Visit the pages linked from ``start`` (one per path, and at most ``per_route`` served by
    one URL pattern), calling ``check`` on each."""
    seen, queue, visited = {start}, [start], []
    routes = Counter()
    while queue and len(visited) < max_pages:
        path = queue.pop(0)
        if per_route:
            routes[route_of(path)] += 1
            if routes[route_of(path)] > per_route:
                continue
        response = session.goto(path)
        assert response.status < 500, f"{path} answered {response.status}"
        if response.status != 200 or "text/html" not in response.headers.get("content-type", ""):
            continue
        visited.append(path)
        check(session, path)
        for href in session.page.eval_on_selector_all("a[href]", "els => els.map(e => e.href)"):
            url, _fragment = urldefrag(href)
            parts = urlsplit(url)
            if parts.netloc != session.host:
                continue
            target = parts.path + (f"?{parts.query}" if parts.query else "")
            # One page per path: query variants (filters, pages) are tested by each app.
            if parts.path in {urlsplit(s).path for s in seen} or SKIP.search(parts.path):
                continue
            seen.add(target)
            queue.append(target)
    return visited


def check_accessible(session, path):
    assert session.page.locator("h1").count() == 1, f"{path} must have exactly one h1"
    assert_accessible(session)


@pytest.mark.parametrize("start", ["/", "/fr/"])
def test_every_public_page_is_accessible_without_javascript(open_page, demo_data, start):
    session = open_page(javascript=False)
    visited = crawl(session, start, check=check_accessible)
    assert len(visited) >= 5


# Each demo role, and a page the crawl must reach as that role (proof that it is signed in).
ROLES = {
    "anonymous": (None, "/members/"),
    "public": ("public@demo.ensie.eu", "/account/profile/"),
    "applicant": ("applicant@demo.ensie.eu", "/applications/"),
    "member": ("member@demo.ensie.eu", "/assemblies/"),
    "editor": ("editor@demo.ensie.eu", "/practices/moderation/"),
    "organiser": ("organiser@demo.ensie.eu", "/sessions/manage/"),
    "board": ("board@demo.ensie.eu", "/board/applications/"),
    "staff": ("staff@demo.ensie.eu", "/board/fees/"),
}


@pytest.mark.parametrize("role", ROLES)
def test_every_page_reflows_at_320_and_360_pixels(open_page, live_server, demo_data, role):
    email, must_visit = ROLES[role]
    session = signed_in(open_page, live_server, email) if email else open_page(javascript=False)
    problems = {}

    def check_reflow(session, path):
        for width in NARROW_WIDTHS:
            session.page.set_viewport_size({"width": width, "height": 640})
            found = session.page.evaluate(LAYOUT_PROBLEMS)
            if found:
                problems[f"{path} at {width}px"] = found

    visited = []
    for start in ("/", "/fr/"):
        visited += crawl(session, start, check=check_reflow, max_pages=150, per_route=PER_ROUTE)
    assert must_visit in visited
    assert f"/fr{must_visit}" in visited
    assert not problems, "\n".join(f"{page}: {found}" for page, found in problems.items())
