from django.contrib import admin

from ensie_portal.core.admin import URLS_ASSUME_HTTPS

from .models import InboundRequest, Registration, Session, Speaker


class SpeakerInline(admin.TabularInline):
    model = Speaker
    extra = 0


@admin.register(Session)
class SessionAdmin(admin.ModelAdmin):
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
    readonly_fields = ["link_version", "anonymised_at"]


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
