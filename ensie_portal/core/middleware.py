from urllib.parse import urlencode

from django.http import QueryDict

from .text import CONTROL_CHARACTERS, strip_control_characters


class ContentSecurityPolicyMiddleware:
    """Only this origin may serve scripts, styles, fonts and images: no third-party requests."""

    POLICY = (
        "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
        "font-src 'self'; connect-src 'self'; frame-ancestors 'none'; form-action 'self'; "
        "base-uri 'self'; object-src 'none'"
    )
    # The Django admin sets a few inline styles.
    ADMIN_POLICY = POLICY.replace("style-src 'self'", "style-src 'self' 'unsafe-inline'")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        match = getattr(request, "resolver_match", None)
        policy = self.ADMIN_POLICY if match and match.app_name == "admin" else self.POLICY
        response.headers.setdefault("Content-Security-Policy", policy)
        return response


class HeadAsGetMiddleware:
    """Answer HEAD wherever GET is answered, as HTTP requires, with the headers of GET and no body.

    The view runs as for a GET (``require_GET`` and ``require_http_methods(["GET", ...])`` then
    accept it; a POST-only view still answers 405); the body is dropped here, a streamed one
    before it is produced, so a HEAD on an export never builds the export. First in
    ``MIDDLEWARE``: every other middleware sees the GET.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method != "HEAD":
            return self.get_response(request)
        request.method = "GET"
        try:
            response = self.get_response(request)
        finally:
            request.method = "HEAD"
        if response.streaming:
            response.streaming_content = []  # closed with the response (e.g. a file's handle)
        else:
            response.content = b""
        return response


class CleanInputMiddleware:
    """Strip control characters (``core.text.CONTROL_CHARACTERS``: NUL, which PostgreSQL refuses
    in text, and the others XML cannot carry) from every query string parameter, posted form
    field and cookie, before a form, a filter or a query sees them.

    One place for every page, the portal's and allauth's: a NUL in ``?q=`` or in a session cookie
    never reaches the database, and no control character is stored to break the Atom feed later.
    Uploaded file names need nothing: Django's multipart parser keeps their printable characters
    only. Placed before the session middleware, which reads the session cookie.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.GET = _cleaned_query(request.GET)
        if request.method == "POST":
            request.POST = _cleaned_query(request.POST)
        cookies = request.COOKIES
        if any(_unclean(name) or _unclean(value) for name, value in cookies.items()):
            request.COOKIES = {
                strip_control_characters(name): strip_control_characters(value)
                for name, value in cookies.items()
            }
        return self.get_response(request)


def _unclean(text: str) -> bool:
    return CONTROL_CHARACTERS.search(text) is not None


def _cleaned_query(data: QueryDict) -> QueryDict:
    """``data`` itself when it is clean (the usual case), else a cleaned copy, immutable too."""
    if not any(_unclean(key) or any(map(_unclean, values)) for key, values in data.lists()):
        return data
    pairs = [
        (strip_control_characters(key), strip_control_characters(value))
        for key, values in data.lists()
        for value in values
    ]
    return QueryDict(urlencode(pairs, encoding=data.encoding), encoding=data.encoding)
