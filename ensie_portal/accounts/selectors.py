from allauth.account.authentication import get_authentication_records
from allauth.mfa.models import Authenticator
from django.conf import settings


def user_in_group(user, group_name: str) -> bool:
    """Whether ``user`` belongs to ``group_name``; cached on the user for the request."""
    if not user.is_authenticated:
        return False
    cache = getattr(user, "_group_names", None)
    if cache is None:
        cache = set(user.groups.values_list("name", flat=True))
        user._group_names = cache
    return group_name in cache


def user_requires_two_factor(user) -> bool:
    """Whether ``user`` holds a privileged role: staff, or a member of one of the groups named
    in TWO_FACTOR_REQUIRED_GROUPS (the Board, organisers, editors). They open privileged pages
    only in a session that passed the second factor."""
    if not user.is_authenticated:
        return False
    if user.is_staff:
        return True
    return any(user_in_group(user, name) for name in settings.TWO_FACTOR_REQUIRED_GROUPS)


def user_has_totp(user) -> bool:
    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


def session_passed_second_factor(request) -> bool:
    """Whether this session's user proved the second factor in it: allauth records each way a
    session authenticated (sign-in code, re-authentication; the portal adds activating TOTP)."""
    return any(
        record.get("method") == "mfa"
        for record in get_authentication_records(request, request.user)
    )
