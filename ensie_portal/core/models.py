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
