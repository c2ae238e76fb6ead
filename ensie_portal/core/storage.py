"""Private storage of uploaded files (letters, statutes, attachments), looked up when used.

Model fields keep one storage object for the life of the process; this one forwards every call to
``storages["private"]`` as configured at that moment (so a changed setting, e.g. in tests, is
honoured). Its files have no URL: only a permission-checking view streams them.
"""

import mimetypes

from django.core.files.storage import Storage, storages
from django.http import FileResponse, Http404
from django.utils.deconstruct import deconstructible


@deconstructible
class PrivateStorage(Storage):
    @staticmethod
    def _target() -> Storage:
        return storages["private"]

    def _open(self, name, mode="rb"):
        return self._target().open(name, mode)

    def _save(self, name, content):
        return self._target().save(name, content)

    def get_available_name(self, name, max_length=None):
        return self._target().get_available_name(name, max_length=max_length)

    def delete(self, name):
        return self._target().delete(name)

    def exists(self, name):
        return self._target().exists(name)

    def listdir(self, path):
        return self._target().listdir(path)

    def size(self, name):
        return self._target().size(name)

    def path(self, name):
        return self._target().path(name)

    def url(self, name):
        raise NotImplementedError("Private files have no URL; a view streams them.")


def private_storage() -> Storage:
    return PrivateStorage()


def stream_file(field, *, filename: str, private: bool = True) -> FileResponse:
    """A download of ``field`` under ``filename``; 404 when the file is gone. The caller has
    checked that the user may see it."""
    try:
        handle = field.open("rb")
    except FileNotFoundError as missing:
        raise Http404 from missing
    content_type = mimetypes.guess_type(filename)[0] or "application/octet-stream"
    response = FileResponse(handle, as_attachment=True, filename=filename)
    response["Content-Type"] = content_type
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store" if private else "public, max-age=3600"
    return response
