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
    """Staff and members of the groups named in TWO_FACTOR_REQUIRED_GROUPS must use TOTP."""
    if not user.is_authenticated:
        return False
    if user.is_staff:
        return True
    return any(user_in_group(user, name) for name in settings.TWO_FACTOR_REQUIRED_GROUPS)


def user_has_totp(user) -> bool:
    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
