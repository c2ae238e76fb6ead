"""Sign-in helpers of the suite for the second factor.

Privileged pages open only in a session that passed the second factor (allauth records it in
the session, method "mfa"). ``client.force_login`` stands for a completed sign-in, so the suite
makes it record that step too for a user who has an authenticator (see the autouse fixture in
tests/conftest.py); a test about a session that did not pass it signs in through the real
allauth form instead.
"""

from allauth.account.internal.flows.login import record_authentication
from allauth.mfa import app_settings as mfa_settings
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from django.test import RequestFactory
from django.utils import timezone

from tests.factories import TOTP_SECRET


def record_second_factor(client, user) -> bool:
    """Record in ``client``'s session that ``user`` passed the second factor, as allauth does
    after a code typed at sign-in; False (nothing recorded) if the user has no authenticator."""
    authenticator = Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).first()
    if authenticator is None:
        return False
    request = RequestFactory().get("/")
    request.session = client.session
    request.user = user
    record_authentication(request, user, "mfa", id=authenticator.pk, type=authenticator.type)
    request.session.save()
    return True


def totp_code(*, periods_from_now: int = 0, secret: str = TOTP_SECRET) -> str:
    """The code an authenticator app shows now for the factories' secret (or a neighbouring
    period's, accepted with ``MFA_TOTP_TOLERANCE``)."""
    counter = int(timezone.now().timestamp()) // mfa_settings.TOTP_PERIOD + periods_from_now
    return format_hotp_value(hotp_value(secret, counter))
