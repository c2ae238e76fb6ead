import uuid

from django import template
from django.template.base import token_kwargs
from django.utils import translation
from django.utils.http import urlencode
from django.utils.safestring import mark_safe

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
                    "caption_id": options.get("id") or f"table-{uuid.uuid4().hex[:8]}",
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
