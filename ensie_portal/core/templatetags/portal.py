import re

from django import template
from django.utils import translation
from django.utils.html import conditional_escape, format_html
from django.utils.http import urlencode
from django.utils.safestring import mark_safe

from ensie_portal.core.i18n import format_when, page_language
from ensie_portal.core.text import render_markdown

register = template.Library()


@register.filter(name="markdown")
def markdown_filter(source: str):
    return render_markdown(source)


@register.inclusion_tag("partials/_field.html")
def field(bound_field, **attrs):
    """A labelled form field with its help text and errors tied to it for screen readers."""
    described_by = []
    if bound_field.help_text:
        described_by.append(f"{bound_field.auto_id}_help")
    if bound_field.errors:
        described_by.append(f"{bound_field.auto_id}_errors")
        attrs["aria-invalid"] = "true"
    if described_by:
        attrs["aria-describedby"] = " ".join(described_by)
    widget_type = bound_field.widget_type
    return {
        "field": bound_field,
        "widget": bound_field.as_widget(attrs=attrs),
        "is_checkbox": widget_type == "checkbox",
        "is_multiple": widget_type in ("checkboxselectmultiple", "radioselect"),
    }


@register.simple_tag(takes_context=True)
def query_replace(context, **changes):
    """The current query string with some parameters replaced (None or "" removes one)."""
    params = context["request"].GET.copy()
    for key, value in changes.items():
        if value in (None, ""):
            params.pop(key, None)
        else:
            params[key] = value
    encoded = urlencode(list(params.lists()), doseq=True)
    return f"?{encoded}" if encoded else "?"


@register.simple_tag
def colon():
    """The colon after a label, as each language writes it ("Place:", « Lieu : »)."""
    return "\u00a0:" if (translation.get_language() or "").startswith("fr") else ":"


@register.filter(expects_localtime=False)
def when(value, style: str = "datetime"):
    """A date, time or moment in the portal's one style per language (core/i18n.py):
    ``{{ x|when }}`` date with time, ``|when:"date"``, ``|when:"time"``, ``|when:"short_date"``
    and ``|when:"short_datetime"`` (no weekday, for tables). Use it for every date a person
    reads; ``|date:"c"`` stays for machine-readable attributes."""
    return format_when(value, style)


def _language_of(value) -> str | None:
    """The language ``value`` is written in: ``value.language`` (a LocalisedText), else
    ``value`` itself taken as a language code."""
    return getattr(value, "language", value if isinstance(value, str) else None)


@register.filter
def lang_attr(value):
    """`` lang="fr"`` for an element holding content in a language other than the page's
    (WCAG 3.1.2), else nothing: ``<div class="prose"{{ session.description|lang_attr }}>``.
    ``value`` is a LocalisedText or a language code ("" for an unknown language: ``lang=""``)."""
    language = _language_of(value)
    if language is None or language == page_language():
        return ""
    return format_html(' lang="{}"', language)


@register.filter(needs_autoescape=True)
def lang_span(value, language=None, autoescape=True):
    """``value`` wrapped in ``<span lang="…">`` when it is written in another language than the
    page's (each paragraph in its own span, so that ``linebreaks`` can still wrap them); the
    text alone in plain-text output (``{% autoescape off %}``: text emails cannot mark it).
    ``value`` is a LocalisedText, or any text with its language as the argument:
    ``{{ practice.title|lang_span:practice.content_language }}``."""
    text = str(value) if value is not None else ""
    code = language if language is not None else getattr(value, "language", None)
    if not autoescape:
        return text
    if code is None or code == page_language() or not text:
        return conditional_escape(text)
    paragraphs = re.split(r"(\n\s*\n)", text)
    return mark_safe(  # noqa: S308 - every piece is escaped by format_html
        "".join(
            part if index % 2 else format_html('<span lang="{}">{}</span>', code, part)
            for index, part in enumerate(paragraphs)
        )
    )
