from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from ensie_portal.accounts import roles
from ensie_portal.core.i18n import LocalisedText, Translated, in_language


class SessionQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=Session.Status.PUBLISHED)

    def visible(self):
        """What the public pages list: published and cancelled sessions (never drafts)."""
        return self.exclude(status=Session.Status.DRAFT)

    def organised_by(self, user):
        """The sessions ``user`` may manage: all for staff, their own for organisers."""
        if roles.is_staff(user):
            return self.all()
        return self.filter(organisers=user)


class Session(models.Model):
    """One online thematic session of the series."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        PUBLISHED = "published", _("published")
        CANCELLED = "cancelled", _("cancelled")

    number = models.PositiveIntegerField(_("number in the series"), unique=True)
    # What organisers write for the public is in English and French (one title at least): pages,
    # emails and calendars show the version in their language, else the other one, marked with
    # its language (``text_for``; WCAG 3.1.2).
    title_en = models.CharField(_("title (English)"), max_length=255, blank=True)
    title_fr = models.CharField(_("title (French)"), max_length=255, blank=True)
    slug = models.SlugField(_("slug"), max_length=255, unique=True)
    summary_en = models.TextField(_("summary (English)"), blank=True)
    summary_fr = models.TextField(_("summary (French)"), blank=True)
    description_en = models.TextField(
        _("description (English)"), blank=True, help_text=_("Markdown: paragraphs, lists, links.")
    )
    description_fr = models.TextField(
        _("description (French)"), blank=True, help_text=_("Markdown: paragraphs, lists, links.")
    )
    discussion_points_en = models.TextField(
        _("points of discussion (English)"), blank=True, help_text=_("One point per line.")
    )
    discussion_points_fr = models.TextField(
        _("points of discussion (French)"), blank=True, help_text=_("One point per line.")
    )
    format_en = models.TextField(_("format (English)"), blank=True)
    format_fr = models.TextField(_("format (French)"), blank=True)
    starts_at = models.DateTimeField(_("start"))
    ends_at = models.DateTimeField(_("end"))
    platform = models.CharField(_("platform"), max_length=120, blank=True)
    access_note_en = models.TextField(_("access note (English)"), blank=True)
    access_note_fr = models.TextField(_("access note (French)"), blank=True)
    # Secret: only ever sent by email to confirmed registrants, never shown on a page.
    participation_link = models.URLField(_("participation link"), max_length=500, blank=True)
    # Bumped each time the link is set or changed; the emails' idempotency keys include it.
    link_version = models.PositiveIntegerField(_("link version"), default=0, editable=False)
    # The SEQUENCE of the session's calendar event: raised each time the start or the end moves
    # and when the session is cancelled, so calendars replace their copy. The emails telling
    # registrants of a new time are keyed by it (once per change).
    calendar_sequence = models.PositiveIntegerField(
        _("calendar sequence"), default=0, editable=False
    )
    capacity = models.PositiveIntegerField(
        _("capacity"), null=True, blank=True, help_text=_("Leave empty for no limit.")
    )
    partners = models.TextField(
        _("partner organisations"), blank=True, help_text=_("One per line.")
    )
    organisers = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        related_name="organised_sessions",
        blank=True,
        verbose_name=_("organisers"),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    cancellation_note_en = models.TextField(_("cancellation note (English)"), blank=True)
    cancellation_note_fr = models.TextField(_("cancellation note (French)"), blank=True)
    materials_en = models.TextField(
        _("materials (English)"),
        blank=True,
        help_text=_("After the event: Markdown, links to slides."),
    )
    materials_fr = models.TextField(
        _("materials (French)"),
        blank=True,
        help_text=_("After the event: Markdown, links to slides."),
    )
    recording_url = models.URLField(_("recording link"), max_length=500, blank=True)
    anonymised_at = models.DateTimeField(_("registrants anonymised"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = SessionQuerySet.as_manager()

    # The texts in English and French (``<name>_en``, ``<name>_fr``).
    TRANSLATED_FIELDS = (
        "title",
        "summary",
        "description",
        "discussion_points",
        "format",
        "access_note",
        "cancellation_note",
        "materials",
    )
    # Each in the language being rendered, else the other: a LocalisedText, which knows its
    # language (``{{ session.title|lang_span }}``, ``<div{{ session.description|lang_attr }}>``).
    title = Translated()
    summary = Translated()
    description = Translated()
    discussion_points = Translated()
    format = Translated()
    access_note = Translated()
    cancellation_note = Translated()
    materials = Translated()

    class Meta:
        verbose_name = _("session")
        verbose_name_plural = _("sessions")
        ordering = ["-starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="session_ends_after_start"
            ),
            models.CheckConstraint(
                condition=~Q(title_en="") | ~Q(title_fr=""), name="session_has_a_title"
            ),
        ]

    def __str__(self):
        return f"{self.number}. {self.title}"

    def get_absolute_url(self):
        return reverse("sessions_app:detail", kwargs={"slug": self.slug})

    def text_for(self, name: str, language: str | None = None) -> LocalisedText:
        """Text ``name`` (one of TRANSLATED_FIELDS) in ``language`` (default: the language being
        rendered) or, when it has none, in the other one, with the language it is written in."""
        return in_language(
            {code: getattr(self, f"{name}_{code}") for code, _name in settings.LANGUAGES},
            language,
        )

    @property
    def titles(self) -> list[str]:
        """Every version of the title (an email request may name the session by either)."""
        return [title for title in (self.title_en, self.title_fr) if title]

    @property
    def local_start(self):
        return timezone.localtime(self.starts_at, ZoneInfo(settings.TIME_ZONE))

    @property
    def local_end(self):
        return timezone.localtime(self.ends_at, ZoneInfo(settings.TIME_ZONE))

    @property
    def partner_list(self) -> list[str]:
        return [line.strip() for line in self.partners.splitlines() if line.strip()]

    @property
    def discussion_point_list(self) -> list[str]:
        return [
            line.strip(" -*\t")
            for line in self.discussion_points.splitlines()
            if line.strip(" -*\t")
        ]

    def has_started(self, now=None) -> bool:
        return (now or timezone.now()) >= self.starts_at

    def has_ended(self, now=None) -> bool:
        return (now or timezone.now()) >= self.ends_at


class Speaker(models.Model):
    session = models.ForeignKey(
        Session, on_delete=models.CASCADE, related_name="speakers", verbose_name=_("session")
    )
    name = models.CharField(_("name"), max_length=200)
    role = models.CharField(_("role"), max_length=200, blank=True)
    organisation = models.CharField(_("organisation"), max_length=255, blank=True)
    country = CountryField(_("country"), blank=True)
    biography = models.TextField(_("biography"), blank=True)
    # The role and biography are written in one language; pages in the other mark them.
    language = models.CharField(
        _("language of the role and biography"),
        max_length=8,
        choices=settings.LANGUAGES,
        default="en",
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("speaker")
        verbose_name_plural = _("speakers")
        ordering = ["order", "pk"]

    def __str__(self):
        return self.name


class Registration(models.Model):
    """A person's registration to a session (no account needed).

    Only a confirmed registration holds a seat; the waiting list is ordered by confirmation time.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("awaiting confirmation")
        CONFIRMED = "confirmed", _("confirmed")
        WAITING = "waiting", _("on the waiting list")
        CANCELLED = "cancelled", _("cancelled")

    # Told when the session's time changes: people holding a seat or waiting for one. Pending
    # registrations are left out on purpose: their address is not confirmed (double opt-in),
    # and whatever they open next (the confirmation page, the emails after it) shows the new
    # time.
    RESCHEDULE_NOTIFIED = (Status.CONFIRMED, Status.WAITING)

    class Source(models.TextChoices):
        WEB = "web", _("web form")
        EMAIL = "email", _("email request")
        ORGANISER = "organiser", _("added by an organiser")

    session = models.ForeignKey(
        Session, on_delete=models.CASCADE, related_name="registrations", verbose_name=_("session")
    )
    name = models.CharField(_("name"), max_length=200)
    email = models.EmailField(_("email address"), blank=True)
    organisation = models.CharField(_("organisation"), max_length=255, blank=True)
    country = CountryField(_("country"), blank=True)
    question = models.TextField(_("question for the speakers"), blank=True)
    language = models.CharField(_("language"), max_length=8, default="en")
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    source = models.CharField(
        _("source"), max_length=10, choices=Source.choices, default=Source.WEB
    )
    vouched_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("vouched for by"),
    )
    vouched_at = models.DateTimeField(_("vouched for on"), null=True, blank=True)
    # The organiser who registered this person (vouching or not): their emails say so.
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("registered by"),
    )
    consent_at = models.DateTimeField(_("consent given"), null=True, blank=True)
    created_at = models.DateTimeField(_("registered"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    # Set when the registrant confirms; orders the waiting list.
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True)
    # How many confirmation emails were sent (each re-send is a new outbox row).
    confirmation_count = models.PositiveSmallIntegerField(default=0, editable=False)
    # The session's link version last emailed to this registrant (0: none yet).
    link_version_sent = models.PositiveIntegerField(default=0, editable=False)
    link_resend_count = models.PositiveSmallIntegerField(default=0, editable=False)
    # How many times a cancelled registration was opened again; part of the emails' keys, so
    # that a new round gets its emails again.
    round = models.PositiveSmallIntegerField(default=0, editable=False)
    reminded_24h_at = models.DateTimeField(_("24-hour reminder sent"), null=True, blank=True)
    reminded_1h_at = models.DateTimeField(_("1-hour reminder sent"), null=True, blank=True)
    attended = models.BooleanField(_("attended"), default=False)
    anonymised_at = models.DateTimeField(_("anonymised"), null=True, blank=True)

    class Meta:
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "email"],
                condition=~Q(email=""),
                name="registration_one_per_email",
            )
        ]
        indexes = [models.Index(fields=["session", "status"], name="registration_session_status")]

    def __str__(self):
        return f"{self.name} <{self.email}>"

    def mail_key(self, name: str, *details) -> str:
        """The outbox key of message ``name`` about this registration, in its current round:
        ``sessions:<name>:<pk>[:<detail>...][:r<round>]``."""
        parts = ["sessions", name, str(self.pk), *map(str, details)]
        if self.round:
            parts.append(f"r{self.round}")
        return ":".join(parts)


