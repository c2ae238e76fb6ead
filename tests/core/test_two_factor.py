"""Privileged pages open only in a session that passed the second factor (issue 12, item 1).

The sessions here sign in through the real allauth form, never with ``force_login`` (which the
suite treats as a completed sign-in, second factor included: tests/conftest.py).
"""

import io
import re
from datetime import timedelta
from urllib.parse import urlencode

import pytest
import time_machine
from allauth.mfa.totp.internal.auth import TOTP
from django.urls import URLResolver, get_resolver, reverse
from django.utils import timezone

from ensie_portal.accounts.middleware import page_needs_second_factor
from ensie_portal.accounts.models import User
from ensie_portal.core import demo as core_demo
from networks.models import Application
from practices import demo as practices_demo
from practices.models import Practice
from sessions_app.models import Registration, Session
from tests.assemblies.factories import AssemblyInSessionFactory
from tests.factories import (
    TEST_PASSWORD,
    TOTP_SECRET,
    UserFactory,
    has_totp,
    make_board_member,
    make_organiser,
    make_staff,
)
from tests.networks.factories import ApplicationFactory
from tests.practices.factories import PracticeFactory, make_editor
from tests.sessions_app.factories import RegistrationFactory, SessionFactory
from tests.two_factor import totp_code

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _codes_valid_one_period_either_side(settings):
    """A code typed as the 30-second period turns is still accepted (no flaky test)."""
    settings.MFA_TOTP_TOLERANCE = 1


def sign_in(client, user, **extra):
    """The allauth sign-in form, with the password."""
    return client.post(
        reverse("account_login"), {"login": user.email, "password": TEST_PASSWORD, **extra}
    )


def signed_in_user_id(client):
    return client.session.get("_auth_user_id")


# --- Every privileged page family, with a user whose role opens it --------------------------


def _staff_page(name):
    def build(totp):
        return make_staff(totp=totp, is_superuser=True), reverse(name)

    return build


def _board_queue(totp):
    return make_board_member(totp=totp), reverse("networks:board_queue")


def _board_application(totp):
    application = ApplicationFactory(status=Application.Status.REQUEST_SUBMITTED)
    return make_board_member(totp=totp), reverse(
        "networks:board_application", args=[application.pk]
    )


def _moderation(totp):
    return make_editor(totp=totp), reverse("practices:moderation")


def _practice_review(totp):
    practice = PracticeFactory(status=Practice.Status.SUBMITTED)
    return make_editor(totp=totp), reverse("practices:review", args=[practice.slug])


def _organiser_page(name, *, with_session=True):
    def build(totp):
        organiser = make_organiser(totp=totp)
        if not with_session:
            return organiser, reverse(name)
        session = SessionFactory(organisers=[organiser])
        RegistrationFactory(session=session, status=Registration.Status.CONFIRMED)
        return organiser, reverse(name, args=[session.pk])

    return build


def _chair_page(name):
    def build(totp):
        chair = make_board_member(totp=totp)
        assembly = AssemblyInSessionFactory(chair=chair)
        return chair, reverse(name, args=[assembly.pk])

    return build


PRIVILEGED_PAGES = {
    "admin": _staff_page("admin:index"),
    "admin model list": _staff_page("admin:networks_network_changelist"),
    "Board queue": _board_queue,
    "Board application": _board_application,
    "fees": _staff_page("networks:fee_list"),
    "staff assemblies": _staff_page("assemblies:staff_assemblies"),
    "moderation queue": _moderation,
    "practice review": _practice_review,
    "session management": _organiser_page("sessions_app:manage_list", with_session=False),
    "managed session": _organiser_page("sessions_app:manage_detail"),
    "registrants": _organiser_page("sessions_app:registrants"),
    "registrants CSV": _organiser_page("sessions_app:registrants_csv"),
    "email requests": _organiser_page("sessions_app:inbound_list", with_session=False),
    "chair screen": _chair_page("assemblies:assembly_chair"),
    "assembly record": _chair_page("assemblies:assembly_record"),
}


@pytest.mark.parametrize("family", PRIVILEGED_PAGES)
def test_a_password_only_session_without_an_authenticator_is_sent_to_set_one_up(client, family):
    user, url = PRIVILEGED_PAGES[family](totp=False)
    sign_in(client, user)
    assert signed_in_user_id(client) == str(user.pk)
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_activate_totp")


