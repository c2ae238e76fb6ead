from django.contrib import admin

from ensie_portal.core.admin import URLS_ASSUME_HTTPS, WorkflowRecordAdmin

from .models import AgendaItem, GeneralAssembly


class AgendaItemInline(admin.TabularInline):
    """The agenda, read-only here: staff prepare it on the assembly's page, the chair votes."""

    model = AgendaItem
    fields = ["position", "kind", "title", "majority", "vote_state", "outcome"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(GeneralAssembly)
class GeneralAssemblyAdmin(WorkflowRecordAdmin):
    formfield_overrides = URLS_ASSUME_HTTPS
    list_display = ["title", "date", "place", "status"]
    list_filter = ["status"]
    search_fields = ["title", "place"]
    date_hierarchy = "date"
    autocomplete_fields = ["chair"]
    # The status moves through the assembly's workflow (convocation, chair's screen).
    readonly_fields = ["status"]
    inlines = [AgendaItemInline]

    def deletable(self, assembly):
        """One planned by mistake: not convened, nothing on its agenda."""
        return (
            assembly.status == GeneralAssembly.Status.PLANNED and not assembly.agenda_items.exists()
        )
