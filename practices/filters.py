"""The catalogue's filters, applied by the selectors (``selectors.practice_filterset``: the list,
the feed and the exports), never in a view. The list's total and facet counts come from the facet
index instead (``facet_index.facet_counts`` applies the same choices to its bitsets)."""

import re

import django_filters
from django import forms
from django.conf import settings
from django.contrib.postgres.search import SearchQuery
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from .models import Practice, PracticeLanguage, PracticeType

# French derivational suffixes stripped from a query word, so that "recyclage" also finds
# "recycler" (the Snowball stemmer keeps them apart: "recyclag" vs "recycl").
DERIVATIONAL_SUFFIXES = ("ations", "ation", "ements", "ement", "ages", "age", "euses", "euse")
WORD = re.compile(r"\w+", re.UNICODE)
SLUG = re.compile(r"[-a-z0-9_]{1,80}")


def search_query(text: str) -> SearchQuery:
    """The words stemmed in French or in English (web search syntax, accents ignored), or, for
    up to 8 plain words, every word as a prefix, its French derivational suffix stripped."""
    query = SearchQuery(text, config="ensie_fr", search_type="websearch") | SearchQuery(
        text, config="ensie_en", search_type="websearch"
    )
    roots = []
    for word in WORD.findall(text.lower()):
        for suffix in DERIVATIONAL_SUFFIXES:
            if word.endswith(suffix) and len(word) - len(suffix) >= 4:
                roots.append(word[: -len(suffix)])
                break
        else:
            roots.append(word)
    if roots and len(roots) <= 8 and all(r.isalnum() and "_" not in r for r in roots):
        raw = " & ".join(f"{root}:*" for root in roots)
        query |= SearchQuery(raw, config="ensie_fr", search_type="raw")
    return query


class ValuesField(forms.Field):
    """Several values from the query string (``?sector=a&sector=b``); unknown ones are dropped.

    Checked by a function rather than a list of choices: no query, and nothing heavy for
    django-filter to copy each time a FilterSet is built.
    """

    widget = forms.MultipleHiddenInput

    def __init__(self, *, valid, **kwargs):
        self.valid = valid
        super().__init__(**kwargs)

    def to_python(self, value):
        return [v for v in (value or []) if isinstance(v, str) and self.valid(v)]


class ValuesFilter(django_filters.Filter):
    field_class = ValuesField

    def filter(self, qs, value):
        if not value:
            return qs
        return qs.filter(**{f"{self.field_name}__in": value})


def is_slug(value: str) -> bool:
    return bool(SLUG.fullmatch(value))


def is_country(value: str) -> bool:
    return bool(value) and countries.alpha2(value) == value


def term_filter(through_field: str):
    """Filter on any of the chosen taxonomy terms without joining (no duplicate rows)."""

    def method(queryset, name, value):
        if not value:
            return queryset
        through = Practice._meta.get_field(name).remote_field.through
        return queryset.filter(
            pk__in=through.objects.filter(**{f"{through_field}__slug__in": value}).values(
                "practice_id"
            )
        )

    return method


class YearFilter(django_filters.NumberFilter):
    """A bound of the year range: a whole year from 1 to 9999, else the bound is ignored.

    Past the column's range Django would drop the condition altogether (a bound no year can
    reach matches every row), keeping the practices without a year that the list (its facet
    index) leaves out.
    """

    field_class = forms.IntegerField

    def __init__(self, **kwargs):
        super().__init__(min_value=1, max_value=9999, **kwargs)


class PracticeFilter(django_filters.FilterSet):
    # As long as the search box lets it be (its maxlength): PostgreSQL's highlighting of a
    # query of thousands of words would take minutes; a longer one is ignored.
    q = django_filters.CharFilter(label=_("Search"), method="filter_q", max_length=200)
    country = ValuesFilter(label=_("Country"), valid=is_country)
    sector = ValuesFilter(
        label=_("Sector"), field_name="sectors", method=term_filter("sector"), valid=is_slug
    )
    theme = ValuesFilter(
        label=_("Theme"), field_name="themes", method=term_filter("theme"), valid=is_slug
    )
    type = ValuesFilter(label=_("Type"), valid=PracticeType.values.__contains__)
    language = ValuesFilter(label=_("Language"), valid=PracticeLanguage.values.__contains__)
    year_min = YearFilter(label=_("From year"), field_name="year", lookup_expr="gte")
    year_max = YearFilter(label=_("To year"), field_name="year", lookup_expr="lte")

    class Meta:
        model = Practice
        fields = ["q", "country", "sector", "theme", "type", "language", "year_min", "year_max"]

    def filter_q(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        if settings.IS_POSTGRES:
            return queryset.filter(search_vector=search_query(value))
        return queryset.filter(
            Q(title__icontains=value)
            | Q(summary__icontains=value)
            | Q(body__icontains=value)
            | Q(organisation__icontains=value)
        )
