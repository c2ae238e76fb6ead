"""The language switcher (templates/partials/_language_switcher.html) lands on the same page in
the other language, with its query string, from every page and whatever language the browser
or the language cookie asks for. English is at ``/``, French at ``/fr/``."""

import re

import pytest
from django.conf import settings
from django.urls import reverse

pytestmark = pytest.mark.django_db

# One or more pages of every URL family (English path, query string or ""), with URL arguments
# (slugs, primary keys, tokens) where the family has them. The pages need not exist: the switch
# only reads the address.
PAGES = [
    ("/", "?utm=x"),
    ("/privacy/", ""),
    ("/account/", ""),
    ("/account/profile/", "?saved=1"),
    ("/accounts/login/", "?next=/account/"),
    ("/accounts/signup/", ""),
    ("/accounts/password/reset/", ""),
    ("/accounts/password/reset/key/1a-set-password/", ""),
    ("/accounts/confirm-email/MTA:1uX:abc/", ""),
    ("/accounts/2fa/totp/activate/", ""),
    ("/admin/", ""),
    ("/admin/sessions_app/session/3/change/", "?_changelist_filters=status%3Ddraft"),
    ("/practices/", "?q=recyclage&country=FR&sort=newest&page=2"),
    ("/practices/", "?q=%C3%A9conomie+sociale"),
    ("/practices/feed/", "?q=x"),
    ("/practices/export.csv", "?theme=food"),
    ("/practices/contribute/", ""),
    ("/practices/moderation/", ""),
    ("/practices/une-recyclerie/", "?back=%2Fpractices%2F%3Fq%3Dx"),
    ("/practices/une-recyclerie/attachments/4/", ""),
    ("/practices/une-recyclerie/review/", ""),
    ("/sessions/", "?page=2"),
    ("/sessions/calendar.ics", ""),
    ("/sessions/registration/confirm/MTI:1uX:Zm9v/", ""),
    ("/sessions/registration/cancel/MTI:1uX:Zm9v/", ""),
    ("/sessions/work-integration-social-enterprises/", "?registered=1"),
    ("/sessions/work-integration-social-enterprises/session.ics", ""),
    ("/sessions/manage/", ""),
    ("/sessions/manage/7/publish/", ""),
    ("/sessions/manage/7/speakers/3/delete/", ""),
    ("/sessions/manage/7/registrants/", "?status=waiting&page=3"),
    ("/sessions/manage/requests/", "?status=all"),
    ("/members/", "?country=ES&page=2"),
    ("/members/federation-des-entreprises-d-insertion/", ""),
    ("/join/", "?country=FR&wises=30#fees"),
    ("/join/interest/", ""),
    ("/join/documents/3/statutes.pdf", ""),
    ("/applications/5/", ""),
    ("/applications/5/files/statutes/", ""),
    ("/board/applications/", "?status=under_review"),
    ("/board/applications/5/decision/", ""),
    ("/board/fees/", "?year=2026"),
    ("/assemblies/2/", ""),
    ("/assemblies/2/items/3/networks/4/vote/", ""),
    ("/assemblies/2/chair/", "?refresh=off"),
    ("/board/assemblies/2/items/3/delete/", ""),
    ("/no-such-page/", "?x=1"),
]


def _french(path: str) -> str:
    return "/fr" + path


def _switch(client, *, language, next_url, browser_language):
    return client.post(
        reverse("set_language"),
        {"language": language, "next": next_url},
        HTTP_ACCEPT_LANGUAGE=browser_language,
    )


@pytest.mark.parametrize("browser_language", ["en", "fr"])
@pytest.mark.parametrize(("path", "query"), PAGES)
def test_switch_from_french_lands_on_the_same_english_page(client, path, query, browser_language):
    response = _switch(
        client, language="en", next_url=_french(path) + query, browser_language=browser_language
    )
    assert response.status_code == 302
    assert response["Location"] == path + query
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"


@pytest.mark.parametrize("browser_language", ["en", "fr"])
@pytest.mark.parametrize(("path", "query"), PAGES)
def test_switch_from_english_lands_on_the_same_french_page(client, path, query, browser_language):
    response = _switch(
        client, language="fr", next_url=path + query, browser_language=browser_language
    )
    assert response.status_code == 302
    assert response["Location"] == _french(path) + query
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "fr"


@pytest.mark.parametrize(("cookie", "browser_language"), [("fr", "fr"), ("en", "en")])
def test_switch_after_an_earlier_switch_still_follows_the_page(client, cookie, browser_language):
    """The cookie of an earlier switch names one language; the page's address, another."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = cookie
    to_english = _switch(
        client, language="en", next_url="/fr/sessions/?page=2", browser_language=browser_language
    )
    assert to_english["Location"] == "/sessions/?page=2"
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = cookie
    to_french = _switch(
        client, language="fr", next_url="/sessions/?page=2", browser_language=browser_language
    )
    assert to_french["Location"] == "/fr/sessions/?page=2"


def test_switch_to_the_language_of_the_page_stays_on_it(client):
    response = _switch(client, language="fr", next_url="/fr/members/?x=1", browser_language="en")
    assert response["Location"] == "/fr/members/?x=1"


def test_switch_never_redirects_to_another_site(client):
    response = _switch(
        client, language="en", next_url="https://evil.example/fr/", browser_language="fr"
    )
    assert response["Location"] == "/"


def _switcher_fields(html: str) -> dict[str, str]:
    form = re.search(r'<form class="language-switcher"[^>]*>(.*?)</form>', html, re.S).group(1)
    return dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', form))


@pytest.mark.parametrize(
    ("page", "language", "expected"),
    [
        ("/fr/practices/?q=recyclage&country=FR", "en", "/practices/?q=recyclage&country=FR"),
        ("/practices/?q=recyclage&country=FR", "fr", "/fr/practices/?q=recyclage&country=FR"),
        ("/fr/members/?country=ES", "en", "/members/?country=ES"),
        ("/fr/", "en", "/"),
    ],
)
def test_the_switcher_form_of_a_page_works_without_javascript(client, page, language, expected):
    """What a browser without JavaScript sends: the hidden fields of the page's form and the
    button pressed."""
    html = client.get(page, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    fields = _switcher_fields(html)
    fields["next"] = fields["next"].replace("&amp;", "&")
    response = client.post(reverse("set_language"), {**fields, "language": language})
    assert response.status_code == 302
    assert response["Location"] == expected
    assert client.get(response["Location"]).status_code == 200
