"""Every role check answers from ensie_portal/accounts/roles.py (issue 14, item 2), and one
decorator, ``second_factor_required``, makes a page need a verified second factor."""

from urllib.parse import urlencode

import pytest
from allauth.mfa.totp.internal.auth import TOTP
from django.contrib.auth.models import AnonymousUser
from django.http import HttpResponse
from django.urls import path, reverse
from django.views import View

from ensie_portal import urls as portal_urls
from ensie_portal.accounts import roles
from ensie_portal.accounts.middleware import page_needs_second_factor
from ensie_portal.accounts.models import Roles
from ensie_portal.accounts.permissions import second_factor_required
from networks.models import Network
from tests.factories import (
    TEST_PASSWORD,
    TOTP_SECRET,
    UserFactory,
    make_board_member,
    make_organiser,
    make_staff,
)
from tests.networks.factories import (
    ApplicationFactory,
    MemberNetworkFactory,
    NetworkFactory,
    RepresentativeFactory,
)
from tests.sessions_app.factories import SessionFactory

pytestmark = pytest.mark.django_db


# --- Who is who -----------------------------------------------------------------------------


def _representative():
    return RepresentativeFactory(network=MemberNetworkFactory()).user


USERS = {
    "system": lambda: None,
    "anonymous": AnonymousUser,
    "plain user": UserFactory,
    "representative": _representative,
    "board member": make_board_member,
    "staff": make_staff,
    "superuser": lambda: make_staff(is_superuser=True),
    "organiser": make_organiser,
    "editor": lambda: UserFactory(groups=(Roles.EDITORS,)),
}

# Who each predicate admits; everyone else (the system, anonymous and plain users among them)
# is refused. Staff count for the Board's pages, never for its decisions (is_board_member).
ADMITS = {
    roles.is_staff: {"staff", "superuser"},
    roles.is_board_member: {"board member"},
    roles.is_board_or_staff: {"board member", "staff", "superuser"},
    roles.may_chair: {"board member", "staff", "superuser"},
    roles.is_organiser: {"organiser"},
    roles.is_organiser_or_staff: {"organiser", "staff", "superuser"},
    roles.is_editor: {"editor"},
    roles.is_editor_or_staff: {"editor", "staff", "superuser"},
    roles.may_record_fee_payments: {"staff", "superuser"},
    roles.is_member_representative: {"representative"},
    roles.may_contribute_practices: {"representative", "staff", "superuser"},
    roles.needs_second_factor: {"board member", "staff", "superuser", "organiser", "editor"},
}


@pytest.mark.parametrize("kind", USERS)
@pytest.mark.parametrize("predicate", ADMITS, ids=lambda predicate: predicate.__name__)
def test_each_role_admits_exactly_its_users(predicate, kind):
    user = USERS[kind]()
    assert predicate(user) is (kind in ADMITS[predicate])


def test_the_workflow_rules_take_the_object_as_their_second_argument():
    application = ApplicationFactory()
    board, staff = make_board_member(), make_staff()
    assert roles.is_board_member(board, application)
    assert not roles.is_board_member(staff, application)
    assert roles.is_staff(staff, application)
    assert not roles.is_staff(board, application)


def test_a_representative_of_a_network_that_is_not_a_member_is_no_member_representative():
    user = RepresentativeFactory(network=NetworkFactory(status=Network.Status.APPLICANT)).user
    assert not roles.is_member_representative(user)
    assert not roles.may_contribute_practices(user)


def test_a_representative_represents_their_network_and_its_application_only():
    application = ApplicationFactory()
    representative = application.network.representative_links.get().user
    other = ApplicationFactory()
    assert roles.represents_network(representative, application.network_id)
    assert roles.represents_applicant(representative, application)
    assert not roles.represents_network(representative, other.network_id)
    assert not roles.represents_applicant(representative, other)
    for nobody in (None, AnonymousUser(), UserFactory(), make_staff(), make_board_member()):
        assert not roles.represents_applicant(nobody, application)


def test_a_session_is_managed_by_its_organisers_and_staff():
    organiser, other_organiser = make_organiser(), make_organiser()
    session = SessionFactory(organisers=[organiser])
    assert roles.may_manage_session(organiser, session)
    assert roles.may_manage_session(make_staff(), session)
    for nobody in (None, AnonymousUser(), UserFactory(), other_organiser, make_board_member()):
        assert not roles.may_manage_session(nobody, session)


def test_the_chair_is_chosen_among_board_members_and_staff_each_once():
    board = make_board_member()
    staff = make_staff()
    both = make_staff(groups=(Roles.BOARD,))
    UserFactory()
    make_organiser()
    assert sorted(roles.users_who_may_chair().values_list("pk", flat=True)) == sorted(
        [board.pk, staff.pk, both.pk]
    )


# --- The one decorator ----------------------------------------------------------------------


@second_factor_required
def protected_function(request):
    return HttpResponse("served")


@second_factor_required
class ProtectedClass(View):
    def get(self, request):
        return HttpResponse("served")


class ProtectedSubclass(ProtectedClass):
    def dispatch(self, request, *args, **kwargs):  # overriding dispatch keeps the mark
        return super().dispatch(request, *args, **kwargs)


def open_page(request):
    return HttpResponse("served")


urlpatterns = [
    path("roles-test/function/", protected_function, name="roles_test_function"),
    path("roles-test/class/", ProtectedClass.as_view(), name="roles_test_class"),
    path("roles-test/subclass/", ProtectedSubclass.as_view(), name="roles_test_subclass"),
    path("roles-test/open/", open_page, name="roles_test_open"),
    *portal_urls.urlpatterns,
]
PROTECTED = ["roles_test_function", "roles_test_class", "roles_test_subclass"]


def test_the_mark_is_read_from_function_views_classes_and_their_subclasses():
    assert page_needs_second_factor(protected_function, "")
    assert page_needs_second_factor(ProtectedClass.as_view(), "")
    assert page_needs_second_factor(ProtectedSubclass.as_view(), "")
    assert not page_needs_second_factor(open_page, "")


@pytest.mark.urls(__name__)
@pytest.mark.parametrize("name", PROTECTED)
def test_a_marked_page_is_refused_to_a_session_without_an_authenticator(client, name):
    client.force_login(make_staff(totp=False))
    response = client.get(reverse(name))
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_activate_totp")


@pytest.mark.urls(__name__)
@pytest.mark.parametrize("name", PROTECTED)
def test_a_marked_page_asks_a_session_that_did_not_use_the_authenticator_for_a_code(client, name):
    staff = make_staff(totp=False)
    client.post(reverse("account_login"), {"login": staff.email, "password": TEST_PASSWORD})
    TOTP.activate(staff, TOTP_SECRET)
    url = reverse(name)
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_reauthenticate") + "?" + urlencode({"next": url})


@pytest.mark.urls(__name__)
@pytest.mark.parametrize("name", PROTECTED)
def test_a_marked_page_is_served_to_a_session_that_passed_the_second_factor(client, name):
    client.force_login(make_staff())  # with an authenticator: the session records the code
    response = client.get(reverse(name))
    assert response.status_code == 200
    assert response.content == b"served"


@pytest.mark.urls(__name__)
def test_an_unmarked_page_needs_no_second_factor(client):
    client.force_login(make_staff(totp=False))
    assert client.get(reverse("roles_test_open")).status_code == 200
