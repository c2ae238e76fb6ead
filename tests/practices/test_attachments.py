"""A practice's PDF: stored privately, downloaded only by those who may see the practice."""

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile

from practices.models import Attachment, Practice
from tests.factories import NOT_PDFS, UserFactory, make_staff, pdf_bytes
from tests.practices.factories import PracticeFactory, make_editor, make_representative
from tests.practices.test_moderation import form_data

pytestmark = pytest.mark.django_db
PDF = pdf_bytes()


def practice_with_pdf(**kwargs) -> tuple[Practice, Attachment]:
    practice = PracticeFactory(**kwargs)
    attachment = Attachment(practice=practice, title="report.pdf", size=len(PDF))
    attachment.file.save("report.pdf", ContentFile(PDF))
    return practice, attachment


def url(practice, attachment) -> str:
    return f"/practices/{practice.slug}/attachments/{attachment.pk}/"


def status_of(client, path) -> int:
    response = client.get(path)
    if response.streaming:  # read it: a download holds its file open until then
        b"".join(response.streaming_content)
    return response.status_code


def test_a_published_practices_pdf_is_downloaded_by_anyone(client):
    practice, attachment = practice_with_pdf()
    response = client.get(url(practice, attachment))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Type"] == "application/pdf"
    assert 'filename="report.pdf"' in response["Content-Disposition"]
    # The detail page links the download view, not a file under /media/.
    page = client.get(practice.get_absolute_url()).content.decode()
    assert url(practice, attachment) in page
    assert "/media/" not in page


def test_an_attachment_is_never_stored_in_the_public_media_folder(settings):
    _practice, attachment = practice_with_pdf()
    assert attachment.file.path.startswith(str(settings.PRIVATE_MEDIA_ROOT))
    assert not (settings.MEDIA_ROOT / attachment.file.name).exists()


@pytest.mark.parametrize("status", [Practice.Status.DRAFT, Practice.Status.SUBMITTED])
def test_an_unpublished_practices_pdf_is_a_404_to_anyone_but_its_submitter_and_editors(
    client, status
):
    submitter = make_representative()
    practice, attachment = practice_with_pdf(
        status=status, submitted_by=submitter, published_at=None
    )
    assert client.get(url(practice, attachment)).status_code == 404
    client.force_login(UserFactory())
    assert client.get(url(practice, attachment)).status_code == 404
    client.force_login(make_representative())
    assert client.get(url(practice, attachment)).status_code == 404
    client.force_login(submitter)
    assert status_of(client, url(practice, attachment)) == 200
    client.force_login(make_editor())
    response = client.get(url(practice, attachment))
    assert b"".join(response.streaming_content) == PDF
    assert response["Cache-Control"] == "private, no-store"


def test_an_attachment_is_only_found_under_its_own_practice(client):
    practice, _attachment = practice_with_pdf()
    _other, other_attachment = practice_with_pdf(
        status=Practice.Status.DRAFT, submitted_by=UserFactory(), published_at=None
    )
    assert client.get(url(practice, other_attachment)).status_code == 404


def test_staff_see_a_practices_attachments_in_the_admin_with_a_download_link(client):
    practice, attachment = practice_with_pdf(status=Practice.Status.DRAFT, published_at=None)
    client.force_login(make_staff(is_superuser=True))
    response = client.get(f"/admin/practices/practice/{practice.pk}/change/")
    assert response.status_code == 200
    assert url(practice, attachment) in response.content.decode()


# --- Uploads through the contribution form ---------------------------------------------------


def contribute(client, name, content):
    client.force_login(make_representative())
    upload = SimpleUploadedFile(name, content, content_type="application/pdf")
    return client.post("/practices/contribute/", form_data(save="1", attachment=upload))


@pytest.mark.parametrize("kind", NOT_PDFS)
def test_a_file_that_is_not_a_real_pdf_is_refused_and_the_form_kept(client, kind):
    response = contribute(client, "report.pdf", NOT_PDFS[kind])
    assert response.status_code == 200
    page = response.content.decode()
    assert "“report.pdf” is not a valid PDF document. Please upload a PDF file." in page
    assert 'id="id_attachment_errors"' in page
    assert 'value="Vélo solidaire"' in page
    assert not Practice.objects.exists()


def test_a_real_pdf_is_attached_under_a_pdf_name_whatever_it_was_called(client):
    pdf = pdf_bytes(pages=2)
    contribute(client, "rapport annuel.html", pdf)
    attachment = Practice.objects.get().attachments.get()
    assert attachment.title == "rapport annuel.pdf"
    assert attachment.file.name.endswith(".pdf")
    assert attachment.size == len(pdf)
    response = client.get(url(attachment.practice, attachment))
    assert b"".join(response.streaming_content) == pdf
    assert response["Content-Type"] == "application/pdf"


def test_a_pdf_with_a_name_too_long_for_the_title_is_attached_under_a_shortened_name(client):
    """A name over 200 characters used to overflow the title's column: a server error."""
    response = contribute(client, "Rapport d’activité " * 15 + ".pdf", pdf_bytes())
    assert response.status_code == 302
    attachment = Practice.objects.get().attachments.get()
    assert attachment.title.startswith("Rapport d’activité Rapport")
    assert attachment.title.endswith(".pdf")
    assert len(attachment.title) == 200
    assert attachment.file.name.endswith(".pdf")
    assert len(attachment.file.name) <= Attachment._meta.get_field("file").max_length
