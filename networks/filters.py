import django_filters
from django.utils.translation import gettext_lazy as _
from django_countries import countries as country_names

from .models import Network


class MemberFilter(django_filters.FilterSet):
    country = django_filters.ChoiceFilter(
        label=_("Country"), empty_label=_("All countries"), choices=[]
    )

    class Meta:
        model = Network
        fields = ["country"]

    def __init__(self, *args, countries: list[str], **kwargs):
        """``countries``: the member countries' codes in the order to offer them (by name in
        the language of the page; ``selectors.member_list`` gives them)."""
        super().__init__(*args, **kwargs)
        names = dict(country_names)
        self.filters["country"].extra["choices"] = [
            (code, names.get(code, code)) for code in countries
        ]
