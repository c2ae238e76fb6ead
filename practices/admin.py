from django import forms
from django.contrib import admin
from django.db import models
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from ensie_portal.core.admin import URLS_ASSUME_HTTPS

from .models import Attachment, Practice, Sector, Theme
from .services import practice_catalogue_changed


class CatalogueChangeMixin:
    """Saving or deleting here changes the catalogue: a new version, with a new facet index."""

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        practice_catalogue_changed()

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        practice_catalogue_changed()

    def delete_queryset(self, request, queryset):
        super().delete_queryset(request, queryset)
        practice_catalogue_changed()


@admin.register(Sector, Theme)
class TaxonomyTermAdmin(CatalogueChangeMixin, admin.ModelAdmin):
    list_display = ["label_en", "label_fr", "slug"]
    search_fields = ["label_en", "label_fr", "slug"]
    prepopulated_fields = {"slug": ["label_en"]}


class AttachmentInline(admin.TabularInline):
    """The PDFs are private: no file URL, a link to the permission-checked download instead."""

    model = Attachment
    extra = 0
    fields = ["title", "file", "size", "download"]
    readonly_fields = ["download"]
    formfield_overrides = {models.FileField: {"widget": forms.FileInput}}

    @admin.display(description=_("download"))
    def download(self, attachment):
        if not attachment.pk:
            return "-"
        url = reverse("practices:attachment", args=[attachment.practice.slug, attachment.pk])
        return format_html('<a href="{}">{}</a>', url, attachment.title)


@admin.register(Practice)
class PracticeAdmin(CatalogueChangeMixin, admin.ModelAdmin):
    formfield_overrides = URLS_ASSUME_HTTPS
    list_display = ["title", "organisation", "country", "type", "year", "status", "published_at"]
    list_filter = ["status", "type", "language", "sectors", "themes"]
    search_fields = ["title", "organisation", "summary"]
    # Status changes go through the moderation pages (audited), not the admin form.
    readonly_fields = ["status", "submitted_by", "published_at", "return_comment"]
    filter_horizontal = ["sectors", "themes"]
    list_select_related = ["submitted_by"]
    inlines = [AttachmentInline]
