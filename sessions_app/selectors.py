"""Every non-trivial read of the sessions area (templates never query)."""

from collections import defaultdict
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import get_language_info
from django.utils.translation import gettext as _

from ensie_portal.accounts import roles
from ensie_portal.outbox.models import OutgoingMail

from .filters import InboundEmailFilter, RegistrationFilter
from .models import InboundEmail, Registration, Session, Speaker

OPEN = "open"
FULL = "full"
CLOSED = "closed"
CANCELLED = "cancelled"


def _with_counts(queryset):
    return queryset.annotate(
        confirmed_count=Count("registrations", filter=Q(registrations__status="confirmed")),
        waiting_count=Count("registrations", filter=Q(registrations__status="waiting")),
        attended_count=Count("registrations", filter=Q(registrations__attended=True)),
    )


def session_list_public(*, now=None) -> tuple[list[Session], QuerySet[Session]]:
    """Upcoming sessions (soonest first), then past ones (latest first, a queryset to page)."""
    now = now or timezone.now()
    visible = Session.objects.visible().prefetch_related(
        Prefetch("speakers", queryset=Speaker.objects.order_by("order", "pk"))
    )
    upcoming = list(visible.filter(ends_at__gt=now).order_by("starts_at"))
    past = visible.filter(ends_at__lte=now).order_by("-starts_at")
    return upcoming, past


def session_get_public(*, slug: str) -> Session:
    queryset = _with_counts(Session.objects.visible()).prefetch_related(
        Prefetch("speakers", queryset=Speaker.objects.order_by("order", "pk"))
    )
    return get_object_or_404(queryset, slug=slug)


def registration_state(session: Session, *, now=None) -> str:
    """What the page says about registering: open, full (waiting list), closed, cancelled."""
    if session.status == Session.Status.CANCELLED:
        return CANCELLED
    if session.status != Session.Status.PUBLISHED or session.has_started(now):
        return CLOSED
    confirmed = getattr(session, "confirmed_count", None)
    if confirmed is None:
        confirmed = session.registrations.filter(status=Registration.Status.CONFIRMED).count()
    if session.capacity is not None and confirmed >= session.capacity:
        return FULL
    return OPEN


def calendar_sessions(*, now=None) -> list[Session]:
    now = now or timezone.now()
    return list(Session.objects.visible().filter(ends_at__gt=now).order_by("starts_at"))


# --- Organisers ------------------------------------------------------------------------------


def sessions_for_organiser(*, user):
    return _with_counts(Session.objects.organised_by(user)).order_by("-starts_at")


def session_get_for_organiser(*, user, pk: int) -> Session:
    """The session if ``user`` organises it (or is staff); a 404 otherwise."""
    queryset = _with_counts(Session.objects.organised_by(user)).prefetch_related(
        Prefetch("speakers", queryset=Speaker.objects.order_by("order", "pk")), "organisers"
    )
    return get_object_or_404(queryset, pk=pk)


def _in_organised_session(model, *, user, session_pk: int, pk: int):
    """A speaker or a registration of a session ``user`` manages; a 404 otherwise."""
    queryset = model.objects.filter(session__in=Session.objects.organised_by(user))
    return get_object_or_404(queryset.select_related("session"), session_id=session_pk, pk=pk)


def speaker_get_for_organiser(*, user, session_pk: int, pk: int) -> Speaker:
    return _in_organised_session(Speaker, user=user, session_pk=session_pk, pk=pk)


def registration_get_for_organiser(*, user, session_pk: int, pk: int) -> Registration:
    return _in_organised_session(Registration, user=user, session_pk=session_pk, pk=pk)


def registrants_for(*, session: Session, filters=None) -> tuple[QuerySet[Registration], object]:
    """The session's registrants, filtered by ``filters`` (a query dict); returns the filter
    too, for its form."""
    queryset = session.registrations.select_related("vouched_by", "added_by").order_by(
        "created_at", "pk"
    )
    filterset = RegistrationFilter(filters or {}, queryset=queryset)
    return filterset.qs, filterset


def registrants_csv_rows(registrations) -> list[list[str]]:
    """The registrants export: a header, then one row each, in the active language (column
    names, statuses, sources, yes/no), times in Brussels time to the minute."""
    zone = ZoneInfo(settings.TIME_ZONE)

    def local(moment) -> str:
        # For spreadsheets: "2027-01-07 10:00", the same in every language.
        if not moment:
            return ""
        return timezone.localtime(moment, zone).replace(tzinfo=None).isoformat(" ", "minutes")

    def language(code) -> str:
        try:
            return get_language_info(code)["name_translated"]
        except KeyError:
            return code

    rows = [
        [
            _("Name"),
            _("Email address"),
            _("Organisation"),
            _("Country"),
            _("Language of the emails"),
            _("Status"),
            _("Source"),
            _("Registered (Brussels time)"),
            _("Confirmed (Brussels time)"),
            _("Attended"),
            _("Registered by"),
            _("Question for the speakers"),
        ]
    ]
    rows.extend(
        [
            registration.name,
            registration.email,
            registration.organisation,
            registration.country.name if registration.country else "",
            language(registration.language),
            registration.get_status_display(),
            registration.get_source_display(),
            local(registration.created_at),
            local(registration.confirmed_at),
            _("yes") if registration.attended else _("no"),
            str(registration.added_by) if registration.added_by else "",
            registration.question,
        ]
        for registration in registrations
    )
    return rows


def reschedule_notified_count(*, session: Session) -> int:
    """How many registrants a change of the session's time is emailed to."""
    return session.registrations.filter(status__in=Registration.RESCHEDULE_NOTIFIED).count()


def with_email_deliveries(registrations) -> list[Registration]:
    """Attach to each registration its emails (subject, status, time), in one query."""
    registrations = list(registrations)
    by_id = defaultdict(list)
    if registrations:
        mails = OutgoingMail.objects.filter(
            related_type=ContentType.objects.get_for_model(Registration),
            related_id__in=[str(r.pk) for r in registrations],
        ).only(
            "related_id",
            "subject",
            "status",
            "created_at",
            "sent_at",
            "last_error",
            "key",
            "purged_at",
        )
        for mail in mails.order_by("created_at", "pk"):
            by_id[mail.related_id].append(mail)
    for registration in registrations:
        registration.deliveries = by_id[str(registration.pk)]
    return registrations


# --- Inbound emails --------------------------------------------------------------------------


def _inbound_visible_to(user):
    queryset = InboundEmail.objects.select_related("session", "registration", "decided_by")
    if roles.is_staff(user):
        return queryset
    return queryset.filter(
        Q(session__isnull=True) | Q(session__in=Session.objects.organised_by(user))
    )


def inbound_emails_for_organiser(*, user, filters=None):
    """The inbound emails ``user`` may handle: staff all; an organiser their sessions' ones and the
    unassigned ones. Filtered by ``filters`` (default: those still to handle)."""
    filters = filters.copy() if filters is not None else {}
    if "show" not in filters:
        filters["show"] = InboundEmailFilter.OPEN
    queryset = _inbound_visible_to(user).order_by("-received_at", "-pk")
    filterset = InboundEmailFilter(filters, queryset=queryset)
    return filterset.qs, filterset


def inbound_email_get_for_organiser(*, user, pk: int):
    return get_object_or_404(_inbound_visible_to(user), pk=pk)


def sessions_open_for_organiser(*, user, now=None):
    """The sessions an organiser can put requests or attendees into: published, not started."""
    now = now or timezone.now()
    return (
        Session.objects.organised_by(user)
        .published()
        .filter(starts_at__gt=now)
        .order_by("starts_at")
    )
