"""The reasoned request's PDFs survive a form error: a valid upload is kept on the draft, shown
as the current file, used at submission, and stays private."""

import datetime
import html
import io
from pathlib import Path

import pytest
import time_machine
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from pypdf import PdfWriter

from networks.models import Application
from tests.factories import NOT_PDFS, UserFactory
from tests.networks.factories import PDF_BYTES, ApplicationFactory, GeneralAssemblyFactory
from tests.networks.test_pages import request_data

pytestmark = pytest.mark.django_db
Status = Application.Status
LETTER = PDF_BYTES + b"% the motivation letter\n"
STATUTES = PDF_BYTES + b"% the statutes\n"


@pytest.fixture
def applicant():
    return UserFactory()


@pytest.fixture
def drafting(client, applicant):
    application = ApplicationFactory(status=Status.MEETING_HELD, representative=applicant)
    client.force_login(applicant)
    return application, reverse("networks:reasoned_request", args=[application.pk])


def _files(**overrides):
    files = {
        "motivation_letter_upload": SimpleUploadedFile("Lettre de motivation.pdf", LETTER),
        "statutes_upload": SimpleUploadedFile("statuts-2024.pdf", STATUTES),
    }
    return {**files, **overrides}


def _read(field) -> bytes:
    with field.open("rb") as handle:
        return handle.read()


def test_valid_files_are_kept_and_shown_when_another_field_has_an_error(
    client, drafting, applicant
):
    application, url = drafting
    data = {**request_data(GeneralAssemblyFactory(), wise_count="many"), **_files(), "save": ""}
    when = datetime.datetime(2030, 3, 4, 9, 30, tzinfo=datetime.UTC)
    with time_machine.travel(when, tick=False):
        client.force_login(applicant)
        response = client.post(url, data)
    assert response.status_code == 400
    page = html.unescape(response.content.decode())
    assert 'id="id_wise_count_errors"' in page
    assert 'value="Réseau"' in page  # what the applicant typed is still there
    letter_url = reverse("networks:application_file", args=[application.pk, "motivation-letter"])
    assert f'Current file: <a href="{letter_url}">Lettre de motivation.pdf</a>' in page
    assert "(uploaded 4 March 2030, 10:30)" in page  # Brussels time, the short style
    assert "statuts-2024.pdf" in page
    assert "Choose a file only to replace it" in page
    assert "choose them again" not in page
    application.refresh_from_db()
    assert _read(application.motivation_letter) == LETTER
    assert _read(application.statutes) == STATUTES
    assert application.motivation_letter_name == "Lettre de motivation.pdf"
    assert application.statutes_uploaded_at == when
    # Only the files: the fields of a form with errors are not saved.
    assert application.legal_name == ""


def test_only_the_valid_file_is_kept_when_the_other_one_is_refused(client, drafting):
    application, url = drafting
    fake = SimpleUploadedFile("statutes.pdf", b"MZ\x90\x00 not a pdf", "application/pdf")
    response = client.post(url, {**_files(statutes_upload=fake), "save": ""})
    assert response.status_code == 400
    page = html.unescape(response.content.decode())
    assert "“statutes.pdf” is not a valid PDF document" in page
    assert "Current file: " in page
    assert "Lettre de motivation.pdf" in page
    application.refresh_from_db()
    assert _read(application.motivation_letter) == LETTER
    assert not application.statutes


def test_submitting_after_an_error_uses_the_stored_files(client, drafting):
    application, url = drafting
    assembly = GeneralAssemblyFactory()
    first = client.post(
        url, {**request_data(assembly, adheres_to_statutes="", date_founded="31/31/2001"),
              **_files(), "submit": ""},
    )  # fmt: skip
    assert first.status_code == 400
    application.refresh_from_db()
    assert application.status == Status.MEETING_HELD
    corrected = request_data(assembly)
    del corrected["motivation_letter_upload"], corrected["statutes_upload"]
    response = client.post(url, {**corrected, "submit": ""})
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == Status.REQUEST_SUBMITTED
    assert _read(application.motivation_letter) == LETTER
    assert _read(application.statutes) == STATUTES


