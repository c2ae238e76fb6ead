import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_home_page_in_english(client):
    response = client.get("/")
    html = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="en">' in html
    assert html.count("<h1") == 1
    assert "Skip to main content" in html


def test_french_home_page_is_french(client):
    response = client.get("/fr/")
    html = response.content.decode()
    assert '<html lang="fr">' in html
    assert "Aller au contenu principal" in html
    assert "Bonnes pratiques" in html


def test_home_page_text_is_editable_by_staff_in_both_languages(client):
    from ensie_portal.core.models import SitePage

    SitePage.objects.create(
        slug="home",
        title_en="Welcome title",
        title_fr="Titre d’accueil",
        body_en="Some **bold** text",
        body_fr="Du texte",
    )
    assert "Welcome title" in client.get("/").content.decode()
    assert "<strong>bold</strong>" in client.get("/").content.decode()
    assert "Titre d’accueil" in client.get("/fr/").content.decode()


@pytest.mark.parametrize(
    ("path", "lang", "text"),
    [("/no-such-page/", "en", "Page not found"), ("/fr/no-such-page/", "fr", "Page introuvable")],
)
def test_404_page_in_both_languages(client, path, lang, text):
    response = client.get(path)
    assert response.status_code == 404
    html = response.content.decode()
    assert f'<html lang="{lang}">' in html
    assert text in html


def test_language_switch_keeps_the_current_page(client):
    response = client.post(
        reverse("set_language"), {"language": "fr", "next": "/practices/?q=recyclage"}
    )
    assert response.status_code == 302
    assert response["Location"] == "/fr/practices/?q=recyclage"


def test_pages_forbid_third_party_resources(client):
    policy = client.get("/")["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "script-src 'self'" in policy


def test_markdown_from_staff_cannot_inject_script():
    from ensie_portal.core.text import render_markdown

    html = render_markdown(
        'Hello <script>alert(1)</script> [x](javascript:alert(1)) <b onclick="x">b</b>'
    )
    assert "<script" not in html
    assert "javascript:" not in html
    assert "onclick" not in html


def test_health_check(client):
    assert client.get("/healthz/").content == b"ok"


def test_account_pages_need_a_login(client):
    response = client.get(reverse("core:dashboard"))
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


@pytest.mark.parametrize(("language", "text"), [("en", "Access denied"), ("fr", "Accès refusé")])
def test_403_page_in_both_languages(rf, language, text):
    from django.contrib.auth.models import AnonymousUser
    from django.core.exceptions import PermissionDenied
    from django.utils import translation
    from django.views.defaults import permission_denied

    request = rf.get("/")
    request.user = AnonymousUser()
    with translation.override(language):
        response = permission_denied(request, PermissionDenied())
    html = response.content.decode()
    assert response.status_code == 403
    assert text in html
    assert f'lang="{language}"' in html


@pytest.mark.parametrize(
    ("language", "text"), [("en", "Something went wrong"), ("fr", "Une erreur s’est produite")]
)
def test_500_page_in_both_languages(rf, language, text):
    from django.utils import translation
    from django.views.defaults import server_error

    with translation.override(language):
        response = server_error(rf.get("/"))
    html = response.content.decode()
    assert response.status_code == 500
    assert text in html
    assert f'lang="{language}"' in html
