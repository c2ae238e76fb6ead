"""The sign-in, account and two-factor pages (django-allauth) read in sentence case in English,
like the rest of the portal ("Sign in", "Forgot your password?"), not in Title Case ("Sign In",
"Forgot Password?"); French already writes sentence case. The English wording lives in
locale/en/LC_MESSAGES/django.po."""

import re
import time
from html.parser import HTMLParser

import pytest
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from django.urls import reverse
from django.utils import translation

from tests.factories import TEST_PASSWORD, TOTP_SECRET, UserFactory, make_staff

pytestmark = pytest.mark.django_db

# Words that keep their capital inside a phrase.
PROPER = {"ENSIE", "TOTP", "English", "French", "I"}
READ = {"title", "h1", "h2", "h3", "button", "label", "legend", "summary", "a", "th"}


class _Texts(HTMLParser):
    """Text nodes of headings, buttons, labels and links in <main>, and the page title."""

    def __init__(self):
        super().__init__()
        self.open: list[str] = []
        self.in_main = False
        self.texts: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag == "main":
            self.in_main = True
        if tag in READ:
            self.open.append(tag)
        if tag == "input" and dict(attrs).get("type") == "submit" and self.in_main:
            self.texts.append(dict(attrs).get("value", ""))

    def handle_endtag(self, tag):
        if tag == "main":
            self.in_main = False
        if tag in READ and tag in self.open:
            self.open.remove(tag)

    def handle_data(self, data):
        text = " ".join(data.split())
        if text and self.open and (self.in_main or self.open[-1] == "title"):
            self.texts.append(text)


def title_case_phrases(html: str) -> list[str]:
    parser = _Texts()
    parser.feed(html)
    offenders = []
    for text in parser.texts:
        words = re.findall(r"[\w’'-]+", text.split(" · ")[0])
        if any(re.match(r"[A-Z][a-z]", word) and word not in PROPER for word in words[1:]):
            offenders.append(text)
    return offenders


def _pages(client, urls, language="en"):
    prefix = "/fr" if language == "fr" else ""
    offenders = {}
    for url in urls:
        response = client.get(prefix + url)
        assert response.status_code == 200, url
        found = title_case_phrases(response.content.decode())
        if found:
            offenders[url] = found
    return offenders


ANONYMOUS = [
    "/accounts/login/",
    "/accounts/signup/",
    "/accounts/password/reset/",
    "/accounts/password/reset/done/",
    "/accounts/confirm-email/",
    "/accounts/password/reset/key/1-wrong-key/",
    "/accounts/confirm-email/wrong-key/",
    "/accounts/inactive/",
]
SIGNED_IN = [
    "/accounts/email/",
    "/accounts/password/change/",
    "/accounts/2fa/",
    "/accounts/2fa/totp/activate/",
    "/accounts/logout/",
    "/accounts/reauthenticate/",
]
WITH_AUTHENTICATOR = [
    "/accounts/2fa/",
    "/accounts/2fa/totp/deactivate/",
    "/accounts/2fa/recovery-codes/",
    "/accounts/2fa/recovery-codes/generate/",
]


def _current_code() -> str:
    return format_hotp_value(hotp_value(TOTP_SECRET, int(time.time()) // 30))


def _sign_in(client, user, *, two_factor=False):
    """Sign in through the forms, and confirm the password again (the two-factor pages ask
    for a recent confirmation)."""
    response = client.post(
        reverse("account_login"), {"login": user.email, "password": TEST_PASSWORD}
    )
    assert response.status_code == 302
    if two_factor:
        assert title_case_phrases(client.get(reverse("mfa_authenticate")).content.decode()) == []
        response = client.post(reverse("mfa_authenticate"), {"code": _current_code()})
        assert response.status_code == 302
    response = client.post(reverse("account_reauthenticate"), {"password": TEST_PASSWORD})
    assert response.status_code == 302


@pytest.mark.parametrize("language", ["en", "fr"])
def test_sign_in_pages_are_in_sentence_case(client, language):
    assert _pages(client, ANONYMOUS, language) == {}


@pytest.mark.parametrize("language", ["en", "fr"])
def test_account_pages_are_in_sentence_case(client, language):
    _sign_in(client, UserFactory())
    assert _pages(client, SIGNED_IN, language) == {}


@pytest.mark.parametrize("language", ["en", "fr"])
def test_two_factor_pages_are_in_sentence_case(client, language):
    staff = make_staff()
    RecoveryCodes.activate(staff)
    _sign_in(client, staff, two_factor=True)
    assert _pages(client, WITH_AUTHENTICATOR, language) == {}


def test_the_english_wording_reads_as_the_portal_writes_and_french_keeps_its_own():
    with translation.override("en"):
        assert translation.gettext("Sign In") == "Sign in"
        assert translation.gettext("Forgot Password?") == "Forgot your password?"
        assert translation.gettext("Activate Authenticator App") == (
            "Set up two-factor authentication"
        )
    with translation.override("fr"):
        assert translation.gettext("Sign In") == "Connexion"