def test_choosing_another_file_replaces_the_kept_one(
    client, drafting, django_capture_on_commit_callbacks
):
    application, url = drafting
    client.post(url, {**request_data(GeneralAssemblyFactory(), wise_count="x"), **_files()})
    application.refresh_from_db()
    kept = application.motivation_letter.name
    assert application.motivation_letter.storage.exists(kept)
    replacement = PDF_BYTES + b"% second version\n"
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            url,
            {
                "motivation_letter_upload": SimpleUploadedFile("letter-v2.pdf", replacement),
                "save": "",
            },
        )
    application.refresh_from_db()
    assert _read(application.motivation_letter) == replacement
    assert application.motivation_letter_name == "letter-v2.pdf"
    assert _read(application.statutes) == STATUTES
    assert not application.motivation_letter.storage.exists(kept)


def test_a_file_kept_after_an_error_stays_private(client, drafting):
    application, url = drafting
    client.post(url, {**request_data(GeneralAssemblyFactory(), wise_count="x"), **_files()})
    application.refresh_from_db()
    stored = Path(application.statutes.path)
    assert stored.is_relative_to(Path(settings.STORAGES["private"]["OPTIONS"]["location"]))
    assert not stored.is_relative_to(Path(settings.MEDIA_ROOT))
    assert "statuts" not in application.statutes.name  # a random name, not the applicant's
    with pytest.raises(NotImplementedError):
        _ = application.statutes.url
    download = reverse("networks:application_file", args=[application.pk, "statutes"])
    response = client.get(download)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == STATUTES
    client.force_login(UserFactory())
    assert client.get(download).status_code == 404
    client.logout()
    assert client.get(download).status_code == 404


def test_no_file_is_kept_once_the_request_can_no_longer_be_changed(client, drafting):
    application, url = drafting
    Application.objects.filter(pk=application.pk).update(status=Status.UNDER_REVIEW)
    response = client.post(url, {**request_data(GeneralAssemblyFactory(), wise_count="x")})
    assert response.status_code == 302
    application.refresh_from_db()
    assert not application.motivation_letter
    assert not application.statutes


@pytest.mark.parametrize("kind", NOT_PDFS)
def test_a_file_that_is_not_a_real_pdf_is_refused_and_the_rest_kept(client, drafting, kind):
    """A PDF header glued onto a binary or an HTML page, or HTML holding a PDF, is no PDF: it
    is refused with a message beside its input, what was typed stays, the valid file is kept."""
    application, url = drafting
    fake = SimpleUploadedFile("statuts.pdf", NOT_PDFS[kind], "application/pdf")
    data = {**request_data(GeneralAssemblyFactory()), **_files(statutes_upload=fake), "save": ""}
    response = client.post(url, data)
    assert response.status_code == 400
    page = html.unescape(response.content.decode())
    assert "“statuts.pdf” is not a valid PDF document. Please upload a PDF file." in page
    assert 'id="id_statutes_upload_errors"' in page
    assert 'value="Réseau"' in page
    assert "Current file: " in page  # the letter, kept on the draft
    application.refresh_from_db()
    assert _read(application.motivation_letter) == LETTER
    assert not application.statutes


def test_a_password_protected_pdf_is_refused_with_its_own_message(client, drafting):
    _application, url = drafting
    protected = PdfWriter()
    protected.add_blank_page(width=595, height=842)
    protected.encrypt("secret")
    content = io.BytesIO()
    protected.write(content)
    locked = SimpleUploadedFile("statuts.pdf", content.getvalue(), "application/pdf")
    response = client.post(url, {**_files(statutes_upload=locked), "save": ""})
    assert response.status_code == 400
    assert "“statuts.pdf” is protected by a password" in html.unescape(response.content.decode())


def test_a_real_pdf_under_another_name_is_kept_as_a_pdf(client, drafting):
    application, url = drafting
    long_name = "Lettre de motivation du réseau " * 12 + ".html"
    letter = SimpleUploadedFile(long_name, LETTER, "text/html")
    response = client.post(url, {**_files(motivation_letter_upload=letter), "save": ""})
    assert response.status_code == 302
    application.refresh_from_db()
    assert _read(application.motivation_letter) == LETTER
    assert application.motivation_letter.name.endswith(".pdf")
    name = application.motivation_letter_name
    assert name.startswith("Lettre de motivation du réseau")
    assert name.endswith(".pdf")
    assert len(name) <= 255
