from django import template
from django.utils import translation
from django.utils.http import urlencode

from ensie_portal.core.i18n import format_when
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
