"""Signed links in the registrants' emails: confirm (valid until the session starts) and cancel."""

from django.core import signing
from django.utils.translation import gettext_lazy as _

from ensie_portal.core.errors import DomainError
from ensie_portal.core.i18n import absolute_url

from .models import Registration

TOKEN_SALT = "sessions_app.registration"  # noqa: S105 - a namespace, not a secret
CONFIRM = "confirm"
CANCEL = "cancel"


class RegistrationClosed(DomainError):  # noqa: N818 - reads as the rule it reports
    pass


class InvalidToken(DomainError):  # noqa: N818
    pass


def registration_token(*, registration: Registration, purpose: str) -> str:
    return signing.dumps({"r": registration.pk, "p": purpose}, salt=TOKEN_SALT, compress=True)


def signed_url(registration: Registration, purpose: str) -> str:
    """The absolute link, in the registrant's language, that acts on ``registration``."""
    token = registration_token(registration=registration, purpose=purpose)
    return absolute_url(f"sessions_app:{purpose}", registration.language, token=token)


def registration_from_token(*, token: str, purpose: str, now=None) -> Registration:
    """The registration a signed link names; refused when tampered, meant for another purpose,
    or (confirmation) once the session has started."""
    invalid = _("This link is not valid. Please use the link from your email.")
    try:
        data = signing.loads(token, salt=TOKEN_SALT)
    except signing.BadSignature:
        raise InvalidToken(invalid) from None
    if not isinstance(data, dict) or data.get("p") != purpose:
        raise InvalidToken(invalid)
    registration = Registration.objects.select_related("session").filter(pk=data.get("r")).first()
    if registration is None or registration.anonymised_at is not None:
        raise InvalidToken(_("This registration no longer exists."))
    if purpose == CONFIRM and registration.session.has_started(now):
        raise RegistrationClosed(_("This confirmation link has expired: the session has started."))
    return registration
