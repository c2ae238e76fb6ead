from django.contrib import admin
from django.db import models

from .models import AuditEntry, SitePage

# Admin forms read links typed without a scheme as https (Django 6's default; no warning now).
URLS_ASSUME_HTTPS = {models.URLField: {"assume_scheme": "https"}}


class WorkflowRecordAdmin(admin.ModelAdmin):
    """The admin of records that live in a workflow. Deleting one here would skip it (no one
    told, no waiting list moving up, no audit) and lose its history, so a record is deleted only
    while ``deletable`` says it has not entered its workflow (by default: never), one at a time
    from its own page: the list's bulk delete does not ask each record."""

    def deletable(self, obj) -> bool:
        return False

    def has_delete_permission(self, request, obj=None):
        if obj is None:
            return False
        return self.deletable(obj) and super().has_delete_permission(request, obj)


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
