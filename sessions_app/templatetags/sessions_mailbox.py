from django import template

from sessions_app.requests import session_request_address

register = template.Library()


@register.simple_tag
def request_address(session) -> str:
    """The address to write to for ``session`` (``sessions+7@...``)."""
    return session_request_address(session)
