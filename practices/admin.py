from django.contrib import admin

from .models import Attachment, Practice, Sector, Theme


@admin.register(Sector, Theme)
class TaxonomyTermAdmin(admin.ModelAdmin):
    list_display = ["label_en", "label_fr", "slug"]
    search_fields = ["label_en", "label_fr", "slug"]
    prepopulated_fields = {"slug": ["label_en"]}


class AttachmentInline(admin.TabularInline):
    model = Attachment
    extra = 0


@admin.register(Practice)
class PracticeAdmin(admin.ModelAdmin):
    list_display = ["title", "organisation", "country", "type", "year", "status", "published_at"]
    list_filter = ["status", "type", "language", "sectors", "themes"]
    search_fields = ["title", "organisation", "summary"]
    # Status changes go through the moderation pages (audited), not the admin form.
    readonly_fields = ["status", "submitted_by", "published_at", "return_comment"]
    filter_horizontal = ["sectors", "themes"]
    list_select_related = ["submitted_by"]
    inlines = [AttachmentInline]
