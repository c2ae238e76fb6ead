"""The staff page: who may open it, every step a POST (the address never in a URL), the
confirmation page before anything is erased, the download."""

import json

import pytest
from django.test import Client
from django.urls import reverse

from ensie_portal.accounts.models import User
from ensie_portal.core.models import AuditEntry
from ensie_portal.privacy.models import PersonalDataRequest
from sessions_app.models import Registration
from tests.factories import UserFactory, make_board_member, make_organiser, make_staff

from .conftest import ANN, ANN_NAME, ANN_TAGGED, BOB

pytestmark = pytest.mark.django_db

SEARCH = reverse("privacy:search")
EXPORT = reverse("privacy:export")
ERASE = reverse("privacy:erase")
ANN_FORM = {"email": ANN, "include_subaddresses": "on"}


@pytest.fixture
def staff_client(client):
    client.force_login(make_staff())
    return client


def ann_is_intact(people) -> bool:
    return Registration.objects.filter(pk=people["ann"].registration.pk, email=ANN).exists()


@pytest.mark.parametrize("url", [SEARCH, EXPORT, ERASE])
def test_anonymous_visitors_are_sent_to_sign_in(client, url, people):
    for response in (client.get(url), client.post(url, {**ANN_FORM, "confirm": "yes"})):
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))
    assert ann_is_intact(people)


@pytest.mark.parametrize("role", ["user", "organiser", "board"])
def test_anyone_but_staff_is_refused(client, role, people):
    user = {"user": UserFactory, "organiser": make_organiser, "board": make_board_member}[role]()
    client.force_login(user)
    assert client.get(SEARCH).status_code == 403
    for url in (SEARCH, EXPORT, ERASE):
        assert client.post(url, {**ANN_FORM, "confirm": "yes"}).status_code == 403
    assert ann_is_intact(people)
    assert not PersonalDataRequest.objects.exists()


def test_the_page_requires_staff_to_use_two_factor(client):
    client.force_login(UserFactory(is_staff=True))  # no authenticator
    response = client.get(SEARCH)
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_activate_totp")


def test_get_never_exports_nor_erases(staff_client, people):
    assert staff_client.get(EXPORT, ANN_FORM).status_code == 405
    assert staff_client.get(ERASE, {**ANN_FORM, "confirm": "yes"}).status_code == 405
    assert ann_is_intact(people)
    assert not PersonalDataRequest.objects.exists()
    page = staff_client.get(SEARCH)
    assert page.status_code == 200
    assert b'method="post"' in page.content


def test_a_wrong_address_is_explained_and_kept(staff_client):
    response = staff_client.post(SEARCH, {"email": "ann at example"})
    assert response.status_code == 400
    assert "Enter a valid email address." in response.content.decode()
    assert 'value="ann at example"' in response.content.decode()


def test_the_records_page_lists_the_person_and_no_one_else(
    staff_client, people, django_assert_max_num_queries
):
    with django_assert_max_num_queries(30):
        response = staff_client.post(SEARCH, ANN_FORM)
    page = response.content.decode()
    assert response.status_code == 200
    for expected in (ANN, ANN_TAGGED, ANN_NAME, people["session"].title, "Ann&#x27;s draft"):
        assert expected in page
    assert BOB not in page
    assert "joann@example.org" not in page
    # Listing writes nothing.
    assert ann_is_intact(people)
    assert not PersonalDataRequest.objects.exists()


def test_an_unknown_address_says_so(staff_client, people):
    response = staff_client.post(SEARCH, {"email": "nobody@example.org"})
    assert "No record holds this address." in response.content.decode()


def test_the_confirmation_page_lists_what_will_be_erased_and_erases_nothing(staff_client, people):
    ann = people["ann"]
    response = staff_client.post(ERASE, ANN_FORM)
    page = response.content.decode()
    assert response.status_code == 200
    for expected in (
        "Erase the personal data",
        ANN_NAME,
        ANN_TAGGED,
        f"Registration {ANN_NAME}",  # the email request's subject
        ann.application.network.legal_name,
        "Votes cast for a network",
        'name="confirm" value="yes"',
    ):
        assert expected in page, expected
    assert ann_is_intact(people)


def test_confirming_erases_and_logs_who_and_when(staff_client, people):
    response = staff_client.post(ERASE, {**ANN_FORM, "confirm": "yes"}, follow=True)
    assert response.redirect_chain == [(SEARCH, 302)]
    log = PersonalDataRequest.objects.get()
    assert f"(reference {log.pk})" in response.content.decode()
    assert not ann_is_intact(people)
    assert not User.objects.filter(email=ANN).exists()
    assert AuditEntry.objects.filter(action="personal_data_erase", object_id=str(log.pk)).exists()


def test_the_form_needs_its_csrf_token(people):
    client = Client(enforce_csrf_checks=True)
    client.force_login(make_staff())
    assert client.post(ERASE, {**ANN_FORM, "confirm": "yes"}).status_code == 403
    assert ann_is_intact(people)


def test_the_export_is_a_json_download_and_is_logged(staff_client, people):
    response = staff_client.post(EXPORT, ANN_FORM)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="personal-data-')
    assert ANN not in response["Content-Disposition"]
    assert response["Cache-Control"] == "private, no-store"
    data = json.loads(response.content)
    assert data["accounts"][0]["email"] == ANN
    assert BOB not in response.content.decode()
    log = PersonalDataRequest.objects.get()
    assert (log.kind, log.counts["registrations"]) == ("export", 2)
    # Exporting erases nothing; the records page then names the earlier export.
    assert ann_is_intact(people)
    assert f"(reference {log.pk})" in staff_client.post(SEARCH, ANN_FORM).content.decode()


def test_staff_erasing_their_own_address_are_told_why_not(client):
    staff = make_staff(email="me@example.org")
    client.force_login(staff)
    response = client.post(ERASE, {"email": "me@example.org", "confirm": "yes"}, follow=True)
    assert "another member of staff must erase it" in response.content.decode()
    assert User.objects.get(pk=staff.pk).is_active


def test_the_page_speaks_french_and_the_dashboard_links_to_it(staff_client):
    page = staff_client.get("/fr/staff/personal-data/").content.decode()
    assert "Données personnelles d’une personne" in page
    assert SEARCH in staff_client.get(reverse("core:dashboard")).content.decode()


def test_the_dashboard_has_no_link_for_others(client):
    client.force_login(UserFactory())
    assert SEARCH not in client.get(reverse("core:dashboard")).content.decode()
