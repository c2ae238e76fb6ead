"""Rate limits for public forms, kept in the cache (Redis in production).

if form_over_limit(request, form, scope="session-register", limit=10, message=_("Too many...")):
    return render(request, template, {"form": form}, status=429)
"""

from allauth.account.adapter import get_adapter
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured, PermissionDenied


def client_ip(request) -> str:
    """The client's address as allauth's own rate limits see it: the X-Forwarded-For entry set by
    the last trusted proxy (``TRUSTED_PROXY_COUNT``), else REMOTE_ADDR. Without this, behind a
    proxy every visitor would share one counter."""
    try:
        return get_adapter(request).get_client_ip(request)
    except (PermissionDenied, ImproperlyConfigured):  # no address, or fewer hops than proxies
        return request.META.get("REMOTE_ADDR", "") or "unknown"


def ratelimit_hit(key: str, *, limit: int, period: int) -> bool:
    """Count one hit on ``key``; return False once more than ``limit`` hits fell in ``period``."""
    cache_key = f"ratelimit:{key}"
    cache.add(cache_key, 0, timeout=period)
    try:
        count = cache.incr(cache_key)
    except ValueError:  # expired between add and incr
        cache.set(cache_key, 1, timeout=period)
        count = 1
    return count <= limit


def form_over_limit(request, form, *, scope: str, limit: int, message, period: int = 3600) -> bool:
    """Count one submission of ``form`` from the client's address, valid or not (a bot posting
    rubbish is limited too). Past ``limit`` in ``period`` the form is validated all the same,
    so what was typed and its errors stay on the page, ``message`` is added above it and True
    is returned: the view renders the form again with HTTP 429."""
    if ratelimit_hit(f"{scope}:{client_ip(request)}", limit=limit, period=period):
        return False
    form.is_valid()
    form.add_error(None, message)
    return True
