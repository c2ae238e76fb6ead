from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from ensie_portal.core.storage import private_storage


class TaxonomyTerm(models.Model):
    """A term with an English and a French label, managed by staff in the admin."""

    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    label_en = models.CharField(_("label (English)"), max_length=120)
    label_fr = models.CharField(_("label (French)"), max_length=120)

    class Meta:
        abstract = True
        ordering = ["label_en"]

    def __str__(self):
        return self.label

    @property
    def label(self) -> str:
        if (translation.get_language() or "en")[:2] == "fr":
            return self.label_fr or self.label_en
        return self.label_en


class Sector(TaxonomyTerm):
    class Meta(TaxonomyTerm.Meta):
        verbose_name = _("sector")
        verbose_name_plural = _("sectors")


class Theme(TaxonomyTerm):
    class Meta(TaxonomyTerm.Meta):
        verbose_name = _("theme")
        verbose_name_plural = _("themes")


class PracticeType(models.TextChoices):
    INITIATIVE = "initiative", _("initiative")
    PROJECT = "project", _("project")
    PUBLICATION = "publication", _("publication or report")
    ORGANISATION = "organisation", _("organisation profile")
    POLICY = "policy", _("policy or tool")
    TRAINING = "training", _("training")


class PracticeLanguage(models.TextChoices):
    EN = "en", _("English")
    FR = "fr", _("French")
    DE = "de", _("German")
    ES = "es", _("Spanish")
    IT = "it", _("Italian")
    NL = "nl", _("Dutch")
    OTHER = "other", _("other language")


class PracticeQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=Practice.Status.PUBLISHED)


class Practice(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        SUBMITTED = "submitted", _("submitted")
        PUBLISHED = "published", _("published")
        RETURNED = "returned", _("returned")

    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=220, unique=True)
    summary = models.TextField(
        _("summary"), max_length=1000, help_text=_("Two or three sentences shown in the list.")
    )
    body = models.TextField(
        _("description"), blank=True, help_text=_("Plain text or Markdown; HTML is removed.")
    )
    context = models.TextField(_("context"), blank=True)
    objectives = models.TextField(_("objectives"), blank=True)
    method = models.TextField(_("method"), blank=True)
    results = models.TextField(_("results and impact"), blank=True)
    transferability = models.TextField(_("transferability"), blank=True)
    organisation = models.CharField(_("organisation"), max_length=200)
    country = CountryField(_("country"), db_index=True)
    region = models.CharField(_("region or city"), max_length=120, blank=True)
    sectors = models.ManyToManyField(
        Sector, verbose_name=_("sectors"), related_name="practices", blank=True
    )
    themes = models.ManyToManyField(
        Theme, verbose_name=_("themes"), related_name="practices", blank=True
    )
    type = models.CharField(_("type"), max_length=20, choices=PracticeType.choices)
    language = models.CharField(
        _("language"),
        max_length=8,
        choices=PracticeLanguage.choices,
        help_text=_("The language the practice is written in."),
    )
    year = models.PositiveSmallIntegerField(_("year"), null=True, blank=True)
    website = models.URLField(_("website"), blank=True)
    source = models.CharField(
        _("source"), max_length=200, blank=True, help_text=_("For example “CRESS Bretagne, 2012”.")
    )
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.DRAFT
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("submitted by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="practices",
    )
    return_comment = models.TextField(_("editor's comment"), blank=True)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    # Kept up to date by a PostgreSQL trigger (migration 0002) and GIN-indexed there.
    search_vector = SearchVectorField(null=True, editable=False)
    # Title and summary only, for ranking (kept by a trigger, migration 0004).
    rank_vector = SearchVectorField(null=True, editable=False)

    objects = PracticeQuerySet.as_manager()

    class Meta:
        verbose_name = _("best practice")
        verbose_name_plural = _("best practices")
        ordering = ["-published_at", "-pk"]
        indexes = [
            models.Index(
                fields=["status", "-published_at", "-id"], name="practice_status_published"
            ),
            models.Index(fields=["status", "country"], name="practice_status_country"),
            models.Index(fields=["status", "type"], name="practice_status_type"),
            models.Index(fields=["status", "language"], name="practice_status_language"),
            models.Index(fields=["status", "year"], name="practice_status_year"),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("practices:detail", kwargs={"slug": self.slug})

    @property
    def content_language(self) -> str:
        """The language code of its text, for ``lang`` attributes ("" for another language:
        unknown)."""
        return "" if self.language == PracticeLanguage.OTHER else self.language

    @property
    def sections(self) -> list[tuple[str, str]]:
        """The structured sections that are filled in, with their labels."""
        names = ["context", "objectives", "method", "results", "transferability"]
        return [
            (self._meta.get_field(name).verbose_name, getattr(self, name))
            for name in names
            if getattr(self, name)
        ]


class Attachment(models.Model):
    practice = models.ForeignKey(
        Practice, on_delete=models.CASCADE, related_name="attachments", verbose_name=_("practice")
    )
    title = models.CharField(_("title"), max_length=200)
    # Private: a draft's attachment must not be reachable; a view checks who may see it.
    file = models.FileField(_("file"), upload_to="practices/%Y/", storage=private_storage)
    size = models.PositiveIntegerField(_("size in bytes"), default=0)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["pk"]

    def __str__(self):
        return self.title


class CatalogueVersion(models.Model):
    """One row whose token changes with every change of the published catalogue or of its
    taxonomies (``services.practice_catalogue_changed``), in the transaction of the change.

    The facet index is built and cached per token (``selectors.catalogue_version``). Kept in
    the database rather than in the cache: readers see a new token exactly when they see the
    change it stands for, whether Redis answered at the time or not.
    """

    ROW = 1

    token = models.CharField(_("token"), max_length=32)

    class Meta:
        verbose_name = _("catalogue version")
        verbose_name_plural = _("catalogue versions")

    def __str__(self):
        return self.token
