"""The second factor on protected pages: ``RequireTwoFactorMiddleware``.

Which pages are protected is read from the view (``@second_factor_required``, see
permissions.py) and, for the admin, from its URL names; who must pass the second factor is
:func:`ensie_portal.accounts.roles.needs_second_factor`. A session that has not passed it is
sent to the re-authentication by code, or to set up an authenticator.
"""

from urllib.parse import urlencode, urlsplit

from django.contrib import messages
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from .permissions import is_second_factor_required
from .roles import is_staff, needs_second_factor
from .selectors import session_passed_second_factor, user_has_totp

# Pages of the admin that stay open to a session without the second factor.
ADMIN_OPEN_PAGES = {"logout"}
# The page a user without an authenticator asked for, offered again once it is set up (the
# setup ends on allauth's recovery codes page: templates/mfa/recovery_codes/index.html).
PAGE_AFTER_SETUP = "second_factor_page_after_setup"


def page_needs_second_factor(view_func, app_name: str, url_name: str | None = None) -> bool:
    """The admin's pages (all but its logout), and every view marked with
    :func:`~ensie_portal.accounts.permissions.second_factor_required`."""
    if app_name == "admin":
        return url_name not in ADMIN_OPEN_PAGES
    return is_second_factor_required(view_func)


class RequireTwoFactorMiddleware:
    """Protected pages open only in a session that passed the second factor.

    A protected page is one of the admin (but its logout) or a view marked with
    ``@second_factor_required``. The middleware steps in only for users whose role asks for a
    second factor (:func:`~ensie_portal.accounts.roles.needs_second_factor`: staff, and the
    groups of TWO_FACTOR_REQUIRED_GROUPS), and on the admin only for staff: anyone else is
    refused by the page itself (the admin, or the view's own role check). A user with an
    authenticator whose session has not used it (signed in before it was set up, or with the
    password alone) is sent to allauth's re-authentication by code and brought back to the
    page (for a form sent, to the page it was sent from); a user without one is sent to set it
    up (activating it counts as passing it, see receivers.py).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        match = request.resolver_match
        if match is None or not page_needs_second_factor(view_func, match.app_name, match.url_name):
            return None
        user = request.user
        if not needs_second_factor(user):
            return None
        if match.app_name == "admin" and not is_staff(user):
            return None  # the admin refuses everyone else itself
        if session_passed_second_factor(request):
            request.session.pop(PAGE_AFTER_SETUP, None)
            return None
        if not user_has_totp(user):
            back = _page_to_return_to(request)
            if back and url_has_allowed_host_and_scheme(back, allowed_hosts=None):
                # Written into a link: a path of this site only (no host, no //host or /\host).
                request.session[PAGE_AFTER_SETUP] = back
            else:
                request.session.pop(PAGE_AFTER_SETUP, None)
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
