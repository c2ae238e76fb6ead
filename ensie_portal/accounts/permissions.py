"""Declarative permission helpers for views.

Views declare who may enter (the role checks are :mod:`ensie_portal.accounts.roles`); object
lookups additionally scope their queryset to the user, so that another user's object is a 404
rather than a 403 that leaks its existence.

A page that needs a verified second factor says so with one decorator,
:func:`second_factor_required`, on a function view or a view class (the mixins below carry
it); ``RequireTwoFactorMiddleware`` reads that mark, and nothing else, besides the admin.
"""

from django.contrib.auth.mixins import LoginRequiredMixin, UserPassesTestMixin

from . import roles

# The attribute the decorator sets on a view (function or class) and the middleware reads.
SECOND_FACTOR_MARK = "second_factor_required"


def second_factor_required(view):
    """Mark a view as opening only in a session that passed the second factor.

    On a function view, place it anywhere among the decorators that keep the view's attributes
    (``functools.wraps``); on a class (a view or a mixin) it marks the class and its
    subclasses. The role check itself stays the view's own (``login_required``, a mixin...)."""
    setattr(view, SECOND_FACTOR_MARK, True)
    return view


def is_second_factor_required(view_func) -> bool:
    """Whether the resolved view (a function, or a class's ``as_view()``) carries the mark."""
    if getattr(view_func, SECOND_FACTOR_MARK, False):
        return True
    view_class = getattr(view_func, "view_class", None)
    return bool(getattr(view_class, SECOND_FACTOR_MARK, False))


@second_factor_required
class StaffRequiredMixin(LoginRequiredMixin, UserPassesTestMixin):
    def test_func(self):
        return roles.is_staff(self.request.user)


@second_factor_required
class BoardRequiredMixin(LoginRequiredMixin, UserPassesTestMixin):
    """The Board's pages: Board members and staff (see roles.py)."""

    def test_func(self):
        return roles.is_board_or_staff(self.request.user)
