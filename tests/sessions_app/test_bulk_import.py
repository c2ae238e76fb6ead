"""Organisers register attendees: one by one, or a pasted / uploaded list with a preview."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from ensie_portal.core.errors import DomainError
from ensie_portal.outbox.models import OutgoingMail
from sessions_app import bulk
from sessions_app.models import Registration
from sessions_app.tokens import CONFIRM, registration_from_token
from tests.factories import make_organiser
from tests.sessions_app.factories import RegistrationFactory, SessionFactory
from tests.sessions_app.helpers import register, run_in_parallel, token_in

pytestmark = pytest.mark.django_db

LIST = """\
Ana Lopez <ana@example.es>
bo@example.se
"Carla Rossi" <carla@example.it>
not an address
Ana again <ANA@example.es>
kept@example.org
"""


@pytest.fixture
def organiser():
    return make_organiser()


@pytest.fixture
def session(organiser):
    session = SessionFactory(number=7, organisers=[organiser])
    RegistrationFactory(session=session, email="kept@example.org")
    return session


def _url(name, session):
    return reverse(f"sessions_app:{name}", args=[session.pk])


def _preview(client, session, text, **extra):
    data = {"lines": text, "language": "en", "mode": "confirm", "action": "preview", **extra}
    return client.post(_url("attendee_import", session), data)


def _import(client, session, preview, **extra):
    data = {
        "lines": preview.context["form"].initial["lines"],
        "language": "en",
        "mode": "confirm",
        "payload": preview.context["payload"],
        "action": "import",
        **extra,
    }
    return client.post(_url("attendee_import", session), data)


def test_lines_are_read_as_name_and_address_plain_address_or_csv_with_a_header():
    lines = bulk.bulk_lines_parse("Ana Lopez <Ana@Example.es>\n\n  bo@example.se ,\n")
    assert [(ln.number, ln.name, ln.email) for ln in lines] == [
        (1, "Ana Lopez", "ana@example.es"),
        (3, "bo", "bo@example.se"),
    ]
    csv_lines = bulk.bulk_lines_parse(
        "Name;E-mail;Organisation;Country\n"
        "Jeanne Martin;jeanne@example.fr;FEI;France\n"
        "Hugo;hugo@example.fr;;XX\n"
        'Eva;"eva@example.hu";Szimbiozis;hu\n'
    )
    assert [(ln.name, ln.email, ln.organisation, ln.country, ln.status) for ln in csv_lines] == [
        ("Jeanne Martin", "jeanne@example.fr", "FEI", "FR", bulk.NEW),
        ("Hugo", "hugo@example.fr", "", "XX", bulk.INVALID),
        ("Eva", "eva@example.hu", "Szimbiozis", "HU", bulk.NEW),
    ]
    assert csv_lines[1].reason == "unknown country"


def test_too_many_lines_are_refused_before_anything_else():
    with pytest.raises(DomainError, match="Too many lines"):
        bulk.bulk_lines_parse("a@example.org\n" * (bulk.MAX_LINES + 1))


def test_the_preview_classifies_each_line_and_saves_nothing(client_for, organiser, session):
    response = _preview(client_for(organiser), session, LIST)
    assert response.status_code == 200
    lines = response.context["lines"]
    assert [(ln.number, ln.status) for ln in lines] == [
        (1, bulk.NEW),
        (2, bulk.NEW),
        (3, bulk.NEW),
        (4, bulk.INVALID),
        (5, bulk.DUPLICATE),
        (6, bulk.REGISTERED),
    ]
    assert lines[3].reason == "no email address"
    assert response.context["counts"] == {"new": 3, "registered": 1, "duplicate": 1, "invalid": 1}
    html = response.content.decode()
    assert "no email address" in html
    assert "Import 3 people" in html
    # What was typed is still in the form, and nothing is saved yet.
    assert "Ana Lopez &lt;ana@example.es&gt;" in html
    assert session.registrations.count() == 1
    assert not OutgoingMail.objects.exists()


def test_an_uploaded_csv_is_previewed_and_becomes_editable_text(client_for, organiser, session):
    upload = SimpleUploadedFile(
        "people.csv", "name,email\nHélène,helene@example.be\n".encode("cp1252")
    )
    response = client_for(organiser).post(
        _url("attendee_import", session),
        {"file": upload, "language": "fr", "mode": "confirm", "action": "preview"},
    )
    [line] = response.context["lines"]
    assert (line.name, line.email, line.status) == ("Hélène", "helene@example.be", bulk.NEW)
    assert response.context["form"].initial["lines"].startswith("name,email\nHélène")


def test_an_empty_submission_says_what_is_missing_next_to_the_field(client_for, organiser, session):
    response = _preview(client_for(organiser), session, "")
    assert response.status_code == 200
    assert "Paste at least one line" in response.content.decode()
    assert "aria-describedby" in response.content.decode()


def test_importing_sends_each_new_person_the_confirmation_link(client_for, organiser, session):
    client = client_for(organiser)
    preview = _preview(client, session, LIST)
    response = _import(client, session, preview)
    assert response.status_code == 302
    new = session.registrations.filter(source=Registration.Source.ORGANISER)
    assert {r.email for r in new} == {"ana@example.es", "bo@example.se", "carla@example.it"}
    assert {r.status for r in new} == {Registration.Status.PENDING}
    assert all(r.vouched_by is None for r in new)
    mail = OutgoingMail.objects.get(to_email="carla@example.it")
    assert "Dear Carla Rossi" in mail.body_text
    token = token_in(mail, "confirm")
    assert registration_from_token(token=token, purpose=CONFIRM).email == "carla@example.it"
    assert OutgoingMail.objects.filter(to_email="kept@example.org").count() == 0
    result = client.get(response.url)
    html = result.content.decode()
    assert "<progress" in html
    assert "3 awaiting their confirmation" in html
    assert "3 lines skipped" in html


def test_a_vouched_import_confirms_at_once_and_shows_who_vouched(client_for, organiser, session):
    client = client_for(organiser)
    preview = _preview(client, session, LIST, mode="vouched")
    _import(client, session, preview, mode="vouched")
    ana = session.registrations.get(email="ana@example.es")
    assert ana.status == Registration.Status.CONFIRMED
    assert ana.vouched_by == organiser
    assert ana.vouched_at is not None
    [mail] = OutgoingMail.objects.filter(to_email="ana@example.es")
    assert mail.key == f"sessions:confirmed:{ana.pk}"
    page = client.get(_url("registrants", session)).content.decode()
    assert f"Vouched for by {organiser}" in page


def test_a_vouched_import_fills_the_free_seats_and_the_rest_join_the_waiting_list(
    client_for, organiser, session
):
    session.capacity = 3
    session.save()
    client = client_for(organiser)
    text = "\n".join(f"p{index}@example.org" for index in range(5))
    preview = _preview(client, session, text, mode="vouched")
    _import(client, session, preview, mode="vouched")
    imported = session.registrations.filter(source=Registration.Source.ORGANISER).order_by("pk")
    assert [r.status for r in imported] == ["confirmed"] * 2 + ["waiting"] * 3
    waiting = imported.filter(status="waiting").first()
    assert OutgoingMail.objects.get(key=f"sessions:waiting:{waiting.pk}")


def test_a_vouched_import_sends_the_participation_link_once_when_it_is_set(
    client_for, organiser, session, mailoutbox, django_capture_on_commit_callbacks
):
    session.participation_link = "https://meet.example.org/j/seven"
    session.link_version = 1
    session.save()
    session.registrations.update(link_version_sent=1)  # the one already there has it
    client = client_for(organiser)
    preview = _preview(client, session, "ana@example.es\nbo@example.se", mode="vouched")
    with django_capture_on_commit_callbacks(execute=True):
        _import(client, session, preview, mode="vouched")
    links = OutgoingMail.objects.filter(key__startswith="sessions:link:")
    assert sorted(m.to_email for m in links) == ["ana@example.es", "bo@example.se"]
    assert all("https://meet.example.org/j/seven" in m.body_text for m in links)
    assert not OutgoingMail.objects.filter(key__startswith="sessions:confirmed:").exists()


def test_someone_who_had_cancelled_is_registered_again(client_for, organiser, session):
    RegistrationFactory(session=session, email="back@example.org", status="cancelled")
    client = client_for(organiser)
    preview = _preview(client, session, "back@example.org")
    assert preview.context["lines"][0].status == bulk.NEW
    _import(client, session, preview)
    assert session.registrations.get(email="back@example.org").status == "pending"


def test_nothing_is_half_imported_when_the_import_fails(
    client_for, organiser, session, monkeypatch
):
    client = client_for(organiser)
    preview = _preview(client, session, LIST)

    def broken(*args, **kwargs):
        raise RuntimeError("the outbox is down")

    monkeypatch.setattr(bulk, "_queue_mails", broken)
    with pytest.raises(RuntimeError):
        _import(client, session, preview)
    assert session.registrations.count() == 1


def test_a_list_edited_after_its_preview_is_previewed_again_not_imported(
    client_for, organiser, session
):
    client = client_for(organiser)
    preview = _preview(client, session, LIST)
    response = _import(
        client, session, preview, lines=preview.context["form"].initial["lines"] + "x@example.org"
    )
    assert response.status_code == 200
    assert "changed since the preview" in response.content.decode()
    assert session.registrations.count() == 1
    tampered = _import(client, session, preview, payload=preview.context["payload"] + "x")
    assert "expired or was changed" in tampered.content.decode()
    assert session.registrations.count() == 1


def test_another_sessions_organiser_gets_a_404(client_for, session):
    client = client_for(make_organiser())
    assert client.get(_url("attendee_import", session)).status_code == 404
    assert client.get(_url("attendee_add", session)).status_code == 404
    assert _preview(client, session, LIST).status_code == 404


def test_a_preview_signed_for_another_session_cannot_be_imported_here(organiser, session):
    other = SessionFactory(organisers=[organiser])
    lines = bulk.bulk_lines_parse("ana@example.es")
    payload = bulk.bulk_payload_sign(session=other, actor=organiser, lines=lines, text="x")
    with pytest.raises(bulk.PreviewOutdated):
        bulk.bulk_payload_read(session=session, actor=organiser, payload=payload, text="x")


def test_an_organiser_adds_one_attendee_and_bad_input_is_kept(client_for, organiser, session):
    client = client_for(organiser)
    data = {"name": "Jeanne Martin", "email": "not-an-email", "organisation": "FEI"}
    data |= {"country": "FR", "language": "fr", "mode": "vouched"}
    bad = client.post(_url("attendee_add", session), data)
    assert bad.status_code == 200
    assert 'value="Jeanne Martin"' in bad.content.decode()
    response = client.post(_url("attendee_add", session), {**data, "email": "jeanne@example.fr"})
    assert response.status_code == 302
    jeanne = session.registrations.get(email="jeanne@example.fr")
    assert (jeanne.status, jeanne.language, jeanne.vouched_by) == ("confirmed", "fr", organiser)
    assert jeanne.source == Registration.Source.ORGANISER


@pytest.mark.django_db(transaction=True)
def test_a_vouched_import_and_web_confirmations_at_once_never_overbook():
    organiser = make_organiser()
    session = SessionFactory(capacity=10, organisers=[organiser])
    pending = [register(session, email=f"web{index}@example.org") for index in range(10)]
    lines = bulk.bulk_lines_parse("\n".join(f"bulk{index}@example.org" for index in range(10)))

    def confirm(registration):
        from sessions_app.services import registration_confirm

        registration_confirm(registration=registration)

    def import_all():
        bulk.bulk_registrations_import(session=session, lines=lines, actor=organiser, vouched=True)

    errors = run_in_parallel(
        lambda target, *args: target(*args),
        [(import_all,), *[(confirm, registration) for registration in pending]],
    )
    assert errors == []
    statuses = list(session.registrations.values_list("status", flat=True))
    assert statuses.count("confirmed") == 10
    assert statuses.count("waiting") == 10


# --- What people paste ------------------------------------------------------------------------

SPREADSHEET = (
    "Name\tEmail\tOrganisation\tCountry\n"
    "Ana López\tana@example.es\tFaedei\tSpain\n"
    "Bo Berg\tbo@example.se\t\t\n"
    "Carla Rossi\tcarla@example.it\tConsorzio, Sociale\tIT\n"
    "\t\t\t\n"
)
FRENCH_EXCEL = (
    "Nom;Prénom;Adresse e-mail;Structure;Pays\r\n"
    "Martin;Jeanne;jeanne@example.fr;FEI;France\r\n"
    "Durand;Éric;eric@example.fr;;Belgique\r\n"
    '"Le Gall";"Anne-Marie";anne-marie@example.fr;"Tremplin; Bretagne";FR\r\n'
    ";;;;\r\n"
)
MIXED = """\
Ana Lopez <ana@example.es>
Bo Berg, bo@example.se
carla@example.it;Carla Rossi;Consorzio
Dan Jensen\tdan@example.dk\tSocialt Ansvar\tDenmark
"Lovelace, Ada",ada@example.org,Analytical Engines
Eva Nagy | eva@example.hu | Szimbiózis
"Dupont, Jean" <jean@example.fr>; FEI; France
Fred Smith fred@example.ie
two@example.org, three@example.org
nobody at example.org
"""


def _people(lines):
    return [(ln.name, ln.email, ln.organisation, ln.country, ln.status) for ln in lines]


def test_cells_copied_from_a_spreadsheet_are_read_by_their_header():
    assert _people(bulk.bulk_lines_parse(SPREADSHEET)) == [
        ("Ana López", "ana@example.es", "Faedei", "ES", bulk.NEW),
        ("Bo Berg", "bo@example.se", "", "", bulk.NEW),
        ("Carla Rossi", "carla@example.it", "Consorzio, Sociale", "IT", bulk.NEW),
    ]


def test_a_semicolon_csv_from_a_french_excel_joins_first_and_last_names():
    assert _people(bulk.bulk_lines_parse(FRENCH_EXCEL)) == [
        ("Jeanne Martin", "jeanne@example.fr", "FEI", "FR", bulk.NEW),
        ("Éric Durand", "eric@example.fr", "", "BE", bulk.NEW),
        ("Anne-Marie Le Gall", "anne-marie@example.fr", "Tremplin; Bretagne", "FR", bulk.NEW),
    ]


def test_mixed_lines_find_the_address_whatever_the_separator():
    lines = bulk.bulk_lines_parse(MIXED)
    assert _people(lines) == [
        ("Ana Lopez", "ana@example.es", "", "", bulk.NEW),
        ("Bo Berg", "bo@example.se", "", "", bulk.NEW),
        ("Carla Rossi", "carla@example.it", "Consorzio", "", bulk.NEW),
        ("Dan Jensen", "dan@example.dk", "Socialt Ansvar", "DK", bulk.NEW),
        ("Lovelace, Ada", "ada@example.org", "Analytical Engines", "", bulk.NEW),
        ("Eva Nagy", "eva@example.hu", "Szimbiózis", "", bulk.NEW),
        ("Dupont, Jean", "jean@example.fr", "FEI", "FR", bulk.NEW),
        ("Fred Smith", "fred@example.ie", "", "", bulk.NEW),
        ("", "", "", "", bulk.INVALID),
        ("", "", "", "", bulk.INVALID),
    ]
    assert [ln.reason for ln in lines[-2:]] == ["more than one email address", "no email address"]


def test_a_list_of_190_people_pasted_in_every_form_is_read_whole(client_for, organiser, session):
    forms = [
        "Person {i} <person{i}@example.org>",
        "Person {i}, person{i}@example.org",
        "person{i}@example.org;Person {i};Org {i}",
        "Person {i}\tperson{i}@example.org\tOrg {i}\tBelgium",
        '"Person, {i}",person{i}@example.org,"Org, {i}"',
    ]
    text = "\n".join(forms[i % len(forms)].format(i=i) for i in range(190))
    response = _preview(client_for(organiser), session, text)
    assert response.context["counts"] == {"new": 190, "registered": 0, "duplicate": 0, "invalid": 0}
    assert "Import 190 people" in response.content.decode()


def test_an_uploaded_french_excel_file_is_read_as_windows_1252(client_for, organiser, session):
    upload = SimpleUploadedFile("liste.csv", FRENCH_EXCEL.encode("cp1252"))
    response = client_for(organiser).post(
        _url("attendee_import", session),
        {"file": upload, "language": "fr", "mode": "confirm", "action": "preview"},
    )
    assert [ln.name for ln in response.context["lines"]][1] == "Éric Durand"


@pytest.mark.parametrize(
    ("mode", "capacity", "expected"),
    [
        ("vouched", 4, "2 seats left: 2 will be confirmed, 3 will join the waiting list."),
        ("confirm", 4, "2 seats left: once they are taken, the people who confirm join"),
        ("confirm", 2, "The session is full: the people who confirm join the waiting list."),
        ("vouched", None, None),
    ],
)
def test_the_preview_says_how_many_would_join_the_waiting_list(
    client_for, organiser, session, mode, capacity, expected
):
    session.capacity = capacity
    session.save()
    RegistrationFactory(session=session)  # two seats taken with the one already there
    text = "\n".join(f"p{index}@example.org" for index in range(5)) + "\nnot an address"
    response = _preview(client_for(organiser), session, text, mode=mode)
    html = response.content.decode()
    counts = response.context["counts"]
    assert (counts["new"], counts["invalid"]) == (5, 1)
    if expected:
        assert expected in html
    else:
        assert "waiting list" not in html.split("preview-title", 1)[1].split("<form", 1)[0]
    if mode == "vouched" and capacity:
        preview = response
        _import(client_for(organiser), session, preview, mode="vouched")
        imported = session.registrations.filter(source=Registration.Source.ORGANISER)
        assert imported.filter(status="waiting").count() == 3


def test_the_help_text_shows_the_name_and_email_form_as_typed(client_for, organiser, session):
    html = client_for(organiser).get(_url("attendee_import", session)).content.decode()
    assert "“Name &lt;email&gt;”" in html
    assert "<email>" not in html
