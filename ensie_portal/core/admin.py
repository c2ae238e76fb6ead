from django.contrib import admin
from django.db import models

from .models import AuditEntry, SitePage

# Admin forms read links typed without a scheme as https (Django 6's default; no warning now).
URLS_ASSUME_HTTPS = {models.URLField: {"assume_scheme": "https"}}


@admin.register(SitePage)
class SitePageAdmin(admin.ModelAdmin):
    list_display = ["slug", "title_en", "title_fr", "updated_at"]
    search_fields = ["slug", "title_en", "title_fr", "body_en", "body_fr"]
    fieldsets = [
        (None, {"fields": ["slug"]}),
        ("English", {"fields": ["title_en", "intro_en", "body_en"]}),
        ("Français", {"fields": ["title_fr", "intro_fr", "body_fr"]}),
    ]


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    list_display = [
        "created_at",
        "content_type",
        "object_id",
        "action",
        "from_state",
        "to_state",
        "actor",
    ]
    list_filter = ["content_type", "action", "created_at"]
    search_fields = ["object_id", "action", "comment", "actor__email"]
    date_hierarchy = "created_at"
    list_select_related = ["content_type", "actor"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
