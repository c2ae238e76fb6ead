"""The membership pages as a user sees them."""

import datetime
import re
from decimal import Decimal

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from ensie_portal.accounts.models import User
from ensie_portal.core.workflow import audit_trail
from networks.models import (
    Application,
    Criterion,
    CriterionAssessment,
    JoinDocument,
    MembershipFee,
    Network,
)
from tests.factories import UserFactory, make_board_member, make_staff
from tests.networks.factories import (
    PDF_BYTES,
    ApplicationFactory,
    GeneralAssemblyFactory,
    MemberNetworkFactory,
    fee_schedule,
    fill_reasoned_request,
)

pytestmark = pytest.mark.django_db
Status = Application.Status


# --- Directory ------------------------------------------------------------------------------


def test_directory_lists_members_only_with_totals(client, django_assert_max_num_queries):
    MemberNetworkFactory(legal_name="Alpha", country="FR", wise_count=600)
    MemberNetworkFactory(legal_name="Beta", country="FR", wise_count=10)
    MemberNetworkFactory(legal_name="Gamma", country="HU", wise_count=12)
    ApplicationFactory(network__legal_name="Applicant Delta")
    with django_assert_max_num_queries(6):
        response = client.get(reverse("networks:directory"))
    page = response.content.decode()
    assert "Alpha" in page
    assert "Gamma" in page
    assert "Applicant Delta" not in page
    assert response.context["totals"] == {"networks": 3, "countries": 2, "wises": 622}


def test_directory_filters_by_country_and_totals_follow(client):
    MemberNetworkFactory(legal_name="Alpha", country="FR", wise_count=600)
    MemberNetworkFactory(legal_name="Gamma", country="HU", wise_count=12)
    response = client.get(reverse("networks:directory"), {"country": "HU"})
    assert "Gamma" in response.content.decode()
    assert "Alpha" not in response.content.decode()
    assert response.context["totals"] == {"networks": 1, "countries": 1, "wises": 12}


# One network per country, created in the order of their codes (AT, BE, DE, ES, FR).
DIRECTORY_COUNTRIES = ["AT", "BE", "DE", "ES", "FR"]


@pytest.mark.parametrize(
    ("prefix", "names"),
    [
        ("", ["Austria", "Belgium", "France", "Germany", "Spain"]),
        ("/fr", ["Allemagne", "Autriche", "Belgique", "Espagne", "France"]),
    ],
)
def test_directory_is_ordered_by_country_name_in_the_language_of_the_page(client, prefix, names):
    for code in DIRECTORY_COUNTRIES:
        MemberNetworkFactory(legal_name=f"Network {code}", country=code)
    MemberNetworkFactory(legal_name="Another network in France", country="FR")
    page = client.get(prefix + reverse("networks:directory")).content.decode()
    rows = re.findall(r"<tr>\s*<td><a [^>]*>([^<]+)</a>.*?</td>\s*<td>([^<]+)</td>", page, re.S)
    assert [country for _network, country in rows] == [
        name for name in names for _ in range(2 if name == "France" else 1)
    ]
    assert [network for network, country in rows if country == "France"] == [
        "Another network in France",
        "Network FR",
    ]
    select = re.search(r'<select name="country"[^>]*>(.*?)</select>', page, re.S).group(1)
    assert re.findall(r'<option value="[A-Z]{2}"[^>]*>([^<]+)</option>', select) == names


def test_directory_with_no_member_shows_an_empty_state(client):
    response = client.get(reverse("networks:directory"))
    assert "No member network" in response.content.decode()


def test_member_page_shows_the_fee_from_the_current_schedule(client):
    fee_schedule(timezone.localdate().year)
    network = MemberNetworkFactory(country="FR", wise_count=11)
    response = client.get(network.get_absolute_url())
    assert "1,000.00 € a year" in response.content.decode()


def test_applicant_networks_have_no_public_page(client):
    network = ApplicationFactory().network
    assert client.get(reverse("networks:network_detail", args=[network.slug])).status_code == 404


def test_fee_payment_status_is_shown_to_the_networks_representative_only(client):
    representative = UserFactory()
    network = MemberNetworkFactory()
    network.representative_links.create(user=representative)
    MembershipFee.objects.create(
        network=network, year=timezone.localdate().year, amount_due=Decimal("500")
    )
    unpaid = "not been recorded as paid"
    assert unpaid not in client.get(network.get_absolute_url()).content.decode()
    client.force_login(representative)
    assert unpaid in client.get(network.get_absolute_url()).content.decode()


