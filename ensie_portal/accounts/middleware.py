from django.contrib import messages
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from .selectors import user_has_totp, user_requires_two_factor


class RequireTwoFactorMiddleware:
    """Send staff and Board members to the TOTP setup page until they have set it up.

    Applies to the admin and to every view marked as privileged (``requires_two_factor``,
    set by :func:`ensie_portal.accounts.permissions.privileged`).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        match = request.resolver_match
        privileged = (match is not None and match.app_name == "admin") or getattr(
            view_func, "requires_two_factor", False
        )
        if not privileged:
            view_class = getattr(view_func, "view_class", None)
            privileged = bool(getattr(view_class, "requires_two_factor", False))
        if not privileged or not user_requires_two_factor(request.user):
            return None
        if user_has_totp(request.user):
            return None
        messages.warning(
            request,
            _(
                "Your role gives access to protected pages. Set up two-factor "
                "authentication with an authenticator app to continue."
            ),
        )
        return redirect("mfa_activate_totp")
