from django.contrib import admin

from .models import Network, Representative


class RepresentativeInline(admin.TabularInline):
    model = Representative
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Network)
class NetworkAdmin(admin.ModelAdmin):
    list_display = ["legal_name", "acronym", "country", "status", "wise_count", "member_since"]
    list_filter = ["status", "country"]
    search_fields = ["legal_name", "acronym", "city"]
    prepopulated_fields = {"slug": ["legal_name"]}
    inlines = [RepresentativeInline]