class InboundEmail(models.Model):
    """An email asking for a registration, as the mailbox received it (one per message: its
    Message-ID).

    Matched to an open session, it is handled like a web registration at once; otherwise it
    waits for an organiser (unassigned: it names no session; pending: a session, but it could
    not be handled automatically), is answered and rejected (closed, cancelled or unknown
    session), or ignored (bounces, auto-replies, mailing lists: never answered). A sender who
    was already answered automatically as often as ``SESSIONS_INBOUND_ANSWER_LIMIT`` allows in
    24 hours gets no more answers: the email is kept, rate limited, for an organiser.
    """

    class Status(models.TextChoices):
        UNASSIGNED = "unassigned", _("unassigned")
        PENDING = "pending", _("waiting for an organiser")
        ACCEPTED = "accepted", _("accepted")
        REJECTED = "rejected", _("rejected")
        IGNORED = "ignored", _("ignored")
        LIMITED = "limited", _("rate limited")

    # Still to be handled by an organiser (the queue shows these by default).
    OPEN_STATUSES = (Status.UNASSIGNED, Status.PENDING, Status.LIMITED)

    class Kind(models.TextChoices):
        REQUEST = "request", _("request")
        AUTOMATIC = "automatic", _("automatic message")
        MALFORMED = "malformed", _("unreadable message")

    message_id = models.CharField(_("Message-ID"), max_length=255, unique=True)
    sender = models.EmailField(_("sender"), blank=True)
    sender_name = models.CharField(_("sender's name"), max_length=150, blank=True)
    subject = models.CharField(_("subject"), max_length=500, blank=True)
    text = models.TextField(_("text"), blank=True)
    language = models.CharField(_("language"), max_length=8, default="en")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    session = models.ForeignKey(
        Session,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="inbound_emails",
        verbose_name=_("session"),
    )
    # The session number the message named, even when no such session exists.
    named_number = models.PositiveIntegerField(_("session number named"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, db_index=True)
    reason = models.TextField(_("reason"), blank=True)
    registration = models.ForeignKey(
        Registration,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("registration"),
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided on"), null=True, blank=True)
    # When the portal answered it by itself (a confirmation link or a refusal): the per-sender
    # limit counts these.
    answered_at = models.DateTimeField(_("answered automatically"), null=True, blank=True)
    received_at = models.DateTimeField(_("received"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    # When its personal content (sender, name, subject, text, note) was erased.
    erased_at = models.DateTimeField(_("personal data erased"), null=True, blank=True)

    class Meta:
        verbose_name = _("email request")
        verbose_name_plural = _("email requests")
        ordering = ["-received_at", "-pk"]
        indexes = [
            models.Index(
                fields=["sender", "answered_at"],
                condition=Q(answered_at__isnull=False),
                name="inbound_sender_answered",
            )
        ]

    def __str__(self):
        return f"{self.sender or '?'}: {self.subject}"

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES
