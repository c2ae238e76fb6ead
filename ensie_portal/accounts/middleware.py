from urllib.parse import urlencode, urlsplit

from django.contrib import messages
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from .selectors import session_passed_second_factor, user_has_totp, user_requires_two_factor

# Pages of the admin that stay open to a session without the second factor.
ADMIN_OPEN_PAGES = {"logout"}


def is_privileged_view(view_func, app_name: str, url_name: str | None = None) -> bool:
    """The admin, and every view marked as privileged (``requires_two_factor``, set by
    :func:`ensie_portal.accounts.permissions.privileged` and :class:`PrivilegedMixin`)."""
    if app_name == "admin":
        return url_name not in ADMIN_OPEN_PAGES
    if getattr(view_func, "requires_two_factor", False):
        return True
    view_class = getattr(view_func, "view_class", None)
    return bool(getattr(view_class, "requires_two_factor", False))


class RequireTwoFactorMiddleware:
    """Privileged pages open only in a session that passed the second factor.

    Applies to users with a privileged role (staff, and the groups of
    TWO_FACTOR_REQUIRED_GROUPS); anyone else is refused by the page itself. A user with an
    authenticator whose session has not used it (signed in before it was set up, or with the
    password alone) is sent to allauth's re-authentication by code and brought back; a user
    without one is sent to set it up (activating it counts as passing it, see receivers.py).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        match = request.resolver_match
        if match is None or not is_privileged_view(view_func, match.app_name, match.url_name):
            return None
        user = request.user
        if not user_requires_two_factor(user):
            return None
        if match.app_name == "admin" and not user.is_staff:
            return None  # the admin refuses everyone else itself
        if session_passed_second_factor(request):
            return None
        if not user_has_totp(user):
            messages.warning(
                request,
                _(
                    "Your role gives access to protected pages. Set up two-factor "
                    "authentication with an authenticator app to continue."
                ),
            )
            return redirect("mfa_activate_totp")
        messages.info(
            request,
            _("This page is protected: enter a code from your authenticator app to open it."),
        )
        url = reverse("mfa_reauthenticate")
        back = _page_to_return_to(request)
        if back:
            url += "?" + urlencode({REDIRECT_FIELD_NAME: back})
        return redirect(url)


def _page_to_return_to(request) -> str:
    """The page asked for; for a form sent (POST), the page it was sent from, if ours."""
    if request.method in ("GET", "HEAD"):
        return request.get_full_path()
    referer = request.headers.get("referer", "")
    if url_has_allowed_host_and_scheme(
        referer, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        parts = urlsplit(referer)
        return parts.path + (f"?{parts.query}" if parts.query else "")
    return ""
