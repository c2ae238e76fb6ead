import django_filters
from django.utils.translation import gettext_lazy as _

from .models import Registration


class RegistrationFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=Registration.Status.choices, empty_label=_("All")
    )

    class Meta:
        model = Registration
        fields = ["status"]