# --- Join page and fee calculator -----------------------------------------------------------


def test_join_page_shows_every_art_6_criterion_each_on_its_own_line(client):
    response = client.get(reverse("networks:join"))
    page = response.content.decode()
    for label in Criterion.labels:
        assert f"<li>{label}</li>".replace("'", "&#x27;") in page
    assert reverse("networks:interest") in page


@pytest.mark.parametrize(
    ("country", "wises", "amount"),
    [
        ("FR", 1, "500"),
        ("FR", 10, "500"),
        ("FR", 11, "1000"),
        ("BE", 50, "1000"),
        ("BE", 51, "2000"),
        ("HU", 10, "250"),
        ("HU", 11, "500"),
        ("RO", 5000, "1000"),
    ],
)
def test_fee_calculator_at_the_band_edges(client, country, wises, amount):
    fee_schedule(timezone.localdate().year)
    response = client.get(reverse("networks:join"), {"country": country, "wise_count": wises})
    assert response.context["quote"].amount == Decimal(amount)
    assert "Annual fee" in response.content.decode()


def test_fee_calculator_below_the_first_band_says_no_fee_is_set(client):
    fee_schedule(timezone.localdate().year)
    response = client.get(reverse("networks:join"), {"country": "FR", "wise_count": 0})
    assert response.context["quote"].amount is None
    assert "contact us" in response.content.decode()


def test_fee_calculator_keeps_the_input_and_explains_errors(client):
    fee_schedule(timezone.localdate().year)
    response = client.get(reverse("networks:join"), {"country": "FR", "wise_count": "-3"})
    page = response.content.decode()
    assert 'value="-3"' in page
    assert 'aria-invalid="true"' in page
    assert response.context["quote"] is None


def test_the_example_schedule_is_flagged_as_an_example(client):
    fee_schedule(timezone.localdate().year, is_example=True)
    assert "is an example" in client.get(reverse("networks:join")).content.decode()


def test_join_documents_are_downloadable_per_language(client):
    document = JoinDocument.objects.create(
        kind=JoinDocument.Kind.WHY_JOIN,
        language="fr",
        title="Pourquoi rejoindre ENSIE ?",
        file=SimpleUploadedFile("why.pdf", PDF_BYTES),
    )
    page = client.get(reverse("networks:join")).content.decode()
    assert "Pourquoi rejoindre ENSIE ?" in page
    assert document.get_absolute_url().endswith("/why-join-fr.pdf")
    response = client.get(document.get_absolute_url())
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF_BYTES


# --- Interest form --------------------------------------------------------------------------

INTEREST = {
    "organisation": "Réseau test",
    "country": "BE",
    "contact_name": "Lea",
    "contact_email": "lea@example.org",
    "website": "https://example.org",
    "wise_count": "12",
    "message": "Bonjour",
}


def test_interest_form_creates_the_application_in_the_page_language(client):
    response = client.post("/fr" + reverse("networks:interest"), INTEREST)
    assert response.status_code == 302
    application = Application.objects.get()
    assert application.network.legal_name == "Réseau test"
    assert User.objects.get(email="lea@example.org").preferred_language == "fr"


def test_interest_form_errors_are_next_to_the_field_and_input_is_kept(client):
    response = client.post(reverse("networks:interest"), {**INTEREST, "contact_email": "nope"})
    page = response.content.decode()
    assert 'id="id_contact_email_errors"' in page
    assert 'value="Réseau test"' in page
    assert not Application.objects.exists()


# Valid, and longer than the 254 characters an email column holds.
LONG_EMAIL = "a" * 64 + "@" + ".".join(["b" * 60] * 3 + ["c" * 30]) + ".org"


