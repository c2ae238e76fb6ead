"""The portal's two languages: English at ``/``, French at ``/fr/`` (``i18n_patterns`` with
``prefix_default_language=False``)."""

from urllib.parse import unquote, urlsplit, urlunsplit

from django.conf import settings
from django.urls import Resolver404, resolve
from django.urls import translate_url as django_translate_url
from django.utils import translation


def _prefix(language: str) -> str:
    return "" if language == settings.LANGUAGE_CODE else f"/{language}"


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
