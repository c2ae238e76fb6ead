"""HEAD is answered wherever GET is, with GET's status and headers and no body
(``core.middleware.HeadAsGetMiddleware``)."""

import io

import pytest
from django.core import signals
from django.core.handlers.wsgi import WSGIHandler
from django.db import close_old_connections
from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.resolvers import LocalePrefixPattern, RegexPattern, RoutePattern

from tests.factories import UserFactory, make_staff
from tests.networks.factories import MemberNetworkFactory
from tests.practices.factories import PracticeFactory
from tests.practices.test_attachments import practice_with_pdf
from tests.sessions_app.factories import SessionFactory

pytestmark = pytest.mark.django_db


def paths_without_arguments(patterns=None, prefix="/"):
    """Every page of the URL configuration that takes no argument, as a path."""
    for entry in get_resolver().url_patterns if patterns is None else patterns:
        pattern = entry.pattern
        if isinstance(pattern, LocalePrefixPattern):
            part = pattern.language_prefix
        elif isinstance(pattern, RoutePattern) and not pattern.converters:
            part = str(pattern)
        elif isinstance(pattern, RegexPattern) and not pattern.regex.groups:
            part = str(pattern).lstrip("^").rstrip("$").replace("\\", "")
        else:
            continue
        if isinstance(entry, URLResolver):
            yield from paths_without_arguments(entry.url_patterns, prefix + part)
        elif isinstance(entry, URLPattern):
            yield prefix + part


def body(response) -> bytes:
    """The body; read to its end, a download closes its file (the client closes it then)."""
    return b"".join(response.streaming_content) if response.streaming else response.content


def assert_head_like_get(client, path):
    got = client.get(path)
    body(got)
    head = client.head(path)
    assert head.status_code == got.status_code, path
    for header in ("Content-Type", "Content-Disposition", "Location", "Allow"):
        assert head.get(header) == got.get(header), (path, header)
    assert body(head) == b"", path
    return head.status_code


def test_head_answers_like_get_on_every_page_without_arguments(client):
    paths = sorted(set(paths_without_arguments()))
    assert {"/", "/practices/", "/practices/export.csv", "/join/", "/sessions/"} <= set(paths)
    for path in paths:
        assert_head_like_get(client, path)
    client.force_login(UserFactory())
    for path in paths:
        if "logout" not in path:
            assert_head_like_get(client, path)
    client.force_login(make_staff(is_superuser=True))  # the portal's privileged pages
    for path in paths:
        if not path.startswith(("/admin/", "/accounts/")):
            assert_head_like_get(client, path)


def test_head_answers_like_get_on_pages_of_one_object(client):
    practice, attachment = practice_with_pdf()
    session = SessionFactory()
    network = MemberNetworkFactory()
    for path in [
        practice.get_absolute_url(),
        f"/practices/{practice.slug}/attachments/{attachment.pk}/",
        f"/sessions/{session.slug}/",
        f"/sessions/{session.slug}/session.ics",
        f"/members/{network.slug}/",
        f"/fr/practices/{practice.slug}/",
    ]:
        assert assert_head_like_get(client, path) == 200, path


def test_head_on_a_page_that_only_takes_post_is_refused_like_get(client):
    session = SessionFactory()
    response = client.head(f"/sessions/{session.slug}/register/")
    assert response.status_code == 405
    assert response["Allow"] == "POST"


def test_a_head_on_an_export_sends_no_body_to_the_server():
    """What the WSGI server receives (the test client would drop a body itself)."""
    PracticeFactory(title="Atelier de couture")
    statuses = []
    environ = {
        "REQUEST_METHOD": "HEAD",
        "PATH_INFO": "/practices/export.csv",
        "QUERY_STRING": "",
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "80",
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(b""),
        "wsgi.errors": io.StringIO(),
    }
    # As Django's test client does: the test's transaction must outlive the request.
    signals.request_started.disconnect(close_old_connections)
    try:
        body = WSGIHandler()(
            environ, lambda status, headers: statuses.append((status, dict(headers)))
        )
        try:
            assert b"".join(body) == b""
        finally:
            body.close()
    finally:
        signals.request_started.connect(close_old_connections)
    status, headers = statuses[0]
    assert status == "200 OK"
    assert headers["Content-Type"] == "text/csv; charset=utf-8"