@pytest.mark.parametrize("family", PRIVILEGED_PAGES)
def test_a_session_that_did_not_use_the_authenticator_is_asked_for_a_code_and_comes_back(
    client, family
):
    user, url = PRIVILEGED_PAGES[family](totp=False)
    sign_in(client, user)
    # Set up meanwhile in another browser: this session signed in with the password alone.
    TOTP.activate(user, TOTP_SECRET)
    response = client.get(url)
    reauthenticate = reverse("mfa_reauthenticate") + "?" + urlencode({"next": url})
    assert response.status_code == 302
    assert response["Location"] == reauthenticate
    # A wrong code does not open it.
    assert client.post(reauthenticate, {"code": "000000"}).status_code == 200
    assert client.get(url).status_code == 302
    response = client.post(reauthenticate, {"code": totp_code()})
    assert response.status_code == 302
    assert response["Location"] == url
    assert client.get(url).status_code == 200


def test_an_action_sent_without_the_second_factor_is_not_done(client):
    organiser = make_organiser(totp=False)
    draft = SessionFactory(organisers=[organiser], status=Session.Status.DRAFT)
    sign_in(client, organiser)
    TOTP.activate(organiser, TOTP_SECRET)
    page = reverse("sessions_app:manage_detail", args=[draft.pk])
    response = client.post(
        reverse("sessions_app:manage_publish", args=[draft.pk]),
        HTTP_REFERER=f"http://testserver{page}",
    )
    assert response["Location"] == reverse("mfa_reauthenticate") + "?" + urlencode({"next": page})
    draft.refresh_from_db()
    assert draft.status == Session.Status.DRAFT


def test_the_code_asked_at_sign_in_opens_the_privileged_pages(client):
    organiser = make_organiser()
    response = sign_in(client, organiser)
    assert response["Location"] == reverse("mfa_authenticate")
    assert signed_in_user_id(client) is None
    response = client.post(reverse("mfa_authenticate"), {"code": totp_code()})
    assert signed_in_user_id(client) == str(organiser.pk)
    assert client.get(reverse("sessions_app:inbound_list")).status_code == 200


@pytest.mark.parametrize(("hours_later", "opens"), [(11, True), (13, False)])
def test_a_code_opens_the_privileged_pages_for_twelve_hours(client, hours_later, opens):
    """A laptop left open with a privileged session: after SECOND_FACTOR_MAX_AGE_HOURS the
    pages ask for a new code, and take the user back once it is typed."""
    organiser = make_organiser()
    client.force_login(organiser)  # with the code, just now
    url = reverse("sessions_app:inbound_list")
    assert client.get(url).status_code == 200
    with time_machine.travel(timezone.now() + timedelta(hours=hours_later)):
        response = client.get(url)
        if opens:
            assert response.status_code == 200
            return
        reauthenticate = reverse("mfa_reauthenticate") + "?" + urlencode({"next": url})
        assert response["Location"] == reauthenticate
        assert signed_in_user_id(client) == str(organiser.pk)  # still signed in
        assert client.post(reauthenticate, {"code": totp_code()})["Location"] == url
        assert client.get(url).status_code == 200


@pytest.mark.django_db(transaction=True)
def test_activating_the_authenticator_counts_as_passing_the_second_factor(client):
    """Committed as in production: allauth announces the new authenticator after commit."""
    editor = make_editor(totp=False)
    sign_in(client, editor)
    assert client.get(reverse("practices:moderation"))["Location"] == reverse("mfa_activate_totp")
    # allauth asks for the password again before an authenticator is added.
    client.post(reverse("account_reauthenticate"), {"password": TEST_PASSWORD})
    assert client.get(reverse("mfa_activate_totp")).status_code == 200
    secret = client.session["mfa.totp.secret"]
    response = client.post(reverse("mfa_activate_totp"), {"code": totp_code(secret=secret)})
    assert has_totp(editor)
    # The setup ends on the recovery codes, which lead back to the page asked for.
    assert response["Location"] == reverse("mfa_view_recovery_codes")
    way_back = f'<a href="{reverse("practices:moderation")}">Continue to the page you asked for</a>'
    assert way_back in client.get(response["Location"]).content.decode()
    assert client.get(reverse("practices:moderation")).status_code == 200
    assert way_back not in client.get(response["Location"]).content.decode()  # used: gone


