from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PrivacyConfig(AppConfig):
    name = "ensie_portal.privacy"
    label = "privacy"
    verbose_name = _("Personal data")

    def ready(self):
        from . import tasks  # noqa: F401 - registers the Celery tasks its services enqueue by name
