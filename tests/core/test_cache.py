"""The portal's Redis cache: a Redis that does not answer never fails a page, and clearing the
cache never touches what else lives in the same Redis database (Celery's queues)."""

import logging

import pytest
import redis
from django.conf import settings
from django.core.cache import caches

from tests.integration import free_port


@pytest.fixture
def unreachable_cache(settings):
    """The cache pointed at a port where no Redis listens."""
    settings.CACHES = {
        **settings.CACHES,
        "down": {
            **settings.CACHES["default"],
            "LOCATION": f"redis://127.0.0.1:{free_port()}/0",
        },
    }
    return caches["down"]


def test_a_redis_that_does_not_answer_reads_as_an_empty_cache(unreachable_cache, caplog):
    with caplog.at_level(logging.WARNING, logger="ensie_portal.core.cache"):
        assert unreachable_cache.get("k", "default") == "default"
        assert unreachable_cache.get_many(["a", "b"]) == {}
        assert unreachable_cache.has_key("k") is False
        unreachable_cache.set("k", 1)
        assert unreachable_cache.add("lock", 1) is True
        with pytest.raises(ValueError, match="not found"):
            unreachable_cache.incr("counter")
        unreachable_cache.delete("k")
        unreachable_cache.clear()
    assert "Redis cache unavailable: get skipped" in caplog.text
    assert "Redis cache unavailable: incr skipped" in caplog.text


def test_clear_deletes_the_cache_keys_only():
    from django.core.cache import cache

    client = redis.Redis.from_url(settings.CACHES["default"]["LOCATION"])
    client.set("celery-queue-stand-in", "task", ex=60)
    cache.set("mine", 1)
    try:
        cache.clear()
        assert cache.get("mine") is None
        assert client.get("celery-queue-stand-in") == b"task"
    finally:
        client.delete("celery-queue-stand-in")
