from django.contrib import admin

from .models import PersonalDataRequest


@admin.register(PersonalDataRequest)
class PersonalDataRequestAdmin(admin.ModelAdmin):
    """The log of exports and erasures: read only (the staff page writes it)."""

    list_display = ["created_at", "kind", "actor", "include_subaddresses", "counts"]
    list_filter = ["kind", "created_at"]
    search_fields = ["address_hash"]
    list_select_related = ["actor"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
