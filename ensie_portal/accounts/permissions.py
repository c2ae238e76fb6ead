"""Declarative permission helpers for views.

Views declare who may enter; object lookups additionally scope their queryset to the user,
so that another user's object is a 404 rather than a 403 that leaks its existence.
Privileged views (:func:`privileged`, :class:`PrivilegedMixin`) open only in a session that
passed the second factor (``RequireTwoFactorMiddleware``).
"""

from django.contrib.auth.mixins import LoginRequiredMixin, UserPassesTestMixin

from .models import Roles
from .selectors import user_in_group


def is_board(user) -> bool:
    return user.is_authenticated and (user.is_staff or user_in_group(user, Roles.BOARD))


def is_organiser(user) -> bool:
    return user.is_authenticated and (user.is_staff or user_in_group(user, Roles.ORGANISERS))


def privileged(view):
    """Mark a function view as privileged: a second-factor session is required to open it."""
    view.requires_two_factor = True
    return view


class PrivilegedMixin(LoginRequiredMixin):
    """A privileged page: it opens only in a session that passed the second factor."""

    requires_two_factor = True


class StaffRequiredMixin(PrivilegedMixin, UserPassesTestMixin):
    def test_func(self):
        return self.request.user.is_staff


class BoardRequiredMixin(PrivilegedMixin, UserPassesTestMixin):
    def test_func(self):
        return is_board(self.request.user)


class OrganiserRequiredMixin(PrivilegedMixin, UserPassesTestMixin):
    def test_func(self):
        return is_organiser(self.request.user)
