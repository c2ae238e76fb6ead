from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SessionsAppConfig(AppConfig):
    name = "sessions_app"
    verbose_name = _("Online thematic sessions")

    def ready(self):
        from . import tasks  # noqa: F401 - registers the Celery tasks its services enqueue by name
