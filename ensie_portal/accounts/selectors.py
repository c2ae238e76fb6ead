from allauth.account.authentication import get_authentication_records
from allauth.mfa.models import Authenticator


def user_has_totp(user) -> bool:
    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


def session_passed_second_factor(request) -> bool:
    """Whether this session's user proved the second factor in it: allauth records each way a
    session authenticated (sign-in code, re-authentication; the portal adds activating TOTP)."""
    return any(
        record.get("method") == "mfa"
        for record in get_authentication_records(request, request.user)
    )
