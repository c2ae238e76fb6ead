"""A rejected form, on every app's pages: the title starts with "Error:", an error summary at the
top of the form lists each error as a link to its field and takes the focus, and every
description a field points at exists (the password rules included). The focus itself is checked
in the browser (tests/e2e/test_base_ui.py)."""

import re

import pytest
from allauth.account.forms import default_token_generator
from allauth.account.utils import user_pk_to_url_str
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from networks.models import Application
from tests.factories import TEST_PASSWORD, UserFactory, make_board_member, make_organiser
from tests.html import parse
from tests.networks.factories import ApplicationFactory
from tests.practices.factories import PracticeFactory, make_representative
from tests.sessions_app.factories import SessionFactory

pytestmark = pytest.mark.django_db

INTEREST = {
    "organisation": "Réseau test",
    "country": "BE",
    "contact_name": "Lea",
    "contact_email": "nope",
    "website": "https://example.org",
    "wise_count": "12",
    "message": "Bonjour",
}


def title_of(page) -> str:
    return re.sub(r"[ \t\r\n]+", " ", page.find("title").text).strip()  # keeps no-break spaces


def assert_rejected(response, *, fields: list[str], prefix: str = "Error: ") -> None:
    """The page of a rejected form, as the module docstring says."""
    page = parse(response.content)
    assert title_of(page).startswith(prefix)
    [summary] = page.find_all(**{"data-error-summary": True})
    assert summary["tabindex"] == "-1"
    assert "autofocus" in summary.attrs
    linked = []
    for link in summary.find_all("a"):
        target = page.by_id(link["href"].removeprefix("#"))
        assert target is not None, link["href"]
        assert target.tag in ("input", "select", "textarea"), link["href"]
        assert target.get("aria-invalid") == "true", link["href"]
        linked.append(target["name"])
    assert sorted(set(linked)) == sorted(fields)
    assert_descriptions_exist(page)


def assert_descriptions_exist(page) -> None:
    for element in page.find_all(**{"aria-describedby": True}):
        for id_ in element["aria-describedby"].split():
            description = page.by_id(id_)
            assert description is not None, id_
            assert description.text.strip(), f"{id_} describes nothing"


def assert_not_rejected(response) -> None:
    page = parse(response.content)
    assert not title_of(page).startswith(("Error", "Erreur"))
    assert page.find_all(**{"data-error-summary": True}) == []
    assert_descriptions_exist(page)


# --- Accounts (allauth and the profile) -------------------------------------------------------


def test_signup_errors_are_summarised_and_the_password_rules_are_tied_to_the_field(client):
    assert_not_rejected(client.get(reverse("account_signup")))
    response = client.post(
        reverse("account_signup"),
        {
            "email": "not-an-email",
            "password1": "short",
            "password2": "other",
            "display_name": "",
            "preferred_language": "en",
        },
    )
    assert_rejected(response, fields=["email", "display_name", "password1"])
    page = parse(response.content)
    password = page.by_id("id_password1")
    rules = page.by_id("id_password1_help")
    assert "id_password1_help" in password["aria-describedby"].split()
    assert rules.tag == "div"
    assert "at least 8 characters" in rules.text


def test_a_wrong_password_at_sign_in_is_summarised(client):
    user = UserFactory()
    response = client.post(reverse("account_login"), {"login": user.email, "password": "wrong"})
    assert_rejected(response, fields=[])
    summary = parse(response.content).find(**{"data-error-summary": True})
    assert "not correct" in summary.text


def test_password_change_errors_are_summarised(client):
    client.force_login(UserFactory())
    assert_not_rejected(client.get(reverse("account_change_password")))
    response = client.post(
        reverse("account_change_password"),
        {"oldpassword": "wrong", "password1": "a-New-pass-2026", "password2": "a-New-pass-2026"},
    )
    assert_rejected(response, fields=["oldpassword"])


def test_setting_a_new_password_from_the_reset_link_summarises_its_errors(client):
    user = UserFactory()
    key = f"{user_pk_to_url_str(user)}-{default_token_generator.make_token(user)}"
    response = client.get(
        reverse("account_reset_password_from_key", kwargs={"uidb36": "x", "key": "y"}).replace(
            "x-y", key
        ),
        follow=True,
    )
    set_password_url = response.redirect_chain[-1][0]
    response = client.post(set_password_url, {"password1": "1234", "password2": "5678"})
    assert_rejected(response, fields=["password1"])
    page = parse(response.content)
    assert "at least 8 characters" in page.by_id("id_password1_help").text


