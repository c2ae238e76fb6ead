"""Who may contribute and who may moderate best practices."""

from django.contrib.auth.mixins import LoginRequiredMixin, UserPassesTestMixin

from ensie_portal.accounts.selectors import user_in_group
from networks.models import Network, Representative

EDITORS = "Editors"


def is_editor(user) -> bool:
    return user.is_authenticated and (user.is_staff or user_in_group(user, EDITORS))


def can_contribute(user) -> bool:
    """Staff and the representatives of member networks submit practices."""
    if not user.is_authenticated:
        return False
    return (
        user.is_staff
        or Representative.objects.filter(user=user, network__status=Network.Status.MEMBER).exists()
    )


class ContributorRequiredMixin(LoginRequiredMixin, UserPassesTestMixin):
    def test_func(self):
        return can_contribute(self.request.user)


class EditorRequiredMixin(LoginRequiredMixin, UserPassesTestMixin):
    def test_func(self):
        return is_editor(self.request.user)
