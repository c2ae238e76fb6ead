from django.db.models import QuerySet

from .models import Network


def networks_for_user(*, user) -> QuerySet[Network]:
    """The networks ``user`` represents (any status)."""
    if not user.is_authenticated:
        return Network.objects.none()
    return Network.objects.filter(representative_links__user=user)


def user_is_member_representative(user) -> bool:
    """Whether ``user`` represents at least one network that is currently a member."""
    return networks_for_user(user=user).filter(status=Network.Status.MEMBER).exists()
