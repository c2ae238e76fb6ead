import uuid

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from ensie_portal.core.storage import private_storage


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


# --- Adhesion criteria (Art. 6 of the Statutes) ---------------------------------------------


class Criterion(models.TextChoices):
    """Art. 6 of ENSIE's Statutes, one line per point the Board checks."""

    LEGAL_ENTITY = "legal_entity", _("Be a legal entity")
    HEAD_OFFICE_EUROPE = "head_office_europe", _("Have its head office based in Europe")
    SSE_PRIMACY_OF_PEOPLE = (
        "sse_primacy_of_people",
        _("Primacy of people and of social over the capital"),
    )
    SSE_OPEN_MEMBERSHIP = "sse_open_membership", _("Voluntary and open membership")
    SSE_DEMOCRATIC_GOVERNANCE = (
        "sse_democratic_governance",
        _("Democratic governance (except for foundations, which do not have one)"),
    )
    SSE_GENERAL_INTEREST = (
        "sse_general_interest",
        _("The combination of the interest of members/users and/or society (general interest)"),
    )
    SSE_SOLIDARITY = (
        "sse_solidarity",
        _("The promotion and application of the principle of solidarity and responsibility"),
    )
    SSE_AUTONOMY = (
        "sse_autonomy",
        _("Autonomous management and independence from public authorities"),
    )
    SSE_REINVESTMENT = (
        "sse_reinvestment",
        _(
            "Reinvestment of most of the profits/surpluses to carry out sustainable development "
            "objectives, services of interest to members and of general interest"
        ),
    )
    WISE_INTEGRATION = (
        "wise_integration",
        _(
            "The sustainable or temporary social and professional integration of individuals "
            "who due to their exclusion and their relegation to a marginal role in society have "
            "fallen victim to increasing social and professional handicaps"
        ),
    )
    WISE_ECONOMIC_SYSTEM = (
        "wise_economic_system",
        _(
            "The choice to carry out their activities within the economic system, which often "
            "plays an important role in the phenomenon of exclusion"
        ),
    )
    WISE_PEDAGOGY = (
        "wise_pedagogy",
        _(
            "A strong pedagogical dimension, in particular through the implementation of "
            "educational programs designed for the development of individual potential (at "
            "professional and in its participation in society) within the enterprise"
        ),
    )
    ADHERENCE = (
        "adherence",
        _(
            "Adhere to the statutes, the Network's Declaration of Association and the internal "
            "rules"
        ),
    )


# The criteria in the order of Art. 6, grouped as the Statutes group them.
CRITERIA_GROUPS: list[tuple[str, list[Criterion]]] = [
    ("", [Criterion.LEGAL_ENTITY, Criterion.HEAD_OFFICE_EUROPE]),
    (
        _(
            "Belong to the Social and Solidarity Economy and respect its 7 criteria as defined "
            "by Social Economy Europe:"
        ),
        [
            Criterion.SSE_PRIMACY_OF_PEOPLE,
            Criterion.SSE_OPEN_MEMBERSHIP,
            Criterion.SSE_DEMOCRATIC_GOVERNANCE,
            Criterion.SSE_GENERAL_INTEREST,
            Criterion.SSE_SOLIDARITY,
            Criterion.SSE_AUTONOMY,
            Criterion.SSE_REINVESTMENT,
        ],
    ),
    (
        _(
            "Represent or have for objective the creation of a network of actors of the social "
            "economy representing work integration social enterprises whose identifying "
            "principles are:"
        ),
        [Criterion.WISE_INTEGRATION, Criterion.WISE_ECONOMIC_SYSTEM, Criterion.WISE_PEDAGOGY],
    ),
    ("", [Criterion.ADHERENCE]),
]


# Art. 6: "have its head office based in Europe". The Council of Europe's member states and
# Kosovo by default; settings.ENSIE_EUROPE_COUNTRIES replaces the list.
DEFAULT_EUROPE_COUNTRIES = (
    "AD AL AM AT AZ BA BE BG CH CY CZ DE DK EE ES FI FR GB GE GR HR HU IE IS IT LI LT LU LV MC "
    "MD ME MK MT NL NO PL PT RO RS SE SI SK SM TR UA XK"
).split()


