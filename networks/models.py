from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField


class Network(models.Model):
    """A national, regional or local network of WISEs: an applicant, a member, or a former one."""

    class Status(models.TextChoices):
        APPLICANT = "applicant", _("applicant")
        MEMBER = "member", _("member")
        SUSPENDED = "suspended", _("suspended")
        FORMER = "former", _("former member")

    legal_name = models.CharField(_("legal name"), max_length=255)
    acronym = models.CharField(_("acronym"), max_length=50, blank=True)
    slug = models.SlugField(_("slug"), max_length=255, unique=True)
    country = CountryField(_("country"))
    city = models.CharField(_("city"), max_length=120, blank=True)
    head_office_address = models.TextField(_("head office address"), blank=True)
    legal_form = models.CharField(_("legal form"), max_length=120, blank=True)
    registration_number = models.CharField(_("registration number"), max_length=120, blank=True)
    year_founded = models.PositiveSmallIntegerField(_("year founded"), null=True, blank=True)
    website = models.URLField(_("website"), blank=True)
    description = models.TextField(_("description"), blank=True)
    wise_count = models.PositiveIntegerField(
        _("number of member WISEs"), default=0, validators=[MinValueValidator(0)]
    )
    worker_count = models.PositiveIntegerField(_("number of workers"), null=True, blank=True)
    logo = models.ImageField(_("logo"), upload_to="network-logos/", blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.APPLICANT, db_index=True
    )
    member_since = models.DateField(_("member since"), null=True, blank=True)
    representatives = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        through="Representative",
        related_name="networks",
        verbose_name=_("representatives"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("network")
        verbose_name_plural = _("networks")
        ordering = ["legal_name"]

    def __str__(self):
        return f"{self.legal_name} ({self.acronym})" if self.acronym else self.legal_name

    def get_absolute_url(self):
        return reverse("networks:network_detail", kwargs={"slug": self.slug})

    @property
    def display_name(self) -> str:
        return self.acronym or self.legal_name


class Representative(models.Model):
    """A user who speaks for a network; one of them is the main contact."""

    network = models.ForeignKey(
        Network, on_delete=models.CASCADE, related_name="representative_links"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="representative_links"
    )
    is_main_contact = models.BooleanField(_("main contact"), default=False)
    role = models.CharField(_("role in the network"), max_length=120, blank=True)

    class Meta:
        verbose_name = _("representative")
        verbose_name_plural = _("representatives")
        constraints = [
            models.UniqueConstraint(fields=["network", "user"], name="unique_representative"),
            models.UniqueConstraint(
                fields=["network"],
                condition=models.Q(is_main_contact=True),
                name="one_main_contact_per_network",
            ),
        ]

    def __str__(self):
        return f"{self.user} — {self.network}"
