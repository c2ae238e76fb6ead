from allauth.account.models import EmailAddress
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