def europe_countries() -> frozenset[str]:
    return frozenset(getattr(settings, "ENSIE_EUROPE_COUNTRIES", DEFAULT_EUROPE_COUNTRIES))


# --- The adhesion application ---------------------------------------------------------------


class ApplicationQuerySet(models.QuerySet):
    def open(self):
        return self.filter(status__in=Application.OPEN_STATES)

    def for_representative(self, user):
        if not user.is_authenticated:
            return self.none()
        return self.filter(network__representative_links__user=user)


def application_upload_to(instance, filename: str) -> str:
    return f"applications/{instance.pk or 'new'}/{uuid.uuid4().hex}.pdf"


class Application(models.Model):
    """A network's request to join ENSIE, from its expression of interest to the vote."""

    class Status(models.TextChoices):
        INTEREST = "interest", _("interest expressed")
        MEETING_SCHEDULED = "meeting_scheduled", _("meeting scheduled")
        MEETING_HELD = "meeting_held", _("meeting held")
        REQUEST_SUBMITTED = "request_submitted", _("request submitted")
        UNDER_REVIEW = "under_review", _("under review by the Board")
        CHANGES_REQUESTED = "changes_requested", _("changes requested")
        ELIGIBLE = "eligible", _("eligible")
        NOT_ELIGIBLE = "not_eligible", _("not eligible")
        ON_AGENDA = "on_agenda", _("on the General Assembly agenda")
        ADMITTED = "admitted", _("admitted")
        REJECTED = "rejected", _("rejected")
        WITHDRAWN = "withdrawn", _("withdrawn")

    OPEN_STATES = [
        Status.INTEREST,
        Status.MEETING_SCHEDULED,
        Status.MEETING_HELD,
        Status.REQUEST_SUBMITTED,
        Status.UNDER_REVIEW,
        Status.CHANGES_REQUESTED,
        Status.ELIGIBLE,
        Status.ON_AGENDA,
    ]
    # States in which the applicant fills in the reasoned request.
    EDITABLE_STATES = [Status.MEETING_HELD, Status.CHANGES_REQUESTED]

    network = models.ForeignKey(
        Network, on_delete=models.CASCADE, related_name="applications", verbose_name=_("network")
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.INTEREST, db_index=True
    )

    # Step 1: expression of interest (the contact is empty once erased).
    contact_name = models.CharField(_("contact name"), max_length=200, blank=True)
    contact_email = models.EmailField(_("contact email"), blank=True)
    message = models.TextField(_("message"), blank=True)

    # Step 2: the online institutional meeting.
    meeting_at = models.DateTimeField(_("meeting date and time"), null=True, blank=True)
    meeting_duration_minutes = models.PositiveSmallIntegerField(
        _("meeting duration (minutes)"), default=60
    )
    meeting_link = models.URLField(_("video link"), blank=True)
    meeting_sequence = models.PositiveSmallIntegerField(default=0, editable=False)
    meeting_notes = models.TextField(_("meeting notes"), blank=True)

    # Step 3: the reasoned request: identity sheet (Art. 7 of the Statutes) ...
    legal_name = models.CharField(_("legal name"), max_length=255, blank=True)
    legal_form = models.CharField(_("legal form"), max_length=120, blank=True)
    registration_number = models.CharField(_("registration number"), max_length=120, blank=True)
    head_office_address = models.TextField(_("head office address"), blank=True)
    head_office_country = CountryField(_("head office country"), blank=True)
    date_founded = models.DateField(_("date founded"), null=True, blank=True)
    wise_count = models.PositiveIntegerField(_("number of member WISEs"), null=True, blank=True)
    sectors = models.TextField(_("sectors of activity"), blank=True)
    regions_covered = models.TextField(_("countries or regions covered"), blank=True)
    representatives_info = models.TextField(_("representatives"), blank=True)
    website = models.URLField(_("website"), blank=True)
    # ... its letters, kept in the private storage ...
    motivation_letter = models.FileField(
        _("motivation letter"), upload_to=application_upload_to, storage=private_storage, blank=True
    )
    statutes = models.FileField(
        _("statutes"), upload_to=application_upload_to, storage=private_storage, blank=True
    )
    # The name each file had on the applicant's computer and when it was uploaded (shown beside
    # the form's file inputs; the stored name is random).
    motivation_letter_name = models.CharField(
        _("motivation letter file name"), max_length=255, blank=True
    )
    motivation_letter_uploaded_at = models.DateTimeField(
        _("motivation letter uploaded"), null=True, blank=True
    )
    statutes_name = models.CharField(_("statutes file name"), max_length=255, blank=True)
    statutes_uploaded_at = models.DateTimeField(_("statutes uploaded"), null=True, blank=True)
    # ... its declarations and the assembly it wants to be presented at.
    adheres_to_statutes = models.BooleanField(_("adheres to ENSIE's statutes"), default=False)
    adheres_to_declaration = models.BooleanField(
        _("adheres to the Network's Declaration of Association"), default=False
    )
    adheres_to_internal_rules = models.BooleanField(
        _("adheres to the internal rules"), default=False
    )
    assembly = models.ForeignKey(
        "assemblies.GeneralAssembly",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="applications",
        verbose_name=_("General Assembly"),
    )
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)

    # Step 4: what the Board tells the applicant (its internal notes are BoardNote rows).
    board_message = models.TextField(_("message from the Board"), blank=True)
    decided_at = models.DateTimeField(_("Board decision"), null=True, blank=True)
    # Step 5: the outcome of the vote.
    voted_on = models.DateField(_("voted on"), null=True, blank=True)

    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    # When the contact's personal data (and, once closed, the documents) were erased.
    personal_data_erased_at = models.DateTimeField(_("personal data erased"), null=True, blank=True)

    objects = ApplicationQuerySet.as_manager()

    class Meta:
        verbose_name = _("adhesion application")
        verbose_name_plural = _("adhesion applications")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["network"],
                condition=models.Q(
                    status__in=[
                        "interest",
                        "meeting_scheduled",
                        "meeting_held",
                        "request_submitted",
                        "under_review",
                        "changes_requested",
                        "eligible",
                        "on_agenda",
                    ]
                ),
                name="one_open_application_per_network",
            ),
        ]

    def __str__(self):
        return _("Application of %(network)s") % {"network": self.network}

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATES

    @property
    def is_editable(self) -> bool:
        return self.status in self.EDITABLE_STATES


