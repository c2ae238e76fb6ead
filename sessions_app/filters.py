import django_filters
from django.utils.translation import gettext_lazy as _

from .models import InboundEmail, Registration


class RegistrationFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=Registration.Status.choices, empty_label=_("All")
    )

    class Meta:
        model = Registration
        fields = ["status"]


class InboundEmailFilter(django_filters.FilterSet):
    """The organisers' queue of inbound emails: by default those still to handle."""

    OPEN = "open"
    show = django_filters.ChoiceFilter(
        label=_("Show"),
        choices=[(OPEN, _("To handle")), *InboundEmail.Status.choices],
        empty_label=_("All"),
        method="filter_show",
    )

    class Meta:
        model = InboundEmail
        fields = ["show"]

    def filter_show(self, queryset, name, value):
        if value == self.OPEN:
            return queryset.filter(status__in=InboundEmail.OPEN_STATUSES)
        return queryset.filter(status=value)