@pytest.mark.parametrize(
    "url",
    [
        "/sessions/manage/",
        "/sessions/manage/requests/",
        "/practices/moderation/",
        "/board/applications/",
        "/board/fees/",
    ],
)
def test_a_user_without_a_privileged_role_is_refused_not_sent_to_set_up_an_authenticator(
    client, url
):
    sign_in(client, UserFactory())
    assert client.get(url).status_code == 403


# --- The admin's sign-in --------------------------------------------------------------------


def test_the_admin_sign_in_is_the_portal_sign_in(client):
    response = client.get(reverse("admin:login") + "?next=/admin/")
    assert response.status_code == 302
    assert response["Location"] == reverse("account_login") + "?next=%2Fadmin%2F"


def test_the_admin_login_form_no_longer_signs_anyone_in(client):
    staff = make_staff()
    response = client.post(
        reverse("admin:login"), {"username": staff.email, "password": TEST_PASSWORD}
    )
    assert response.status_code == 302
    assert signed_in_user_id(client) is None
    assert client.get(reverse("admin:index")).status_code == 302


def test_the_admin_sign_in_asks_for_the_authenticator_code(client):
    staff = make_staff()
    sign_in_page = client.get(reverse("admin:login") + "?next=/admin/")["Location"]
    response = client.post(sign_in_page, {"login": staff.email, "password": TEST_PASSWORD})
    assert response["Location"] == reverse("mfa_authenticate")
    assert signed_in_user_id(client) is None
    assert client.get(reverse("admin:index")).status_code == 302
    response = client.post(reverse("mfa_authenticate"), {"code": totp_code()})
    assert response["Location"] == "/admin/"
    assert client.get(reverse("admin:index")).status_code == 200


def test_wrong_passwords_at_the_admin_sign_in_are_throttled(client):
    staff = make_staff(totp=False)
    sign_in_page = client.get(reverse("admin:login") + "?next=/admin/")["Location"]
    refused = 0
    for attempt in range(40):
        response = client.post(
            sign_in_page, {"login": staff.email, "password": f"wrong-password-{attempt}"}
        )
        refused += throttled(response)
    # allauth: 5 failures per address in 5 minutes, then 30 sign-in posts per minute and address.
    assert refused == 35
    # Even the right password is refused until the limits pass.
    response = client.post(sign_in_page, {"login": staff.email, "password": TEST_PASSWORD})
    assert throttled(response)
    assert signed_in_user_id(client) is None


def throttled(response) -> bool:
    return response.status_code == 429 or (
        response.status_code == 200
        and "Too many failed login attempts" in response.content.decode()
    )


# --- The demo accounts ----------------------------------------------------------------------


def test_every_demo_account_that_opens_privileged_pages_has_an_authenticator():
    core_demo.load(stdout=io.StringIO())
    practices_demo.load(stdout=io.StringIO())
    for email in (
        "staff@demo.ensie.eu",
        "board@demo.ensie.eu",
        "organiser@demo.ensie.eu",
        "editor@demo.ensie.eu",
    ):
        assert has_totp(User.objects.get(email=email)), email
    assert not has_totp(User.objects.get(email="public@demo.ensie.eu"))


# --- Which pages are privileged -------------------------------------------------------------

# Every address of these shapes is a privileged page; no other is (the README lists them).
PRIVILEGED_ROUTES = re.compile(
    r"^(admin/"
    r"|board/"
    r"|staff/"
    r"|sessions/manage/"
    r"|assemblies/<int:pk>/(chair/|record\.csv$)"
    r"|practices/(moderation/$|<slug:slug>/review/$)"
    r"|applications/<int:pk>/files/)"
)


def _routes(patterns, prefix="", app_name=""):
    for pattern in patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            yield from _routes(pattern.url_patterns, route, pattern.app_name or app_name)
        else:
            yield route, pattern.callback, app_name, pattern.name


def test_exactly_the_privileged_addresses_ask_for_the_second_factor():
    checked = 0
    for route, view, app_name, url_name in _routes(get_resolver().url_patterns):
        expected = bool(PRIVILEGED_ROUTES.match(route)) and route != "admin/logout/"
        assert page_needs_second_factor(view, app_name, url_name) == expected, route
        checked += expected
    assert checked > 40
