from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def ensure_role_groups(sender, **kwargs):
    """The role groups are created by a data migration; this keeps them after a flush too."""
    from django.contrib.auth.models import Group

    from .models import ROLE_GROUPS

    for name in ROLE_GROUPS:
        Group.objects.get_or_create(name=name)


class AccountsConfig(AppConfig):
    name = "ensie_portal.accounts"
    label = "accounts"
    verbose_name = _("Accounts")

    def ready(self):
        post_migrate.connect(ensure_role_groups, sender=self)
        from . import receivers  # noqa: F401 - connects the allauth signal
