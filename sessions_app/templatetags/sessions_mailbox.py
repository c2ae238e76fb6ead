from django import template

from sessions_app.inbound_emails import session_inbound_address

register = template.Library()


@register.simple_tag
def inbound_address(session) -> str:
    """The address to write to for ``session`` (``sessions+7@...``)."""
    return session_inbound_address(session)
