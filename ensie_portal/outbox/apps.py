from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OutboxConfig(AppConfig):
    name = "ensie_portal.outbox"
    label = "outbox"
    verbose_name = _("Email outbox")

    def ready(self):
        from . import tasks  # noqa: F401 - registers the Celery tasks its services enqueue by name
