"""Text from outside: control characters removed; contributors' Markdown rendered to HTML that
can never carry script."""

import re

import markdown
import nh3
from django.utils.safestring import SafeString, mark_safe

ALLOWED_TAGS = {
    "p",
    "br",
    "strong",
    "em",
    "b",
    "i",
    "ul",
    "ol",
    "li",
    "blockquote",
    "code",
    "pre",
    "h2",
    "h3",
    "h4",
    "a",
    "hr",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "th": {"scope"}}

# Characters no text typed by a person needs, which break what stores or carries it: NUL
# (PostgreSQL refuses it in text), the other C0 and C1 control characters but tab, line feed and
# carriage return (XML 1.0, hence the Atom feed, cannot carry them), DEL, the non-characters
# U+FFFE and U+FFFF, and lone surrogates (not text at all).
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")


def strip_control_characters(text: str) -> str:
    """``text`` without the characters of ``CONTROL_CHARACTERS``."""
    return CONTROL_CHARACTERS.sub("", text)


def render_markdown(source: str) -> SafeString:
    """Markdown -> HTML -> sanitised by nh3 (Ammonia): only the tags above survive."""
    html = markdown.markdown(
        source or "", extensions=["sane_lists", "tables"], output_format="html"
    )
    cleaned = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
    )
    return mark_safe(cleaned)  # noqa: S308 - sanitised by nh3 just above
