from django.contrib import admin

from .models import SitePage


@admin.register(SitePage)
class SitePageAdmin(admin.ModelAdmin):
    list_display = ["slug", "title_en", "title_fr", "updated_at"]
    search_fields = ["slug", "title_en", "title_fr", "body_en", "body_fr"]
    fieldsets = [
        (None, {"fields": ["slug"]}),
        ("English", {"fields": ["title_en", "intro_en", "body_en"]}),
        ("Français", {"fields": ["title_fr", "intro_fr", "body_fr"]}),
    ]
