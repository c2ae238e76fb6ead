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
