from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class PersonalDataRequest(models.Model):
    """Staff exported or erased one person's data: who, when, which address (as a keyed hash:
    the address itself is not kept, or the log would undo the erasure) and how many records."""

    class Kind(models.TextChoices):
        EXPORT = "export", _("export")
        ERASE = "erase", _("erasure")

    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    address_hash = models.CharField(_("address (keyed hash)"), max_length=64, db_index=True)
    include_subaddresses = models.BooleanField(_("sub-addresses included"), default=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("by"),
    )
    created_at = models.DateTimeField(_("when"), auto_now_add=True)
    # How many records of each kind were exported or erased: {"registrations": 2, ...}.
    counts = models.JSONField(_("records"), default=dict, blank=True)

    class Meta:
        verbose_name = _("personal data request")
        verbose_name_plural = _("personal data requests")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.get_kind_display()} {self.created_at:%Y-%m-%d %H:%M}"


class MailboxErasure(models.Model):
    """An erasure's last step still to do: deleting the person's copies in the mailbox's
    processed folder. The address is kept only until that is done (the row is then deleted), so
    an unreachable mailbox or broker delays the step and never skips it."""

    address = models.EmailField(_("address"), max_length=254)
    include_subaddresses = models.BooleanField(_("sub-addresses included"), default=True)
    created_at = models.DateTimeField(_("asked at"), auto_now_add=True)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)

    class Meta:
        verbose_name = _("mailbox erasure to do")
        verbose_name_plural = _("mailbox erasures to do")
        ordering = ["created_at", "pk"]

    def __str__(self):
        return f"{self.created_at:%Y-%m-%d %H:%M}"
