from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def ensure_editors_group(sender, **kwargs):
    """The Editors group is created by a data migration; this keeps it after a flush too."""
    from django.contrib.auth.models import Group

    from ensie_portal.accounts.models import Roles

    Group.objects.get_or_create(name=Roles.EDITORS)


class PracticesConfig(AppConfig):
    name = "practices"
    verbose_name = _("Best practices")

    def ready(self):
        from . import tasks  # noqa: F401 - registers the Celery tasks its services enqueue by name

        post_migrate.connect(ensure_editors_group, sender=self)
