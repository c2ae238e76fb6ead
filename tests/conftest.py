"""Fixtures shared by the whole suite.

The suite runs on PostgreSQL and Redis (see pyproject's pytest env), with the cache that
production uses: Redis. Each test gets keys of its own in it (so rate limits of one test never
leak into another) and runs Celery tasks in-process, except the integration tests that start a
real worker.
"""

import uuid

import pytest
from django.core.cache import cache
from django.test.client import ClientMixin
from django.utils import translation

from ensie_portal.celery import app as celery_app
from tests.factories import UserFactory


@pytest.fixture(autouse=True)
def _isolated_cache(settings, worker_id):
    """The production cache (Redis, ``PortalRedisCache``) under a key prefix of the test's own,
    so that rate limits and indexes of one test never leak into another; its keys are deleted
    afterwards (``clear`` deletes the prefix's keys only). The facet index this process keeps
    in memory is forgotten too: every test rolls the catalogue version back to the same one."""
    from practices import facet_index

    prefix = f"test:{worker_id}:{uuid.uuid4().hex[:12]}"
    settings.CACHES = {"default": {**settings.CACHES["default"], "KEY_PREFIX": prefix}}
    facet_index._memo.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _english_by_default():
    """A French request leaves French active in the thread; each test starts in English, so the
    URLs it reverses are the English ones whatever ran before."""
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Many users per test; a fast hasher keeps the suite quick (no test here is about hashing)."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _eager_celery():
    previous = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = previous


@pytest.fixture
def broker_down(monkeypatch):
    """Celery sends to a Redis nobody listens on (tasks not run eagerly), as in an outage."""
    from tests.integration import free_port

    # A refusal pauses this process's enqueueing: the next tests must not inherit the pause.
    monkeypatch.setattr("ensie_portal.core.queue._broker_paused_until", 0.0)
    celery_app.conf.task_always_eager = False
    previous = celery_app.conf.broker_url
    celery_app.conf.broker_url = f"redis://127.0.0.1:{free_port()}/0"
    celery_app._pool = celery_app.amqp._producer_pool = None
    yield
    celery_app.conf.broker_url = previous
    celery_app._pool = celery_app.amqp._producer_pool = None
    celery_app.conf.task_always_eager = True


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    settings.STORAGES = {
        **settings.STORAGES,
        "private": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "private"), "base_url": None},
        },
    }


@pytest.fixture(autouse=True)
def _force_login_passes_the_second_factor(monkeypatch):
    """``client.force_login`` (and ``client_for``) stand for a completed sign-in: for a user
    with an authenticator the session also records the second factor, as allauth's sign-in
    does, so privileged pages open. Tests of sessions that did not pass it sign in through the
    allauth form (tests/core/test_two_factor.py)."""
    from tests.two_factor import record_second_factor

    original = ClientMixin.force_login

    def force_login(self, user, backend=None):
        original(self, user, backend)
        record_second_factor(self, user)

    monkeypatch.setattr(ClientMixin, "force_login", force_login)


@pytest.fixture
def user(db):
    return UserFactory()


@pytest.fixture
def client_for(client):
    """Log a user in on the test client and return the client (with the second factor passed
    when the user has an authenticator: see ``_force_login_passes_the_second_factor``)."""

    def _login(user):
        client.force_login(user)
        return client

    return _login


@pytest.fixture
def smtp_server():
    from tests.integration import SmtpServer

    server = SmtpServer()
    server.controller.start()
    yield server
    server.controller.stop()


@pytest.fixture
def celery_worker_process(smtp_server):
    """A real Celery worker on the Redis broker, delivering to ``smtp_server``.

    Tests using it must use ``django_db(transaction=True)`` so the worker sees their rows.
    """
    from tests.integration import CeleryWorker

    celery_app.conf.task_always_eager = False
    celery_app.control.purge()
    worker = CeleryWorker(email_url=smtp_server.url).start(celery_app)
    yield worker
    worker.stop()
    celery_app.conf.task_always_eager = True


@pytest.fixture
def imap_server():
    """A throwaway dovecot IMAP server on a free port (Debian's dovecot-imapd)."""
    from tests.imap import ImapServer

    server = ImapServer().start()
    yield server
    server.stop()
