import time

from allauth.account.authentication import get_authentication_records
from allauth.mfa.models import Authenticator
from django.conf import settings


def user_has_totp(user) -> bool:
    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


def session_passed_second_factor(request) -> bool:
    """Whether this session's user proved the second factor in it within the last
    ``SECOND_FACTOR_MAX_AGE_HOURS``: allauth records each way a session authenticated, and when
    (sign-in code, re-authentication; the portal adds activating TOTP)."""
    since = time.time() - settings.SECOND_FACTOR_MAX_AGE_HOURS * 3600
    return any(
        record.get("method") == "mfa" and record.get("at", 0) >= since
        for record in get_authentication_records(request, request.user)
    )
