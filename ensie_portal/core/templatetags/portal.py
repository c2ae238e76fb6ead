import re

import django_filters
from django import template
from django.forms import BaseForm, BaseFormSet
from django.template.base import token_kwargs
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


def _next_on_page(context, name: str) -> int:
    """1, 2, 3... for each call with ``name`` while one page renders, to make ids unique on it.

    The bottom layer of the render context is shared by the whole render of a page: the
    extended templates, includes and inclusion tags (``Context.new`` copies share it too).
    """
    counters = context.render_context.dicts[0].setdefault("portal:on_page", {})
    counters[name] = counters.get(name, 0) + 1
    return counters[name]


def _shows_errors(value) -> bool:
    """Whether a context value is a submitted form (or form set, or filter set) with errors.

    ``type()`` rather than ``isinstance()``: the latter would evaluate lazy objects (the user).
    """
    kind = type(value)
    if issubclass(kind, BaseForm):
        return value.is_bound and bool(value.errors)
    if issubclass(kind, BaseFormSet):
        return value.is_bound and value.total_error_count() > 0
    if issubclass(kind, django_filters.FilterSet):
        return value.is_bound and bool(value.form.errors)
    return False


@register.simple_tag(takes_context=True)
def page_has_form_errors(context) -> bool:
    """Whether the page shows a form that came back with errors: base.html then starts the
    title with "Error:" and loads the script that focuses the error summary."""
    return any(_shows_errors(value) for value in context.flatten().values())


def _field_anchor(bound_field) -> str:
    """The id of the control a link to this field should reach (the first of a group)."""
    if bound_field.widget_type in ("checkboxselectmultiple", "radioselect"):
        return f"{bound_field.auto_id}_0" if bound_field.auto_id else ""
    return bound_field.id_for_label


@register.inclusion_tag("partials/_error_summary.html", takes_context=True)
def error_summary(context, form):
    """The box at the top of a rejected form: every error, each linking to its field.

    It takes the focus when the page loads (``autofocus``, the first box of the page only;
    static/js/forms.js does the same for browsers that ignore ``autofocus`` on a box).
    """
    if not form or not form.errors:
        return {"items": []}
    items = [{"message": message} for message in form.non_field_errors()]
    items += [
        {
            "label": bound_field.label,
            "message": message,
            "anchor": "" if bound_field.is_hidden else _field_anchor(bound_field),
        }
        for bound_field in form
        for message in bound_field.errors
    ]
    number = _next_on_page(context, "error-summary")
    return {"items": items, "autofocus": number == 1, "summary_id": f"error-summary-{number}"}


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


class ScrollableTableNode(template.Node):
    def __init__(self, nodelist, kwargs):
        self.nodelist = nodelist
        self.kwargs = kwargs

    def render(self, context):
        options = {name: value.resolve(context) for name, value in self.kwargs.items()}
        partial = context.template.engine.get_template("partials/_table.html")
        return partial.render(
            context.new(
                {
                    "caption": options.get("caption", ""),
                    "hide_caption": options.get("hide_caption", False),
                    "caption_id": options.get("id") or f"table-{_next_on_page(context, 'table')}",
                    "rows": mark_safe(self.nodelist.render(context)),  # noqa: S308 (rendered by the engine)
                }
            )
        )


@register.tag
def scrollable_table(parser, token):
    """A table that may be wider than a phone, in the one wrapper that is allowed to scroll
    sideways (WCAG 1.4.10): a named region that keyboard users can focus and scroll.

        {% scrollable_table caption=_("Audit trail") hide_caption=True %}
          <thead>…</thead><tbody>…</tbody>
        {% endscrollable_table %}
    """
    bits = token.split_contents()
    kwargs = token_kwargs(bits[1:], parser)
    if "caption" not in kwargs or len(kwargs) != len(bits) - 1:
        raise template.TemplateSyntaxError(
            f"{bits[0]} takes caption=..., and optionally hide_caption=... and id=..."
        )
    nodelist = parser.parse(("endscrollable_table",))
    parser.delete_first_token()
    return ScrollableTableNode(nodelist, kwargs)
