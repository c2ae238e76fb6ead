import django_filters
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from .models import Network


class MemberFilter(django_filters.FilterSet):
    country = django_filters.ChoiceFilter(
        label=_("Country"), empty_label=_("All countries"), choices=[]
    )

    class Meta:
        model = Network
        fields = ["country"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from .selectors import member_countries

        names = dict(countries)
        self.filters["country"].extra["choices"] = [
            (code, names.get(code, code)) for code in member_countries()
        ]