def test_profile_errors_are_summarised_in_french(client):
    client.force_login(UserFactory())
    response = client.post(
        "/fr" + reverse("core:profile"),
        {"display_name": "", "organisation": "Kept", "preferred_language": "fr"},
    )
    assert_rejected(response, fields=["display_name"], prefix="Erreur\u00a0: ")
    summary = parse(response.content).find(**{"data-error-summary": True})
    assert "Il y a un problème" in summary.text
    assert "Votre nom\u00a0: " in summary.text


# --- Membership -------------------------------------------------------------------------------


def test_interest_form_errors_are_summarised(client):
    assert_not_rejected(client.get(reverse("networks:interest")))
    response = client.post(reverse("networks:interest"), INTEREST)
    assert_rejected(response, fields=["contact_email"])


def test_board_decision_errors_are_summarised_on_the_review_page(client):
    application = ApplicationFactory(status=Application.Status.UNDER_REVIEW)
    client.force_login(make_board_member())
    assert_not_rejected(client.get(reverse("networks:board_application", args=[application.pk])))
    response = client.post(
        reverse("networks:board_decide", args=[application.pk]), {"decision": "not_eligible"}
    )
    assert_rejected(response, fields=["message"])


def test_a_wrong_country_in_the_directory_filter_is_shown(client):
    response = client.get(reverse("networks:directory") + "?country=XX")
    assert_rejected(response, fields=["country"])


# --- Sessions ---------------------------------------------------------------------------------


def test_registration_errors_are_summarised_on_the_session_page(client):
    session = SessionFactory()
    assert_not_rejected(client.get(session.get_absolute_url()))
    response = client.post(
        reverse("sessions_app:register", args=[session.slug]),
        {"name": "Ada", "email": "not an email", "country": "BE"},
    )
    assert_rejected(response, fields=["email", "consent"])


def test_an_organisers_form_errors_are_summarised(client):
    organiser = make_organiser()
    session = SessionFactory(organisers=[organiser])
    client.force_login(organiser)
    response = client.post(
        reverse("sessions_app:attendee_add", args=[session.pk]),
        {"name": "", "email": "x", "language": "en"},
    )
    assert_rejected(response, fields=["name", "email", "mode"])  # mode: a group of radios


# --- Best practices ---------------------------------------------------------------------------


def test_contribution_errors_are_summarised(client):
    client.force_login(make_representative())
    assert_not_rejected(client.get("/practices/contribute/"))
    fake = SimpleUploadedFile("virus.pdf", b"MZ not a pdf", content_type="application/pdf")
    response = client.post(
        "/practices/contribute/",
        {"title": "", "summary": "S", "year": "1200", "attachment": fake, "save": "1"},
    )
    summary = parse(response.content).find(**{"data-error-summary": True})
    assert "“virus.pdf” is not a valid PDF document." in summary.text
    assert_rejected(
        response,
        fields=["attachment", "country", "language", "organisation", "title", "type", "year"],
    )


def test_a_wrong_year_in_the_catalogue_is_summarised(client):
    PracticeFactory()
    assert_not_rejected(client.get(reverse("practices:list")))
    response = client.get(reverse("practices:list") + "?year_min=soon")
    assert_rejected(response, fields=["year_min"])
    # The filters, closed on small screens, open to show the error.
    assert "open" in parse(response.content).by_id("filters").attrs


def test_two_rejected_forms_on_one_page_focus_the_first_only(rf):
    from django import forms
    from django.template import Context, Template

    class NameForm(forms.Form):
        name = forms.CharField()

    html = Template(
        '{% include "partials/_form.html" with form=first %}'
        '{% include "partials/_form.html" with form=second %}'
    ).render(Context({"first": NameForm({}), "second": NameForm({}, prefix="b")}))
    first, second = parse(html).find_all(**{"data-error-summary": True})
    assert "autofocus" in first.attrs
    assert "autofocus" not in second.attrs
    assert first["id"] != second["id"]


def test_signing_in_with_the_right_password_is_not_an_error(client):
    user = UserFactory()
    response = client.post(
        reverse("account_login"), {"login": user.email, "password": TEST_PASSWORD}, follow=True
    )
    assert_not_rejected(response)
