from django.db import models
from django.utils import translation
from django.utils.translation import gettext_lazy as _


class SitePage(models.Model):
    """A page whose text staff edit in English and French (home, privacy)."""

    slug = models.SlugField(_("slug"), unique=True)
    title_en = models.CharField(_("title (English)"), max_length=200)
    title_fr = models.CharField(_("title (French)"), max_length=200)
    intro_en = models.TextField(_("introduction (English)"), blank=True)
    intro_fr = models.TextField(_("introduction (French)"), blank=True)
    body_en = models.TextField(_("body (English, Markdown)"), blank=True)
    body_fr = models.TextField(_("body (French, Markdown)"), blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("site page")
        verbose_name_plural = _("site pages")
        ordering = ["slug"]

    def __str__(self):
        return self.slug

    def _localised(self, field: str) -> str:
        language = (translation.get_language() or "en")[:2]
        value = getattr(self, f"{field}_{language}", "") if language in ("en", "fr") else ""
        return value or getattr(self, f"{field}_en")

    @property
    def title(self) -> str:
        return self._localised("title")

    @property
    def intro(self) -> str:
        return self._localised("intro")

    @property
    def body(self) -> str:
        return self._localised("body")


class AuditEntry(models.Model):
    """Who did what to which object, when: every workflow transition writes one."""

    content_type = models.ForeignKey("contenttypes.ContentType", on_delete=models.CASCADE)
    object_id = models.CharField(max_length=64)
    actor = models.ForeignKey(
        "accounts.User",
        verbose_name=_("by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    action = models.CharField(_("action"), max_length=100)
    from_state = models.CharField(_("from"), max_length=50, blank=True)
    to_state = models.CharField(_("to"), max_length=50, blank=True)
    comment = models.TextField(_("comment"), blank=True)
    data = models.JSONField(_("data"), default=dict, blank=True)
    created_at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["content_type", "object_id"], name="audit_object_idx")]

    def __str__(self):
        return f"{self.action}: {self.from_state} → {self.to_state}"
