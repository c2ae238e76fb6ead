"""The portal's two languages, English at ``/`` and French at ``/fr/`` (``i18n_patterns`` with
``prefix_default_language=False``): a page's address in the other language, dates in each
language's one style, countries in the order of their names, and texts that know the language
they are written in (WCAG 3.1.2)."""

import datetime
from urllib.parse import unquote, urlsplit, urlunsplit
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Case, F, IntegerField, Value, When
from django.urls import Resolver404, resolve, reverse
from django.urls import translate_url as django_translate_url
from django.utils import timezone, translation
from django.utils.formats import date_format, time_format
from django_countries import countries


def _prefix(language: str) -> str:
    return "" if language == settings.LANGUAGE_CODE else f"/{language}"


def absolute_url(name: str, language: str, **kwargs) -> str:
    """An absolute URL to a page of the portal, in ``language`` (for emails and calendars)."""
    with translation.override(language):
        return settings.SITE_URL + reverse(name, kwargs=kwargs)


def translate_url(url: str, language: str) -> str:
    """``url`` (a path or an absolute URL, with its query string) in ``language``.

    Django's ``translate_url`` resolves the path in the active language; a request to
    ``/i18n/setlang/`` is always in the default language (it has no prefix), so the French
    path ``/fr/...`` did not resolve and came back untranslated. Here the path is resolved in
    the language its prefix names. A path that resolves nowhere (a page that does not exist)
    keeps its place under the other language's prefix.
    """
    parts = urlsplit(url)
    path_language = translation.get_language_from_path(parts.path) or settings.LANGUAGE_CODE
    with translation.override(path_language):
        try:
            resolve(unquote(parts.path))
        except Resolver404:
            rest = parts.path.removeprefix(_prefix(path_language)) or "/"
            path = _prefix(language) + rest
            return urlunsplit((parts.scheme, parts.netloc, path, parts.query, parts.fragment))
        return django_translate_url(url, language)


# The ``when`` styles: the format setting each one reads (ensie_portal/formats/<language>/).
WHEN_STYLES = {
    "datetime": "DATETIME_FORMAT",
    "date": "DATE_FORMAT",
    "time": "TIME_FORMAT",
    "short_datetime": "SHORT_DATETIME_FORMAT",
    "short_date": "SHORT_DATE_FORMAT",
}
_DATE_ONLY = {"datetime": "date", "short_datetime": "short_date", "time": "date"}


def format_when(value, style: str = "datetime") -> str:
    """A date, a time or a moment in the portal's one style for the active language:
    ``datetime`` "Thursday 7 January 2027, 10:00", ``date`` "Thursday 7 January 2027", ``time``
    "10:00", ``short_datetime`` "7 January 2027, 10:00", ``short_date`` "7 January 2027"
    (French: "jeudi 7 janvier 2027, 10 h 00"). Aware datetimes are shown in Brussels time; a
    date alone is shown without a time whatever the style. Empty values give ""."""
    if value in (None, ""):
        return ""
    if style not in WHEN_STYLES:
        raise ValueError(f"Unknown date style {style!r}; use one of {sorted(WHEN_STYLES)}.")
    if isinstance(value, datetime.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value, ZoneInfo(settings.TIME_ZONE))
        if style == "time":
            return time_format(value, WHEN_STYLES[style])
        return date_format(value, WHEN_STYLES[style])
    if isinstance(value, datetime.date):
        return date_format(value, WHEN_STYLES[_DATE_ONLY.get(style, style)])
    if isinstance(value, datetime.time):
        return time_format(value, WHEN_STYLES["time"])
    raise TypeError(f"Not a date, time or datetime: {value!r}")


# ENSIE's seat: an assembly's day and the 14-day rule before it are Brussels days.
ENSIE_TIME_ZONE = ZoneInfo("Europe/Brussels")


def countries_by_name(codes) -> list[str]:
    """``codes`` in the order of their countries' names in the active language (Spain after
    France in English, "Espagne" before "France" in French): django-countries sorts the
    translated names."""
    wanted = set(codes)
    return [code for code, _name in countries if code in wanted]


def country_name_order(codes, field: str = "country") -> Case | F:
    """An ``order_by`` term ranking the rows by the name of their country (``field``), for the
    countries in ``codes``, in the active language; the country code alone sorts Spain (ES)
    before France (FR)."""
    ordered = countries_by_name(codes)
    if not ordered:
        return F(field)  # a CASE of constants alone would read as ORDER BY <column number>
    return Case(
        *(When(**{field: code}, then=Value(rank)) for rank, code in enumerate(ordered)),
        default=Value(len(ordered)),
        output_field=IntegerField(),
    )


def brussels_date(moment: datetime.datetime | None = None) -> datetime.date:
    """The date in Brussels at ``moment`` (now by default)."""
    return timezone.localdate(moment, timezone=ENSIE_TIME_ZONE)


# --- Content in a language of its own (WCAG 3.1.2) -------------------------------------------


class LocalisedText(str):
    """A text that knows the language it is written in: ``language`` is a language code, or ""
    when unknown. It is a ``str``, so templates and filters use it as text; ``lang_attr`` and
    ``lang_span`` (core/templatetags/portal.py) read its language to mark it on a page whose
    language differs."""

    language: str

    def __new__(cls, text: str = "", language: str = ""):
        value = super().__new__(cls, text)
        value.language = language
        return value


def page_language() -> str:
    """The language of what is being rendered (a page, an email): "en" or "fr"."""
    return (translation.get_language() or settings.LANGUAGE_CODE)[:2]


def in_language(versions: dict[str, str], language: str | None = None) -> LocalisedText:
    """The text of ``versions`` (language code -> text) in ``language`` (default: the active
    one) or, when that version is empty, the first other one that is not (in the order of
    ``settings.LANGUAGES``), with the language it is written in."""
    wanted = (language or page_language())[:2]
    order = [wanted, *(code for code, _name in settings.LANGUAGES if code != wanted)]
    for code in order:
        if versions.get(code):
            return LocalisedText(versions[code], code)
    return LocalisedText("", wanted)


class Translated:
    """A model attribute giving field ``<name>_<language>`` in the language being rendered,
    else in the other language, as a LocalisedText (``in_language``): with ``title_en`` and
    ``title_fr`` fields, ``title = Translated()`` makes ``obj.title`` the title to show."""

    def __set_name__(self, owner, name):
        self.name = name

    def __get__(self, instance, owner=None):
        if instance is None:
            return self
        return in_language(
            {code: getattr(instance, f"{self.name}_{code}") for code, _name in settings.LANGUAGES}
        )
