"""Who is who: every role check of the portal, in one place.

A role is the staff flag (the ENSIE secretariat, ``User.is_staff``) or membership of a role group
(:class:`~ensie_portal.accounts.models.Roles`: the Board, the organisers of sessions, the
editors of best practices); being a network's representative is a role too, held through a
:class:`networks.models.Representative` link.

Staff and the Board — the one rule
    The Board's decisions on an application (review, criteria, eligible / not eligible /
    changes requested) are the Board members' alone: :func:`is_board_member` is the group and
    nothing else; staff do not count. Everything else the Board sees, staff see too and may
    do: the Board's pages, the applications' private files, every General Assembly, chairing
    an assembly. That is :func:`is_board_or_staff`. No predicate is called "is board" on its
    own: the name always says whether staff are in.

    Organisers and editors follow the same naming: :func:`is_organiser` and :func:`is_editor`
    are the group alone; :func:`is_organiser_or_staff` and :func:`is_editor_or_staff` are
    who may open the organisers' and the editors' pages (staff manage every session and
    moderate practices). The superuser flag is not consulted anywhere: a superuser is staff.

Every predicate accepts ``None`` or an anonymous user and answers False. The ones used as the
``who`` of a workflow :class:`~ensie_portal.core.workflow.Rule` (``who(actor, obj)``) take the
object as their second argument (and ignore it when the role does not depend on it).

Object-scoped checks (represents THIS network, may manage THIS session) read the object's
attributes or the user's reverse relations; this module imports no model of another app at
module level (networks, sessions_app and practices import it).
"""

from django.conf import settings
from django.db.models import Q, QuerySet

from .models import Roles, User


def _signed_in(user) -> bool:
    return user is not None and user.is_authenticated


def _in_group(user, group_name: str) -> bool:
    """Whether ``user`` belongs to ``group_name``; the names are cached on the user object
    (one query per request)."""
    if not _signed_in(user):
        return False
    cache = getattr(user, "_group_names", None)
    if cache is None:
        cache = set(user.groups.values_list("name", flat=True))
        user._group_names = cache
    return group_name in cache


# --- Roles ----------------------------------------------------------------------------------


def is_staff(user, obj=None) -> bool:
    """The secretariat (the staff flag)."""
    return _signed_in(user) and user.is_staff


def is_board_member(user, obj=None) -> bool:
    """A member of the Board group; staff are not (the Board decides on eligibility alone)."""
    return _in_group(user, Roles.BOARD)


def is_board_or_staff(user) -> bool:
    """Who opens the Board's pages and follows its work: Board members and staff."""
    return is_staff(user) or is_board_member(user)


def board_members() -> QuerySet[User]:
    """The active users :func:`is_board_member` admits (whom the Board's emails go to)."""
    return User.objects.filter(groups__name=Roles.BOARD, is_active=True)


def is_organiser(user) -> bool:
    """A member of the Organisers group."""
    return _in_group(user, Roles.ORGANISERS)


def organisers() -> QuerySet[User]:
    """The users :func:`is_organiser` admits (the choice of a session's organisers)."""
    return User.objects.filter(groups__name=Roles.ORGANISERS)


def is_organiser_or_staff(user) -> bool:
    """Who opens the organisers' pages: organisers (their sessions) and staff (every one)."""
    return is_staff(user) or is_organiser(user)


def is_editor(user) -> bool:
    """A member of the Editors group."""
    return _in_group(user, Roles.EDITORS)


def is_editor_or_staff(user) -> bool:
    """Who moderates best practices: editors and staff."""
    return is_staff(user) or is_editor(user)


def needs_second_factor(user) -> bool:
    """Whether ``user`` holds a role that opens protected pages — staff, or a member of one of
    the groups of TWO_FACTOR_REQUIRED_GROUPS (the Board, organisers, editors). They open those
    pages only in a session that passed the second factor (accounts/middleware.py)."""
    if is_staff(user):
        return True
    return any(_in_group(user, name) for name in settings.TWO_FACTOR_REQUIRED_GROUPS)


# --- The General Assembly -------------------------------------------------------------------


def may_chair(user) -> bool:
    """The chair of a General Assembly is a Board member or staff (who run it with two-factor
    authentication); a chair who leaves both roles can no longer run it."""
    return is_board_or_staff(user)


def users_who_may_chair() -> QuerySet[User]:
    """Everyone :func:`may_chair` admits, as a queryset (the admin's choice of a chair)."""
    return User.objects.filter(Q(is_staff=True) | Q(groups__name=Roles.BOARD)).distinct()


# --- Membership -----------------------------------------------------------------------------


def may_record_fee_payments(user) -> bool:
    """Who records a fee as paid, or takes that back: staff (the secretariat)."""
    return is_staff(user)


def represents_network(user, network_id) -> bool:
    """Whether ``user`` is one of the representatives of the network ``network_id``."""
    return (
        _signed_in(user)
        and network_id is not None
        and user.representative_links.filter(network_id=network_id).exists()
    )


def represents_applicant(user, application) -> bool:
    """Whether ``user`` represents the network that made ``application`` (a workflow rule)."""
    return represents_network(user, application.network_id)


def is_member_representative(user) -> bool:
    """Whether ``user`` represents at least one network that is currently a member."""
    if not _signed_in(user):
        return False
    from networks.models import Network  # networks imports this module

    return user.representative_links.filter(network__status=Network.Status.MEMBER).exists()


# --- Best practices -------------------------------------------------------------------------


def may_contribute_practices(user) -> bool:
    """Staff and the representatives of member networks submit practices."""
    return is_staff(user) or is_member_representative(user)


# --- Sessions -------------------------------------------------------------------------------


def may_manage_session(user, session) -> bool:
    """Staff manage every session; anyone else only the sessions they organise (a workflow
    rule)."""
    if not _signed_in(user):
        return False
    return user.is_staff or session.organisers.filter(pk=user.pk).exists()