class CriterionAssessment(models.Model):
    """The Board's finding on one Art. 6 criterion for one application (internal)."""

    class Result(models.TextChoices):
        MET = "met", _("met")
        NOT_MET = "not_met", _("not met")
        UNCLEAR = "unclear", _("unclear")

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="assessments"
    )
    criterion = models.CharField(_("criterion"), max_length=40, choices=Criterion.choices)
    result = models.CharField(_("result"), max_length=10, choices=Result.choices)
    note = models.TextField(_("note"), blank=True)
    assessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("criterion assessment")
        verbose_name_plural = _("criterion assessments")
        constraints = [
            models.UniqueConstraint(
                fields=["application", "criterion"], name="one_assessment_per_criterion"
            ),
        ]

    def __str__(self):
        return f"{self.get_criterion_display()}: {self.get_result_display()}"


class BoardNote(models.Model):
    """An internal note of the Board on an application; never shown to the applicant."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    text = models.TextField(_("internal note"))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("internal Board note")
        verbose_name_plural = _("internal Board notes")
        ordering = ["created_at"]

    def __str__(self):
        return self.text[:60]


# --- Documents on the join page -------------------------------------------------------------


class JoinDocument(models.Model):
    """A public document offered on the join page, in one language (managed by staff)."""

    class Kind(models.TextChoices):
        WHY_JOIN = "why_join", _("Why join ENSIE?")
        INTERNAL_REGULATIONS = "internal_regulations", _("Internal regulations")
        STATUTES = "statutes", _("Statutes")

    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES)
    title = models.CharField(_("title"), max_length=200)
    file = models.FileField(_("file"), upload_to="join-documents/")
    is_published = models.BooleanField(_("published"), default=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("join page document")
        verbose_name_plural = _("join page documents")
        ordering = ["kind", "language"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "language"], name="one_document_per_language"),
        ]

    def __str__(self):
        return f"{self.title} ({self.language})"

    def get_absolute_url(self):
        name = f"{self.kind.replace('_', '-')}-{self.language}"
        return reverse("networks:join_document", kwargs={"pk": self.pk, "name": name})


# --- Fees (Art. 2 of the internal regulations) ----------------------------------------------


class FeeScheduleQuerySet(models.QuerySet):
    def for_year(self, year: int):
        """The schedule in force in ``year``: that year's, else the latest before it."""
        return self.filter(year__lte=year).order_by("-year").first()


