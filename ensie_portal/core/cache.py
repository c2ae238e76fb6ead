"""The portal's Redis cache: Django's own, made safe for a Redis shared with Celery.

Two differences from ``django.core.cache.backends.redis.RedisCache``:

- **Redis down never takes a page down.** The cache only holds what can be rebuilt (rate-limit
  counters, the catalogue's facet index, locks of periodic jobs), so when Redis does not answer
  every operation is logged and answered as an empty cache would: a read misses, a write is
  dropped, ``add`` succeeds, ``incr`` finds no key. Public forms then fail open (their rate
  limit is not applied) and store what was submitted; the outbox sends its emails once Redis is
  back. Short socket timeouts (``OPTIONS`` in settings) keep a dead Redis from holding a page.
- **``clear()`` deletes the cache's own keys only** (those under its ``KEY_PREFIX``), never the
  whole Redis database, which also holds Celery's queues in production.
"""

import functools
import logging

from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

REDIS_UNAVAILABLE = (RedisConnectionError, RedisTimeoutError)


def _key_missing(key, *args, **kwargs):
    raise ValueError(f"Key '{key}' not found (the cache is unavailable).")


def _fail_open(fallback):
    """Answer ``fallback(*arguments)`` (or ``fallback`` itself) when Redis does not answer."""

    def decorate(method):
        @functools.wraps(method)
        def wrapper(self, *args, **kwargs):
            try:
                return method(self, *args, **kwargs)
            except REDIS_UNAVAILABLE as exc:
                logger.warning(
                    "Redis cache unavailable: %s skipped (%s: %s)",
                    method.__name__,
                    type(exc).__name__,
                    exc,
                )
                return fallback(*args, **kwargs) if callable(fallback) else fallback

        return wrapper

    return decorate


def _default(key, default=None, *args, **kwargs):
    return default


class PortalRedisCache(RedisCache):
    add = _fail_open(True)(RedisCache.add)
    get = _fail_open(_default)(RedisCache.get)
    set = _fail_open(None)(RedisCache.set)
    touch = _fail_open(False)(RedisCache.touch)
    delete = _fail_open(False)(RedisCache.delete)
    get_many = _fail_open(lambda *args, **kwargs: {})(RedisCache.get_many)
    has_key = _fail_open(False)(RedisCache.has_key)
    incr = _fail_open(_key_missing)(RedisCache.incr)
    set_many = _fail_open(lambda *args, **kwargs: [])(RedisCache.set_many)
    delete_many = _fail_open(None)(RedisCache.delete_many)

    @_fail_open(None)
    def clear(self):
        """Delete every key of this cache (its ``KEY_PREFIX``), and nothing else."""
        client = self._cache.get_client(write=True)
        # The default KEY_FUNCTION writes "<prefix>:<version>:<key>".
        pattern = f"{self.key_prefix}:*"
        batch = []
        for key in client.scan_iter(match=pattern, count=1000):
            batch.append(key)
            if len(batch) >= 1000:
                client.delete(*batch)
                batch = []
        if batch:
            client.delete(*batch)
