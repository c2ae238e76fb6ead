from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.db import models
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _

from .errors import DomainError
from .models import AuditEntry, SitePage

# Admin forms read links typed without a scheme as https (Django 6's default; no warning now).
URLS_ASSUME_HTTPS = {models.URLField: {"assume_scheme": "https"}}


class ReasonForm(forms.Form):
    comment = forms.CharField(
        label=_("Reason (kept in the audit trail)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


def action_apply(model_admin, request, queryset, *, apply, done, **data) -> None:
    """An admin action's work: ``apply(obj, **data)`` on each selected record (a service call),
    then the message ``done(count)``. A refusal (DomainError) is reported for its record and
    the others go on."""
    count = 0
    for obj in queryset:
        try:
            apply(obj, **data)
            count += 1
        except DomainError as error:
            model_admin.message_user(request, f"{obj}: {error.message}", messages.WARNING)
    model_admin.message_user(request, done(count))


def action_confirm(model_admin, request, queryset, *, question, apply, done, form_class=ReasonForm):
    """An admin action in two steps: a page naming the selected records with ``form_class`` (a
    reason for the audit trail at least), then :func:`action_apply` with its cleaned data.
    Returns the page to show, or None (back to the list)."""
    form = form_class(request.POST if request.POST.get("confirm") else None)
    if not (form.is_bound and form.is_valid()):
        context = {
            **model_admin.admin_site.each_context(request),
            "title": question,
            "opts": model_admin.model._meta,
            "objects": queryset,
            "form": form,
            "action": request.POST.get("action", ""),
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/action_confirm.html", context)
    action_apply(model_admin, request, queryset, apply=apply, done=done, **form.cleaned_data)
    return None


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
