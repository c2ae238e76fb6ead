from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from ensie_portal.core.admin import URLS_ASSUME_HTTPS, WorkflowRecordAdmin

from .models import InboundEmail, Registration, Session, Speaker
from .services import session_update


class SpeakerInline(admin.TabularInline):
    model = Speaker
    extra = 0


@admin.register(Session)
class SessionAdmin(WorkflowRecordAdmin):
    list_display = ["number", "title", "starts_at", "status", "capacity"]
    list_filter = ["status"]
    search_fields = ["title_en", "title_fr", "slug"]
    prepopulated_fields = {"slug": ["title_en"]}
    filter_horizontal = ["organisers"]
    inlines = [SpeakerInline]
    # The link is secret (never on a page) and changes through the organisers' page, which
    # emails it to the registrants.
    exclude = ["participation_link"]
    formfield_overrides = URLS_ASSUME_HTTPS
    # Publishing, cancelling (emails) and the capacity (the waiting list moves up) change on
    # the organisers' page, through the services.
    readonly_fields = [
        "status",
        "cancellation_note_en",
        "cancellation_note_fr",
        "capacity",
        "link_version",
        "calendar_sequence",
        "anonymised_at",
        "organisers_page",
    ]

    @admin.display(description=_("Workflow"))
    def organisers_page(self, obj):
        if not obj.pk:
            return _("Publish the session, set its capacity and link on its organisers' page.")
        url = reverse("sessions_app:manage_detail", args=[obj.pk])
        return format_html(
            '<a href="{}">{}</a>',
            url,
            _("Publish, cancel, capacity and participation link: the organisers' page"),
        )

    def deletable(self, session):
        """A draft nobody registered to; a published session is cancelled on its page."""
        return session.status == Session.Status.DRAFT and not session.registrations.exists()

    def save_model(self, request, obj, form, change):
        """A change goes through the organisers' service: audited, and a new time raises the
        calendar sequence, re-arms the reminders and emails the registrants, as on the
        organisers' page."""
        if not change:
            super().save_model(request, obj, form, change)
            return
        concrete = {field.name for field in Session._meta.concrete_fields}
        session_update(
            session=obj,
            actor=request.user,
            **{name: form.cleaned_data[name] for name in form.changed_data if name in concrete},
        )


@admin.register(Registration)
class RegistrationAdmin(WorkflowRecordAdmin):
    """Read-only but for the person's details: registrations are made, confirmed, cancelled
    and marked attended through the services (capacity, waiting list, emails, audit)."""

    list_display = ["name", "email", "session", "status", "source", "attended", "created_at"]
    list_filter = ["status", "source", "session"]
    search_fields = ["name", "email", "organisation"]
    list_select_related = ["session"]
    readonly_fields = [
        "session",
        "status",
        "source",
        "confirmed_at",
        "cancelled_at",
        "vouched_by",
        "vouched_at",
        "consent_at",
        "reminded_24h_at",
        "reminded_1h_at",
        "attended",
        "anonymised_at",
    ]

    def has_add_permission(self, request):
        return False  # organisers add attendees on the session's registrants page


@admin.register(InboundEmail)
class InboundEmailAdmin(WorkflowRecordAdmin):
    """Read-only: a received message, decided in the organisers' queue (registration, answers
    by email, audit)."""

    list_display = ["received_at", "sender", "subject", "session", "status", "kind"]
    list_filter = ["status", "kind"]
    search_fields = ["sender", "subject", "message_id"]
    list_select_related = ["session"]
    readonly_fields = [f.name for f in InboundEmail._meta.concrete_fields if f.name != "id"]

    def has_add_permission(self, request):
        return False