def test_interest_values_longer_than_their_columns_are_refused_next_to_their_field(client):
    """They gave a server error (the database refused them) instead of a message."""
    response = client.post(
        reverse("networks:interest"),
        {**INTEREST, "website": "https://example.org/" + "a" * 190, "contact_email": LONG_EMAIL},
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert 'id="id_website_errors"' in page
    assert 'id="id_contact_email_errors"' in page
    assert 'value="Réseau test"' in page
    assert not Application.objects.exists()


def test_the_longest_names_the_interest_form_takes_are_saved(client):
    organisation, contact = "R" * 255, "L" * 200
    response = client.post(
        reverse("networks:interest"),
        {**INTEREST, "organisation": organisation, "contact_name": contact},
    )
    assert response.status_code == 302
    application = Application.objects.get()
    assert (application.network.legal_name, application.contact_name) == (organisation, contact)
    # The new account's profile keeps what fits in its shorter columns.
    account = User.objects.get(email="lea@example.org")
    assert (account.organisation, account.display_name) == ("R" * 200, "L" * 150)


def test_interest_form_is_rate_limited(client, settings):
    settings.NETWORKS_INTEREST_RATE_LIMIT = 5
    for n in range(5):
        client.post(reverse("networks:interest"), {**INTEREST, "contact_email": f"x{n}@ex.org"})
    response = client.post(reverse("networks:interest"), {**INTEREST, "contact_email": "y@ex.org"})
    assert response.status_code == 429
    assert "Too many attempts" in response.content.decode()
    assert Application.objects.count() == 5


def test_invalid_interest_submissions_count_towards_the_rate_limit(client, settings):
    settings.NETWORKS_INTEREST_RATE_LIMIT = 3
    for _n in range(3):
        response = client.post(reverse("networks:interest"), {**INTEREST, "contact_email": "bad"})
        assert response.status_code == 400
    response = client.post(reverse("networks:interest"), INTEREST)
    assert response.status_code == 429
    assert not Application.objects.exists()


def test_a_limited_interest_submission_comes_back_with_what_was_typed(client, settings):
    settings.NETWORKS_INTEREST_RATE_LIMIT = 1
    client.post(reverse("networks:interest"), {**INTEREST, "contact_email": "bad"})
    response = client.post(reverse("networks:interest"), {**INTEREST, "message": "Hello ENSIE"})
    page = response.content.decode()
    assert response.status_code == 429
    assert 'role="alert"' in page
    assert "Too many attempts from your connection. What you typed is kept below" in page
    assert 'value="Réseau test"' in page
    assert 'value="lea@example.org"' in page
    assert "Hello ENSIE</textarea>" in page
    assert not Application.objects.exists()


def test_a_limited_interest_submission_is_told_so_in_french(client, settings):
    settings.NETWORKS_INTEREST_RATE_LIMIT = 0
    response = client.post("/fr" + reverse("networks:interest"), INTEREST)
    assert response.status_code == 429
    assert "Trop de tentatives depuis votre connexion." in response.content.decode()


def test_the_interest_rate_limit_is_counted_per_address(client, settings):
    settings.NETWORKS_INTEREST_RATE_LIMIT = 1
    client.post(reverse("networks:interest"), INTEREST, REMOTE_ADDR="192.0.2.1")
    other = client.post(
        reverse("networks:interest"),
        {**INTEREST, "contact_email": "other@example.org"},
        REMOTE_ADDR="192.0.2.2",
    )
    assert other.status_code == 302
    assert Application.objects.count() == 2


# --- The reasoned request -------------------------------------------------------------------


@pytest.fixture
def drafting(client):
    applicant = UserFactory()
    application = ApplicationFactory(status=Status.MEETING_HELD, representative=applicant)
    client.force_login(applicant)
    return application, applicant


def request_data(assembly, **overrides):
    data = {
        "legal_name": "Réseau",
        "legal_form": "ASBL",
        "registration_number": "123",
        "head_office_address": "Rue 1",
        "head_office_country": "BE",
        "date_founded": "2001-05-11",
        "wise_count": "42",
        "sectors": "Recycling",
        "regions_covered": "Wallonia",
        "representatives_info": "Lea",
        "website": "",
        "adheres_to_statutes": "on",
        "adheres_to_declaration": "on",
        "adheres_to_internal_rules": "on",
        "assembly": str(assembly.pk),
        "motivation_letter_upload": SimpleUploadedFile("letter.pdf", PDF_BYTES),
        "statutes_upload": SimpleUploadedFile("statutes.pdf", PDF_BYTES),
    }
    data.update(overrides)
    return data


def test_a_website_too_long_to_keep_is_refused_on_the_page(client, drafting):
    application, _applicant = drafting
    website = "https://example.org/" + "a" * 190
    response = client.post(
        reverse("networks:reasoned_request", args=[application.pk]),
        {"legal_name": "Draft name", "website": website, "save": ""},
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert 'id="id_website_errors"' in page
    assert website in page
    application.refresh_from_db()
    assert application.legal_name == ""


def test_a_draft_is_saved_incomplete(client, drafting):
    application, _applicant = drafting
    url = reverse("networks:reasoned_request", args=[application.pk])
    response = client.post(url, {"legal_name": "Draft name", "save": ""})
    assert response.status_code == 302
    application.refresh_from_db()
    assert (application.legal_name, application.status) == ("Draft name", Status.MEETING_HELD)


def test_a_complete_request_is_submitted_and_then_read_only(client, drafting):
    application, _applicant = drafting
    assembly = GeneralAssemblyFactory()
    url = reverse("networks:reasoned_request", args=[application.pk])
    response = client.post(url, {**request_data(assembly), "submit": ""})
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == Status.REQUEST_SUBMITTED
    with application.statutes.open("rb") as stored:
        assert stored.read().startswith(b"%PDF-")
    page = client.get(url).content.decode()
    assert "cannot be changed now" in page
    assert "<form" not in page.split("<main", 1)[1].split("</main>")[0]
    client.post(url, {**request_data(assembly), "legal_name": "Changed", "save": ""})
    application.refresh_from_db()
    assert application.legal_name == "Réseau"


def test_a_renamed_non_pdf_is_refused_with_a_clear_message(client, drafting):
    application, _applicant = drafting
    fake = SimpleUploadedFile("letter.pdf", b"MZ\x90\x00 this is an executable", "application/pdf")
    url = reverse("networks:reasoned_request", args=[application.pk])
    response = client.post(
        url, {**request_data(GeneralAssemblyFactory(), motivation_letter_upload=fake), "save": ""}
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "“letter.pdf” is not a valid PDF document" in page
    assert 'id="id_motivation_letter_upload_errors"' in page
    assert 'value="Réseau"' in page
    application.refresh_from_db()
    assert not application.motivation_letter


def test_a_file_over_10_mb_is_refused_with_a_clear_message(client, drafting):
    application, _applicant = drafting
    big = SimpleUploadedFile("statutes.pdf", PDF_BYTES + b"0" * (10 * 1024 * 1024))
    url = reverse("networks:reasoned_request", args=[application.pk])
    response = client.post(
        url, {**request_data(GeneralAssemblyFactory(), statutes_upload=big), "save": ""}
    )
    assert response.status_code == 400
    assert "files may be at most 10 MB" in response.content.decode()
    application.refresh_from_db()
    assert not application.statutes


def test_a_file_of_exactly_10_mb_is_accepted(client, drafting):
    application, _applicant = drafting
    exact = SimpleUploadedFile(
        "statutes.pdf", PDF_BYTES + b"0" * (10 * 1024 * 1024 - len(PDF_BYTES))
    )
    url = reverse("networks:reasoned_request", args=[application.pk])
    client.post(url, {"statutes_upload": exact, "save": ""})
    application.refresh_from_db()
    assert application.statutes.size == 10 * 1024 * 1024


def test_submitting_an_incomplete_request_marks_each_missing_field(client, drafting):
    application, _applicant = drafting
    url = reverse("networks:reasoned_request", args=[application.pk])
    response = client.post(url, {"legal_name": "Only a name", "submit": ""})
    assert response.status_code == 400
    page = response.content.decode()
    assert 'id="id_statutes_upload_errors"' in page
    assert 'id="id_adheres_to_statutes_errors"' in page
    application.refresh_from_db()
    assert application.status == Status.MEETING_HELD


def test_submitting_13_days_before_the_assembly_names_the_next_possible_one(client, drafting):
    application, applicant = drafting
    close = GeneralAssemblyFactory(date=datetime.date(2030, 6, 20), title="Spring GA")
    GeneralAssemblyFactory(date=datetime.date(2030, 11, 20), title="Autumn GA")
    url = reverse("networks:reasoned_request", args=[application.pk])
    with time_machine.travel(datetime.datetime(2030, 6, 7, 12, 0, tzinfo=datetime.UTC)):
        client.force_login(applicant)
        response = client.post(url, {**request_data(close), "submit": ""})
    assert response.status_code == 400
    page = response.content.decode()
    assert "at least 14 days" in page
    assert "Autumn GA" in page
    assert 'id="id_assembly_errors"' in page
    application.refresh_from_db()
    assert application.status == Status.MEETING_HELD


# --- Withdrawal -----------------------------------------------------------------------------


def test_withdrawal_asks_for_confirmation_then_withdraws(client, drafting):
    application, _applicant = drafting
    url = reverse("networks:application_withdraw", args=[application.pk])
    page = client.get(url).content.decode()
    assert "Do you really want to withdraw" in page
    application.refresh_from_db()
    assert application.status == Status.MEETING_HELD
    response = client.post(url, {"reason": "Merged with another network."})
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == Status.WITHDRAWN
    assert audit_trail(application).last().comment == "Merged with another network."


def test_applicant_sees_the_board_message_but_not_internal_notes(client, drafting):
    application, _applicant = drafting
    application.status = Status.CHANGES_REQUESTED
    application.board_message = "Please add the statutes."
    application.save()
    application.notes.create(text="SECRET internal")
    CriterionAssessment.objects.create(
        application=application, criterion="legal_entity", result="unclear", note="SECRET note"
    )
    page = client.get(reverse("networks:application_detail", args=[application.pk])).content
    assert b"Please add the statutes." in page
    assert b"SECRET" not in page


# --- Board and staff ------------------------------------------------------------------------


def test_board_queue_lists_open_applications_in_few_queries(client, django_assert_max_num_queries):
    for status in (
        Status.REQUEST_SUBMITTED,
        Status.UNDER_REVIEW,
        Status.ELIGIBLE,
        Status.WITHDRAWN,
    ):
        ApplicationFactory(status=status)
    client.force_login(make_board_member())
    with django_assert_max_num_queries(12):
        response = client.get(reverse("networks:board_queue"))
    assert len(response.context["page_obj"].object_list) == 3


def test_board_records_each_criterion_then_finds_eligible(client):
    applicant = UserFactory()
    application = ApplicationFactory(status=Status.REQUEST_SUBMITTED, representative=applicant)
    fill_reasoned_request(application)
    client.force_login(make_board_member())
    client.post(reverse("networks:board_review_start", args=[application.pk]))
    data = {f"{code}_result": "met" for code in Criterion.values}
    data["legal_entity_note"] = "Registered ASBL."
    client.post(reverse("networks:board_criteria", args=[application.pk]), data)
    assert CriterionAssessment.objects.filter(application=application, result="met").count() == 13
    client.post(reverse("networks:board_decide", args=[application.pk]), {"decision": "eligible"})
    application.refresh_from_db()
    assert application.status == Status.ELIGIBLE


def test_board_decision_without_reasons_shows_the_error_next_to_the_field(client):
    application = ApplicationFactory(status=Status.UNDER_REVIEW)
    client.force_login(make_board_member())
    response = client.post(
        reverse("networks:board_decide", args=[application.pk]), {"decision": "not_eligible"}
    )
    assert response.status_code == 400
    assert 'id="id_message_errors"' in response.content.decode()


def test_staff_schedule_the_meeting_from_the_board_page(client):
    application = ApplicationFactory()
    client.force_login(make_staff())
    response = client.post(
        reverse("networks:board_meeting", args=[application.pk]),
        {
            "starts_at": "2030-03-04T10:00",
            "duration_minutes": "60",
            "link": "https://meet.example.org/x",
        },
    )
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == Status.MEETING_SCHEDULED
    assert application.meeting_at.astimezone(timezone.get_default_timezone()).hour == 10


def test_a_video_link_too_long_to_keep_is_refused_on_the_page(client):
    application = ApplicationFactory()
    client.force_login(make_staff())
    link = "https://meet.example.org/" + "x" * 200
    response = client.post(
        reverse("networks:board_meeting", args=[application.pk]),
        {"starts_at": "2030-03-04T10:00", "duration_minutes": "60", "link": link},
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert 'id="id_link_errors"' in page
    assert link in page  # kept
    application.refresh_from_db()
    assert application.status == Status.INTEREST


def test_staff_place_an_eligible_application_on_an_assembly(client):
    application = ApplicationFactory(status=Status.ELIGIBLE)
    assembly = GeneralAssemblyFactory()
    client.force_login(make_staff())
    client.post(reverse("networks:board_agenda", args=[application.pk]), {"assembly": assembly.pk})
    application.refresh_from_db()
    assert (application.status, application.assembly) == (Status.ON_AGENDA, assembly)


def test_staff_mark_a_fee_paid_from_the_fee_list(client):
    network = MemberNetworkFactory()
    fee = MembershipFee.objects.create(network=network, year=2030, amount_due=Decimal("500"))
    client.force_login(make_staff())
    page = client.get(reverse("networks:fee_list"), {"year": 2030}).content.decode()
    assert network.legal_name in page
    client.post(reverse("networks:fee_paid", args=[fee.pk]))
    fee.refresh_from_db()
    assert fee.is_paid


def test_board_members_cannot_open_the_fee_list(client):
    client.force_login(make_board_member())
    assert client.get(reverse("networks:fee_list")).status_code == 403


def test_member_network_status_is_untouched_by_the_public_pages(client):
    network = MemberNetworkFactory()
    client.get(network.get_absolute_url())
    assert Network.objects.get(pk=network.pk).status == Network.Status.MEMBER


def test_staff_open_a_year_with_one_fee_record_per_member(client):
    fee_schedule(2031)
    paid_already = MemberNetworkFactory(country="FR", wise_count=11)
    MembershipFee.objects.create(network=paid_already, year=2031, amount_due=Decimal("1"))
    MemberNetworkFactory(country="HU", wise_count=60)
    ApplicationFactory()  # an applicant owes nothing
    client.force_login(make_staff())
    client.post(reverse("networks:fee_year_open"), {"year": "2031"})
    client.post(reverse("networks:fee_year_open"), {"year": "2031"})
    amounts = sorted(MembershipFee.objects.filter(year=2031).values_list("amount_due", flat=True))
    assert amounts == [Decimal("1"), Decimal("1000")]


def test_staff_can_only_upload_a_pdf_as_a_join_document(client):
    client.force_login(make_staff(is_superuser=True))
    url = reverse("admin:networks_joindocument_add")
    data = {"kind": "statutes", "language": "en", "title": "Statutes", "is_published": "on"}
    response = client.post(url, {**data, "file": SimpleUploadedFile("s.pdf", b"not a pdf")})
    assert "is not a valid PDF document" in response.content.decode()
    assert not JoinDocument.objects.exists()
    client.post(url, {**data, "file": SimpleUploadedFile("s.pdf", PDF_BYTES)})
    assert JoinDocument.objects.get().title == "Statutes"


def test_a_join_document_is_stored_under_a_pdf_name_never_as_a_page(client):
    """The join documents are public files: one stored as .html would be served as a page."""
    client.force_login(make_staff(is_superuser=True))
    url = reverse("admin:networks_joindocument_add")
    data = {"kind": "statutes", "language": "en", "title": "Statutes", "is_published": "on"}
    polyglot = b"<!doctype html><script>alert(document.cookie)</script>\n" + PDF_BYTES
    response = client.post(url, {**data, "file": SimpleUploadedFile("s.html", polyglot)})
    assert "is not a valid PDF document" in response.content.decode()
    client.post(url, {**data, "file": SimpleUploadedFile("statutes.html", PDF_BYTES)})
    assert JoinDocument.objects.get().file.name == "join-documents/statutes.pdf"


def test_the_review_form_shows_the_findings_already_recorded(client):
    application = ApplicationFactory(status=Status.UNDER_REVIEW)
    CriterionAssessment.objects.create(
        application=application, criterion="sse_autonomy", result="not_met", note="Public body."
    )
    client.force_login(make_board_member())
    page = client.get(reverse("networks:board_application", args=[application.pk])).content
    radio = page.split(b'name="sse_autonomy_result" value="not_met"')[1].split(b">")[0]
    assert b"checked" in radio
    assert b"Public body." in page


def test_the_join_page_names_the_secretariat_address(client, settings):
    settings.SECRETARIAT_EMAIL = "hello@ensie.example"
    assert b"mailto:hello@ensie.example" in client.get(reverse("networks:join")).content


def test_interest_form_is_prefilled_for_a_signed_in_user(client):
    client.force_login(UserFactory(email="known@example.org", display_name="Known Person"))
    page = client.get(reverse("networks:interest")).content.decode()
    assert 'value="known@example.org"' in page
    assert 'value="Known Person"' in page


def test_taking_an_application_off_the_agenda_asks_for_confirmation_first(client):
    assembly = GeneralAssemblyFactory(date=timezone.localdate() + datetime.timedelta(days=60))
    application = ApplicationFactory(status=Status.ON_AGENDA, representative=UserFactory())
    fill_reasoned_request(application, assembly=assembly)
    application.assembly = assembly
    application.save()
    client.force_login(make_staff())
    url = reverse("networks:board_agenda_remove", args=[application.pk])
    board_page = client.get(reverse("networks:board_application", args=[application.pk]))
    assert f'href="{url}"' in board_page.content.decode()
    confirm = client.get(url)
    assert confirm.status_code == 200
    assert "Yes, take it off the agenda" in confirm.content.decode()
    application.refresh_from_db()
    assert application.status == Status.ON_AGENDA
    client.post(url)
    application.refresh_from_db()
    assert application.status == Status.ELIGIBLE
