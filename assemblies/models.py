"""The General Assembly: the meeting, its agenda, convocations, attendance and votes.

One row per network per agenda item (``Vote``), guarded by a unique constraint: a network never
counts twice however many requests arrive. The outcome of a closed item is stored on the item
(totals, per-country breakdown, quorum), computed by the pure rules in ``assemblies.voting``.

The tables were created by the ``networks`` app and moved here (``networks`` migrations 0010
and 0011, ``assemblies`` 0001) with their rows and content types.
"""

import datetime
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_countries.fields import Country

from ensie_portal.accounts import roles
from ensie_portal.core.i18n import format_when
from networks.models import Application, Network

from . import voting


class GeneralAssemblyQuerySet(models.QuerySet):
    def upcoming(self, *, today):
        return self.filter(date__gte=today).exclude(status=GeneralAssembly.Status.CLOSED)


class GeneralAssembly(models.Model):
    """A meeting of ENSIE's General Assembly, where members vote on adhesions and motions."""

    class Status(models.TextChoices):
        PLANNED = "planned", _("planned")
        CONVENED = "convened", _("convened")
        IN_SESSION = "in_session", _("in session")
        CLOSED = "closed", _("closed")

    title = models.CharField(_("title"), max_length=200)
    # Staff write the title in one language; pages in the other mark it (WCAG 3.1.2).
    language = models.CharField(
        _("language of the title"),
        max_length=8,
        choices=settings.LANGUAGES,
        default="en",
        help_text=_("The language the title is written in."),
    )
    date = models.DateField(_("date"), db_index=True)
    start_time = models.TimeField(_("start time"), null=True, blank=True)
    place = models.CharField(_("place"), max_length=255, blank=True)
    online_link = models.URLField(_("online link"), blank=True)
    chair = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="chaired_assemblies",
        verbose_name=_("chair"),
    )
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.PLANNED, db_index=True
    )
    # The vote (issue 6): share of the eligible countries that must be present.
    quorum_share = models.DecimalField(
        _("quorum (share of eligible countries present)"),
        max_digits=3,
        decimal_places=2,
        default=Decimal("0.50"),
        validators=[MinValueValidator(Decimal("0.01")), MaxValueValidator(Decimal("1"))],
    )
    # The session opens on the assembly's day; staff may allow another day, with a reason
    # (assemblies.services.assembly_session_override, audited). Not edited in the admin.
    session_override_reason = models.TextField(
        _("reason for opening the session on another day"), blank=True, editable=False
    )
    session_override_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        verbose_name=_("allowed by"),
    )
    session_override_at = models.DateTimeField(
        _("allowed on"), null=True, blank=True, editable=False
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = GeneralAssemblyQuerySet.as_manager()

    class Meta:
        verbose_name = _("General Assembly")
        verbose_name_plural = _("General Assemblies")
        ordering = ["date"]

    def __str__(self):
        return f"{self.title} ({format_when(self.date, 'short_date')})"

    def clean(self):
        super().clean()
        if self.chair_id is not None and not roles.may_chair(self.chair):
            raise ValidationError(
                {
                    "chair": _(
                        "The chair must be a Board member or staff: %(name)s is neither. "
                        "Choose another person, or add them to the Board group first."
                    )
                    % {"name": self.chair}
                }
            )

    @property
    def submission_deadline(self) -> datetime.date:
        """The last day a reasoned request may be submitted for this assembly."""
        return self.date - datetime.timedelta(days=REQUEST_DAYS_BEFORE_ASSEMBLY)


# A reasoned request reaches the President of the Board at least two weeks before the assembly.
REQUEST_DAYS_BEFORE_ASSEMBLY = 14


# --- Agenda, convocations, attendance and votes ------------------------------------------


class Majority(models.TextChoices):
    SIMPLE = voting.SIMPLE, _("simple majority (more yes than no)")
    TWO_THIRDS = voting.TWO_THIRDS, _("two-thirds majority")


class Choice(models.TextChoices):
    YES = voting.YES, _("yes")
    NO = voting.NO, _("no")
    ABSTAIN = voting.ABSTAIN, _("abstain")


class Outcome(models.TextChoices):
    ADOPTED = voting.ADOPTED, _("adopted")
    REJECTED = voting.REJECTED, _("rejected")
    NO_QUORUM = voting.NO_QUORUM, _("no quorum")


class AgendaItem(models.Model):
    """A point the assembly votes on: an adhesion application or a free-text motion."""

    class Kind(models.TextChoices):
        ADHESION = "adhesion", _("adhesion of a new member")
        MOTION = "motion", _("motion")

    class VoteState(models.TextChoices):
        NOT_OPEN = "not_open", _("vote not open")
        OPEN = "open", _("vote open")
        CLOSED = "closed", _("vote closed")

    assembly = models.ForeignKey(
        GeneralAssembly,
        on_delete=models.CASCADE,
        related_name="agenda_items",
        verbose_name=_("General Assembly"),
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    application = models.ForeignKey(
        Application,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="agenda_items",
        verbose_name=_("adhesion application"),
    )
    title = models.CharField(_("title"), max_length=255)
    description = models.TextField(_("description"), blank=True)
    # A motion's title and text are written by staff in one language; pages and emails in the
    # other mark them (WCAG 3.1.2). An adhesion's title is the network's name.
    language = models.CharField(
        _("language of the motion"),
        max_length=8,
        choices=settings.LANGUAGES,
        default="en",
        help_text=_("The language the title and text of the motion are written in."),
    )
    majority = models.CharField(
        _("majority"), max_length=12, choices=Majority.choices, default=Majority.SIMPLE
    )
    vote_state = models.CharField(
        _("vote"), max_length=10, choices=VoteState.choices, default=VoteState.NOT_OPEN
    )
    opened_at = models.DateTimeField(_("vote opened"), null=True, blank=True)
    closed_at = models.DateTimeField(_("vote closed"), null=True, blank=True)
    # The result, recorded when the vote closes.
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome.choices, blank=True)
    quorum_met = models.BooleanField(_("quorum met"), null=True, blank=True)
    eligible_countries = models.PositiveSmallIntegerField(_("eligible countries"), default=0)
    present_countries = models.PositiveSmallIntegerField(_("present countries"), default=0)
    totals = models.JSONField(_("totals per choice (countries)"), default=dict, blank=True)
    network_totals = models.JSONField(_("totals per choice (networks)"), default=dict, blank=True)
    country_breakdown = models.JSONField(_("vote of each country"), default=dict, blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("agenda item")
        verbose_name_plural = _("agenda items")
        ordering = ["assembly", "position", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["assembly", "application"],
                condition=models.Q(application__isnull=False),
                name="one_agenda_item_per_application",
            ),
            models.CheckConstraint(
                condition=(models.Q(kind="adhesion") & models.Q(application__isnull=False))
                | (models.Q(kind="motion") & models.Q(application__isnull=True)),
                name="adhesion_items_name_their_application",
            ),
        ]

    def __str__(self):
        return self.title

    @property
    def text_language(self) -> str | None:
        """The language of the title and text to mark on the page: a motion's; None for an
        adhesion (its title is a name)."""
        return self.language if self.kind == self.Kind.MOTION else None

    @property
    def is_open(self) -> bool:
        return self.vote_state == self.VoteState.OPEN

    @property
    def is_closed(self) -> bool:
        return self.vote_state == self.VoteState.CLOSED

    def breakdown(self) -> list[tuple[str, str]]:
        """(country name, its vote) for each voting country, for the results table."""
        labels = {**dict(Choice.choices), voting.BLANK: _("blank (networks disagree)")}
        return sorted(
            (str(Country(code=code).name), str(labels.get(choice, choice)))
            for code, choice in self.country_breakdown.items()
        )

    def totals_rows(self) -> list[tuple[str, int, int | None]]:
        """(choice, countries, networks) in the order yes, no, abstain, blank."""
        labels = {**dict(Choice.choices), voting.BLANK: _("blank (networks disagree)")}
        return [
            (str(labels[choice]), self.totals.get(choice, 0), self.network_totals.get(choice))
            for choice in (voting.YES, voting.NO, voting.ABSTAIN, voting.BLANK)
        ]


class Convocation(models.Model):
    """Staff sent the convocation (with the agenda) to every member network's representatives,
    or, once convened, the agenda again because it changed (an agenda update)."""

    class Kind(models.TextChoices):
        CONVOCATION = "convocation", _("convocation")
        AGENDA_UPDATE = "agenda_update", _("updated agenda")

    assembly = models.ForeignKey(
        GeneralAssembly, on_delete=models.CASCADE, related_name="convocations"
    )
    kind = models.CharField(
        _("kind"), max_length=20, choices=Kind.choices, default=Kind.CONVOCATION
    )
    # The agenda as sent: [{"key": "application:12" | "motion:7", "title": ..., "majority": ...}].
    agenda = models.JSONField(_("agenda as sent"), default=list, blank=True)
    sent_at = models.DateTimeField(_("sent"), auto_now_add=True)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    recipients = models.PositiveIntegerField(_("recipients"), default=0)
    late = models.BooleanField(
        _("less than one month ahead"),
        default=False,
        help_text=_("Sent less than one month before the assembly, with explicit confirmation."),
    )

    class Meta:
        verbose_name = _("convocation")
        verbose_name_plural = _("convocations")
        ordering = ["-sent_at", "-pk"]

    def __str__(self):
        return f"{self.assembly} — {format_when(self.sent_at, 'short_datetime')}"


class Attendance(models.Model):
    """A member network present at an assembly (recorded by the chair or checked in)."""

    assembly = models.ForeignKey(
        GeneralAssembly, on_delete=models.CASCADE, related_name="attendances"
    )
    network = models.ForeignKey(
        Network, on_delete=models.CASCADE, related_name="attendances", verbose_name=_("network")
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    self_checked_in = models.BooleanField(_("checked in by its representative"), default=False)
    arrived_at = models.DateTimeField(_("present since"), auto_now_add=True)

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendances")
        ordering = ["network__country", "network__legal_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["assembly", "network"], name="one_attendance_per_network"
            ),
        ]

    def __str__(self):
        return f"{self.network} @ {self.assembly}"


class Vote(models.Model):
    """The one vote of a network on an agenda item; changed in place until the vote closes."""

    item = models.ForeignKey(AgendaItem, on_delete=models.CASCADE, related_name="votes")
    network = models.ForeignKey(
        Network, on_delete=models.PROTECT, related_name="votes", verbose_name=_("network")
    )
    choice = models.CharField(_("choice"), max_length=8, choices=Choice.choices)
    cast_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("cast by"),
    )
    cast_at = models.DateTimeField(_("cast"))

    class Meta:
        verbose_name = _("vote")
        verbose_name_plural = _("votes")
        ordering = ["item", "network__country", "network__legal_name"]
        constraints = [
            models.UniqueConstraint(fields=["item", "network"], name="one_vote_per_network"),
        ]

    def __str__(self):
        return f"{self.network}: {self.choice}"
