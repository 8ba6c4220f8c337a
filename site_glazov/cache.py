"""Django's Redis cache, made cheaper per call and safe when Redis is away.

One redis-py client per connection pool: django.core.cache.backends.redis builds a new
``redis.Redis`` object for every cache operation, and redis-py 8 fills each new client's table of
about 170 response callbacks, which took more time than the Redis round trip itself. A client
holds no connection of its own (it borrows one from the pool for each command) and is safe to
share between threads. After a fork the pool notices the new process and opens new connections,
so gunicorn's preloaded workers never share a socket.

Redis is only a cache here, so its outage must not take the site down: when it cannot be reached
or refuses a command (out of memory, a failed snapshot), reads miss, writes are dropped, a warning
is logged, and the process leaves Redis alone for RETRY_AFTER_SECONDS before trying again. Writes
that must not be dropped (the purge markers of home.caching) use set_strictly, which raises.
"""

import logging
import time

from django.core.cache.backends import redis as django_redis
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

UNAVAILABLE = (RedisError,)
RETRY_AFTER_SECONDS = 5.0


class RedisCacheClient(django_redis.RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(pool)
        if client is None:
            client = self._clients[pool] = self._client(connection_pool=pool)
        return client


class RedisCache(django_redis.RedisCache):
    """Use as CACHES["default"]["BACKEND"] = "site_glazov.cache.RedisCache"; settings as Django's."""

    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = RedisCacheClient
        self._unavailable_until = float("-inf")

    def _or(self, fallback, operation, *args, **kwargs):
        """``operation``'s result, or ``fallback`` while Redis cannot be reached."""
        if time.monotonic() < self._unavailable_until:
            return fallback
        try:
            return operation(*args, **kwargs)
        except UNAVAILABLE as error:
            logger.warning(
                "Redis cache unavailable (%s): serving without it for %.0f s", error, RETRY_AFTER_SECONDS
            )
            self._unavailable_until = time.monotonic() + RETRY_AFTER_SECONDS
            return fallback

    def get(self, key, default=None, version=None):
        return self._or(default, super().get, key, default, version)

    def get_many(self, keys, version=None):
        return self._or({}, super().get_many, keys, version)

    def has_key(self, key, version=None):
        return self._or(False, super().has_key, key, version)

    def set(self, key, value, timeout=django_redis.DEFAULT_TIMEOUT, version=None):
        self._or(None, super().set, key, value, timeout, version)

    def set_strictly(self, key, value, timeout=django_redis.DEFAULT_TIMEOUT, version=None):
        """set(), asking Redis even during an outage and raising if it fails."""
        super().set(key, value, timeout, version)
        self._unavailable_until = float("-inf")

    def set_many(self, data, timeout=django_redis.DEFAULT_TIMEOUT, version=None):
        return self._or(list(data), super().set_many, data, timeout, version)

    def add(self, key, value, timeout=django_redis.DEFAULT_TIMEOUT, version=None):
        return self._or(False, super().add, key, value, timeout, version)

    def touch(self, key, timeout=django_redis.DEFAULT_TIMEOUT, version=None):
        return self._or(False, super().touch, key, timeout, version)

    def delete(self, key, version=None):
        return self._or(False, super().delete, key, version)

    def delete_many(self, keys, version=None):
        self._or(None, super().delete_many, keys, version)

    def incr(self, key, delta=1, version=None):
        missing = object()
        value = self._or(missing, super().incr, key, delta, version)
        if value is missing:
            raise ValueError(f"Key '{key}' not found: the Redis cache is unavailable.")
        return value
