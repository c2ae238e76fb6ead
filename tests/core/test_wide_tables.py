"""Wide tables scroll inside one shared wrapper (WCAG 1.4.10 reflow) that keyboard users can
reach and that is named by the table's caption; the layout itself is checked in the browser
(tests/e2e/test_site_crawl.py)."""

import re
from pathlib import Path

from django.conf import settings
from django.template import Context, Template

from tests.html import parse

TEMPLATES = Path(settings.BASE_DIR) / "templates"


def test_a_scrollable_table_is_a_focusable_region_named_by_its_caption():
    html = Template(
        "{% load portal %}"
        '{% scrollable_table caption="Audit trail" hide_caption=True %}'
        "<tbody><tr><td>{{ cell }}</td></tr></tbody>"
        "{% endscrollable_table %}"
        '{% scrollable_table caption="Totals" %}<tbody></tbody>{% endscrollable_table %}'
    ).render(Context({"cell": "<b>"}))
    page = parse(html)
    first, second = page.find_all("div", class_="table-wrap")
    assert first["role"] == "region"
    assert first["tabindex"] == "0"
    caption = page.by_id(first["aria-labelledby"])
    assert caption.tag == "caption"
    assert caption.text == "Audit trail"
    assert caption.classes == ["visually-hidden"]
    assert first.find("td").text == "<b>"  # the rows are escaped like any template text
    assert page.by_id(second["aria-labelledby"]).text == "Totals"
    assert first["aria-labelledby"] != second["aria-labelledby"]


def test_every_table_of_the_site_uses_the_shared_wrapper():
    """A table written by hand would miss the wrapper's role, focus and name."""
    pages = [
        path
        for path in TEMPLATES.rglob("*.html")
        if "emails" not in path.parts and path.name != "_table.html"
    ]
    by_hand = [
        str(path.relative_to(TEMPLATES))
        for path in pages
        if re.search(r"<table|table-wrap", path.read_text())
    ]
    assert by_hand == []
    assert sum("{% scrollable_table" in path.read_text() for path in pages) >= 10