class FeeSchedule(models.Model):
    """The annual fees of one year: country groups x bands of member-WISE counts."""

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    is_example = models.BooleanField(
        _("example figures"),
        default=False,
        help_text=_("Shown with a warning that the amounts are an example, not ENSIE's fees."),
    )
    notes = models.TextField(_("notes"), blank=True)

    objects = FeeScheduleQuerySet.as_manager()

    class Meta:
        verbose_name = _("fee schedule")
        verbose_name_plural = _("fee schedules")
        ordering = ["-year"]

    def __str__(self):
        return _("Fee schedule %(year)s") % {"year": self.year}


class CountryGroup(models.Model):
    """A group of countries paying the same fees; one group may take every unlisted country."""

    schedule = models.ForeignKey(FeeSchedule, on_delete=models.CASCADE, related_name="groups")
    name = models.CharField(_("name"), max_length=100)
    countries = CountryField(_("countries"), multiple=True, blank=True)
    is_default = models.BooleanField(
        _("every other country"),
        default=False,
        help_text=_("Countries listed in no other group belong to this one."),
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("country group")
        verbose_name_plural = _("country groups")
        ordering = ["position", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["schedule"],
                condition=models.Q(is_default=True),
                name="one_default_country_group_per_schedule",
            ),
        ]

    def __str__(self):
        return self.name


class FeeBand(models.Model):
    """A range of member-WISE counts, from ``min_wises`` to ``max_wises`` included."""

    schedule = models.ForeignKey(FeeSchedule, on_delete=models.CASCADE, related_name="bands")
    min_wises = models.PositiveIntegerField(_("from (WISEs)"))
    max_wises = models.PositiveIntegerField(
        _("to (WISEs)"), null=True, blank=True, help_text=_("Empty: no upper limit.")
    )

    class Meta:
        verbose_name = _("band of WISE counts")
        verbose_name_plural = _("bands of WISE counts")
        ordering = ["min_wises"]
        constraints = [
            models.UniqueConstraint(fields=["schedule", "min_wises"], name="unique_band_start"),
        ]

    def __str__(self):
        if self.max_wises is None:
            return _("%(min)s WISEs or more") % {"min": self.min_wises}
        return _("%(min)s to %(max)s WISEs") % {"min": self.min_wises, "max": self.max_wises}

    def contains(self, count: int) -> bool:
        return count >= self.min_wises and (self.max_wises is None or count <= self.max_wises)


class FeeAmount(models.Model):
    """The annual fee in euros for one country group and one band."""

    band = models.ForeignKey(FeeBand, on_delete=models.CASCADE, related_name="amounts")
    group = models.ForeignKey(CountryGroup, on_delete=models.CASCADE, related_name="amounts")
    amount = models.DecimalField(
        _("annual fee (EUR)"), max_digits=9, decimal_places=2, validators=[MinValueValidator(0)]
    )

    class Meta:
        verbose_name = _("fee amount")
        verbose_name_plural = _("fee amounts")
        constraints = [
            models.UniqueConstraint(fields=["band", "group"], name="one_amount_per_band_and_group"),
        ]

    def __str__(self):
        return f"{self.group} / {self.band}: {self.amount} EUR"


class MembershipFee(models.Model):
    """What a member network owes for one year, and when it paid (Art. 15: payers vote)."""

    network = models.ForeignKey(
        Network, on_delete=models.CASCADE, related_name="fees", verbose_name=_("network")
    )
    year = models.PositiveSmallIntegerField(_("year"))
    amount_due = models.DecimalField(
        _("amount due (EUR)"),
        max_digits=9,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("Empty when no fee schedule covers the network's country and size."),
    )
    paid_on = models.DateField(_("paid on"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=255, blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("membership fee")
        verbose_name_plural = _("membership fees")
        ordering = ["-year", "network__legal_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["network", "year"], name="one_fee_per_network_and_year"
            ),
        ]

    def __str__(self):
        return f"{self.network} {self.year}"

    @property
    def is_paid(self) -> bool:
        return self.paid_on is not None
