# allauth keeps the record of how a session authenticated in this (internal) helper; the
# portal writes to it only through session_second_factor_record below.
from allauth.account.internal.flows.login import record_authentication
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.db import transaction

from .models import User


@transaction.atomic
def user_profile_update(
    *, user: User, display_name: str, organisation: str, preferred_language: str
) -> User:
    user.display_name = display_name
    user.organisation = organisation
    user.preferred_language = preferred_language
    user.save(update_fields=["display_name", "organisation", "preferred_language"])
    return user


def email_verify_after_password_set(*, user: User) -> None:
    """Whoever set a password from a link emailed to the address has proven they own it (new
    applicant contacts are invited that way, so they can sign in afterwards)."""
    EmailAddress.objects.filter(user=user, email__iexact=user.email).update(verified=True)


def session_second_factor_record(*, request, user: User, authenticator: Authenticator) -> None:
    """Record in the session that ``user`` passed the second factor with ``authenticator``, as
    allauth does when a code is typed at sign-in (method ``mfa``). Used when TOTP is activated:
    the user has just typed a valid code from the new authenticator."""
    record_authentication(
        request, user, "mfa", id=authenticator.pk, type=authenticator.type, activated=True
    )
