"""Uploaded PDFs: accepted only when they open as a PDF, stored under a name ending in ``.pdf``.

Used by every form that takes a PDF (the reasoned request's letter and statutes, a practice's
attachment, the join page's documents in the admin). A ``%PDF-`` header glued onto anything else
is not enough: the file must start with it and pypdf must open it and find a first page. The
stored name always ends in ``.pdf`` (whatever the upload was called, ``.html`` included), so that
no web server ever serves an upload as a page, and fits its database column.
"""

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _
from pypdf import PdfReader
from pypdf.errors import FileNotDecryptedError

MAX_PDF_BYTES = 10 * 1024 * 1024
PDF_MAGIC = b"%PDF-"
PDF_SUFFIX = ".pdf"


def validate_pdf(upload: UploadedFile) -> None:
    """At most 10 MB and really a PDF with at least one page, whatever its name says."""
    if upload.size > MAX_PDF_BYTES:
        raise forms.ValidationError(
            _("“%(name)s” is %(size)s; files may be at most 10 MB."),
            code="too_large",
            params={"name": upload.name, "size": filesizeformat(upload.size)},
        )
    upload.seek(0)
    head = upload.read(len(PDF_MAGIC))
    upload.seek(0)
    if head != PDF_MAGIC:
        raise _not_pdf(upload)
    try:
        if PdfReader(upload).pages[0] is None:  # pages[0] raises when there is no first page
            raise _not_pdf(upload)
    except FileNotDecryptedError as protected:
        raise forms.ValidationError(
            _("“%(name)s” is protected by a password. Please upload it without one."),
            code="pdf_protected",
            params={"name": upload.name},
        ) from protected
    except Exception as broken:  # whatever a damaged or hostile file makes pypdf raise
        raise _not_pdf(upload) from broken
    finally:
        upload.seek(0)


def _not_pdf(upload: UploadedFile) -> forms.ValidationError:
    return forms.ValidationError(
        _("“%(name)s” is not a valid PDF document. Please upload a PDF file."),
        code="not_pdf",
        params={"name": upload.name},
    )


def pdf_file_name(name: str, *, max_length: int) -> str:
    """``name`` with its extension replaced by ``.pdf``, shortened to ``max_length`` characters."""
    stem, dot, _extension = name.rpartition(".")
    stem = (stem if dot else name).strip() or "document"
    return stem[: max_length - len(PDF_SUFFIX)] + PDF_SUFFIX


def pdf_upload_clean(upload: UploadedFile, *, max_name_length: int) -> UploadedFile:
    """Validate a new upload (``validate_pdf``), then give it its stored name."""
    validate_pdf(upload)
    upload.name = pdf_file_name(upload.name, max_length=max_name_length)
    return upload


class PdfField(forms.FileField):
    """An optional PDF upload: validated, and named ``<name>.pdf`` in at most
    ``max_name_length`` characters (the column that will keep the name)."""

    def __init__(self, *, max_name_length: int, **kwargs):
        self.max_name_length = max_name_length
        kwargs.setdefault("required", False)
        kwargs.setdefault("widget", forms.FileInput(attrs={"accept": "application/pdf,.pdf"}))
        super().__init__(**kwargs)

    def clean(self, data, initial=None):
        upload = super().clean(data, initial)
        if isinstance(upload, UploadedFile):
            pdf_upload_clean(upload, max_name_length=self.max_name_length)
        return upload
