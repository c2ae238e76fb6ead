"""What a thin view does with one service call: success becomes a message, a refusal too."""

from django.contrib import messages

from .errors import DomainError


def act(request, call, success: str) -> bool:
    """Run ``call()``; show ``success``, or the :class:`DomainError`'s message. Nothing is
    written when the service refuses."""
    try:
        call()
    except DomainError as error:
        messages.error(request, error.message)
        return False
    messages.success(request, success)
    return True
