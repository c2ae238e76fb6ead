import re

import pytest
from django.core import mail
from django.urls import reverse

from ensie_portal.accounts.models import User
from ensie_portal.outbox.models import OutgoingMail
from tests.factories import TEST_PASSWORD, UserFactory, make_board_member, make_staff

pytestmark = pytest.mark.django_db


def send_queued(django_capture_on_commit_callbacks, action):
    with django_capture_on_commit_callbacks(execute=True):
        return action()


def test_signup_verification_confirm_and_login(client, django_capture_on_commit_callbacks):
    response = send_queued(
        django_capture_on_commit_callbacks,
        lambda: client.post(
            reverse("account_signup"),
            {
                "email": "new.member@example.org",
                "password1": TEST_PASSWORD,
                "password2": TEST_PASSWORD,
                "display_name": "New Member",
                "organisation": "A network",
                "preferred_language": "fr",
            },
        ),
    )
    assert response.status_code == 302
    user = User.objects.get(email="new.member@example.org")
    assert user.display_name == "New Member"
    assert user.preferred_language == "fr"

    # The verification email went through the outbox, in the user's language.
    [message] = mail.outbox
    assert message.to == ["new.member@example.org"]
    link = re.search(r"https?://\S+/accounts/confirm-email/\S+/", message.body).group(0)
    assert "/fr/" in link or "confirm-email" in link

    # Unverified: login is refused until the address is confirmed.
    client.logout()
    response = client.post(
        reverse("account_login"), {"login": user.email, "password": TEST_PASSWORD}
    )
    assert response.status_code == 302
    assert "confirm-email" in response["Location"] or "verification" in response["Location"]
    assert "_auth_user_id" not in client.session

    path = link.split("://", 1)[1].split("/", 1)[1]
    response = client.post("/" + path)
    assert response.status_code == 302

    response = client.post(
        reverse("account_login"), {"login": user.email, "password": TEST_PASSWORD}
    )
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)


def test_signup_with_bad_input_shows_errors_and_keeps_what_was_typed(client):
    response = client.post(
        reverse("account_signup"),
        {
            "email": "not-an-email",
            "password1": "short",
            "password2": "other",
            "display_name": "Kept Name",
            "organisation": "Kept Org",
            "preferred_language": "en",
        },
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert 'value="Kept Name"' in html
    assert 'value="Kept Org"' in html
    assert 'aria-invalid="true"' in html
    assert "Enter a valid email address." in html


# Valid addresses: 236 characters (fits the 254 of an email column) and 282 (does not).
LONG_EMAIL = "a" * 64 + "@" + ".".join(["b" * 60] * 2 + ["c" * 45]) + ".org"
TOO_LONG_EMAIL = "a" * 64 + "@" + ".".join(["b" * 60] * 3 + ["c" * 30]) + ".org"


def test_a_password_reset_for_a_long_address_is_sent(client):
    """The outbox key named the address: with a long one it overflowed its column (a 500)."""
    user = UserFactory(email=LONG_EMAIL)
    response = client.post(reverse("account_reset_password"), {"email": LONG_EMAIL})
    assert response.status_code == 302
    assert OutgoingMail.objects.get().to_email == user.email


@pytest.mark.parametrize("form", ["account_reset_password", "account_signup"])
def test_an_address_longer_than_an_email_column_is_refused_with_a_message(client, form):
    response = client.post(
        reverse(form),
        {"email": TOO_LONG_EMAIL, "password1": TEST_PASSWORD, "password2": TEST_PASSWORD},
    )
    assert response.status_code == 200
    assert "Ensure this value has at most 254 characters (it has 282)." in response.content.decode()
    assert not OutgoingMail.objects.exists()
    assert not User.objects.exists()


def test_email_is_the_login_and_there_is_no_username():
    user = User.objects.create_user(email="Someone@Example.org", password=TEST_PASSWORD)
    assert user.email == "someone@example.org"
    assert not hasattr(user, "username") or user.username is None


def test_board_member_without_totp_is_sent_to_set_it_up(client):
    board_member = make_board_member(totp=False)
    client.force_login(board_member)
    response = client.get(reverse("networks:board_queue"))
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_activate_totp")


def test_staff_without_totp_cannot_open_the_admin(client):
    staff = UserFactory(is_staff=True)
    client.force_login(staff)
    response = client.get(reverse("admin:index"))
    assert response["Location"] == reverse("mfa_activate_totp")


def test_staff_with_totp_opens_the_admin(client):
    client.force_login(make_staff())
    assert client.get(reverse("admin:index")).status_code == 200


def test_ordinary_user_is_not_asked_for_totp(client):
    client.force_login(UserFactory())
    assert client.get(reverse("core:dashboard")).status_code == 200


def test_profile_update_keeps_input_on_error_and_saves(client):
    user = UserFactory()
    client.force_login(user)
    response = client.post(
        reverse("core:profile"),
        {"display_name": "", "organisation": "Kept", "preferred_language": "fr"},
    )
    assert response.status_code == 200
    assert 'value="Kept"' in response.content.decode()
    response = client.post(
        reverse("core:profile"),
        {"display_name": "Renamed", "organisation": "Org", "preferred_language": "fr"},
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert (user.display_name, user.preferred_language) == ("Renamed", "fr")


def test_role_groups_exist():
    from django.contrib.auth.models import Group

    assert set(Group.objects.values_list("name", flat=True)) >= {"Board", "Organisers"}
