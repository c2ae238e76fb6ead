"""Every public page reachable from the home page, in both languages, with the demo data:
one <h1>, no axe-core violation, nothing loaded from another host, no server error."""

import re
from urllib.parse import urldefrag, urlsplit

import pytest

from tests.e2e.conftest import assert_accessible

pytestmark = pytest.mark.django_db(transaction=True)

SKIP = re.compile(
    r"^/(fr/)?(admin/|accounts/logout|i18n/|media/|static/)|\.(ics|csv|json|pdf|xml)$|/feed/|/export"
)
MAX_PAGES = 60


def crawl(session, start: str) -> list[str]:
    seen, queue, visited = {start}, [start], []
    while queue and len(visited) < MAX_PAGES:
        path = queue.pop(0)
        response = session.goto(path)
        assert response.status < 500, f"{path} answered {response.status}"
        if response.status != 200 or "text/html" not in response.headers.get("content-type", ""):
            continue
        visited.append(path)
        assert session.page.locator("h1").count() == 1, f"{path} must have exactly one h1"
        assert_accessible(session)
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


@pytest.mark.parametrize("start", ["/", "/fr/"])
def test_every_public_page_is_accessible_without_javascript(open_page, demo_data, start):
    session = open_page(javascript=False)
    visited = crawl(session, start)
    assert len(visited) >= 5
