from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from ensie_portal.core.admin import WorkflowRecordAdmin

from .models import OutgoingMail
from .services import mail_resend


@admin.register(OutgoingMail)
class OutgoingMailAdmin(WorkflowRecordAdmin):
    list_display = [
        "subject",
        "to_email",
        "language",
        "status",
        "attempts",
        "created_at",
        "sent_at",
    ]
    list_filter = ["status", "language", "created_at"]
    search_fields = ["to_email", "subject", "key"]
    date_hierarchy = "created_at"
    actions = ["resend_failed"]
    readonly_fields = [
        f.name for f in OutgoingMail._meta.get_fields() if f.concrete and f.name != "id"
    ]

    def has_add_permission(self, request):
        return False

    @admin.action(description=_("Re-send the selected failed emails"))
    def resend_failed(self, request, queryset):
        count = sum(
            mail_resend(mail=mail) for mail in queryset.filter(status=OutgoingMail.Status.FAILED)
        )
        self.message_user(
            request,
            ngettext(
                "%(count)d failed email queued again.",
                "%(count)d failed emails queued again.",
                count,
            )
            % {"count": count},
            messages.SUCCESS,
        )
