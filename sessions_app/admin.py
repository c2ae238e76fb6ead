from django.contrib import admin

from ensie_portal.core.admin import URLS_ASSUME_HTTPS

from . import services
from .models import InboundRequest, Registration, Session, Speaker


class SpeakerInline(admin.TabularInline):
    model = Speaker
    extra = 0


@admin.register(Session)
class SessionAdmin(admin.ModelAdmin):
    list_display = ["number", "title", "starts_at", "status", "capacity"]
    list_filter = ["status"]
    search_fields = ["title", "slug"]
    prepopulated_fields = {"slug": ["title"]}
    filter_horizontal = ["organisers"]
    inlines = [SpeakerInline]
    # The link is secret (never on a page) and changes through the organisers' page, which
    # emails it to the registrants.
    exclude = ["participation_link"]
    formfield_overrides = URLS_ASSUME_HTTPS
    readonly_fields = ["link_version", "calendar_sequence", "anonymised_at"]

    def save_model(self, request, obj, form, change):
        """A change goes through the organisers' service: a new time raises the calendar
        sequence and emails the registrants, as on the organisers' page."""
        if not change:
            super().save_model(request, obj, form, change)
            return
        concrete = {field.name for field in Session._meta.concrete_fields}
        services.session_update(
            session=obj,
            actor=request.user,
            **{name: form.cleaned_data[name] for name in form.changed_data if name in concrete},
        )


@admin.register(Registration)
class RegistrationAdmin(admin.ModelAdmin):
    list_display = ["name", "email", "session", "status", "source", "attended", "created_at"]
    list_filter = ["status", "source", "session"]
    search_fields = ["name", "email", "organisation"]
    list_select_related = ["session"]
    # State changes go through the services (capacity, waiting list, emails).
    readonly_fields = ["status", "confirmed_at", "cancelled_at", "vouched_by", "vouched_at"]


@admin.register(InboundRequest)
class InboundRequestAdmin(admin.ModelAdmin):
    list_display = ["received_at", "sender", "subject", "session", "status", "kind"]
    list_filter = ["status", "kind"]
    search_fields = ["sender", "subject", "message_id"]
    list_select_related = ["session"]
    # Decisions go through the organisers' queue (registration, answers by email).
    readonly_fields = [
        "message_id",
        "status",
        "registration",
        "decided_by",
        "decided_at",
        "answered_at",
    ]
