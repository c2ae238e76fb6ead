"""The private storage of uploaded letters and statutes, looked up when used.

Model fields keep one storage object for the life of the process; this one forwards every call to
``storages["private"]`` as configured at that moment (so a changed setting, e.g. in tests, is
honoured). Its files have no URL: only a permission-checking view streams them.
"""

from django.core.files.storage import Storage, storages
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
