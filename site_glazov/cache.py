"""The production Redis cache: django-redis, plus the two things it does not do.

django-redis keeps one redis-py client per connection pool, and with IGNORE_EXCEPTIONS its reads
miss and its writes are dropped while Redis cannot be reached or refuses a command (out of memory,
a failed snapshot): Redis is only a cache here, so its outage must not take the site down. What is
left to this module:

- ``OutageTolerantRedis`` (OPTIONS["REDIS_CLIENT_CLASS"]): once a command fails, the process leaves
  Redis alone for RETRY_AFTER_SECONDS and logs one warning, so a Redis that hangs costs one request
  a socket timeout, not every cache call of every request;
- ``RedisCache.set_strictly()``: a write that must not be dropped (the purge markers of
  home.caching) asks Redis even then and raises if it fails.
"""

import logging
import time

import redis
from django.conf import settings
from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django_redis.cache import RedisCache as DjangoRedisCache
from django_redis.exceptions import ConnectionInterrupted
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 5.0


class OutageTolerantRedis(redis.Redis):
    """redis-py's client that, after a failed command, refuses commands for RETRY_AFTER_SECONDS.

    django-redis turns the refusal, like any connection error, into a miss or a dropped write.
    """

    unavailable_until = float("-inf")

    def execute_command(self, *args, **options):
        if time.monotonic() < self.unavailable_until:
            raise RedisConnectionError("Redis failed a moment ago; not asked again yet")
        try:
            return super().execute_command(*args, **options)
        except RedisError as error:
            logger.warning(
                "Redis cache unavailable (%s): serving without it for %.0f s", error, RETRY_AFTER_SECONDS
            )
            self.unavailable_until = time.monotonic() + RETRY_AFTER_SECONDS
            raise


class RedisCache(DjangoRedisCache):
    """Use as CACHES["default"]["BACKEND"] = "site_glazov.cache.RedisCache"; OPTIONS as django-redis's."""

    def __init__(self, server, params):
        options = {
            "REDIS_CLIENT_CLASS": "site_glazov.cache.OutageTolerantRedis",
            "IGNORE_EXCEPTIONS": getattr(settings, "DJANGO_REDIS_IGNORE_EXCEPTIONS", True),
            **params.get("OPTIONS", {}),
        }
        super().__init__(server, {**params, "OPTIONS": options})

    def set_strictly(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        """set(), asking Redis even during an outage and raising redis-py's error if it fails."""
        shared = self.client.get_client(write=True)
        # A client of the same pool that does not wait out the outage (made only for these rare writes).
        strict = redis.Redis(connection_pool=shared.connection_pool)
        try:
            self.client.set(key, value, timeout, version=version, client=strict)
        except ConnectionInterrupted as interrupted:
            raise interrupted.__cause__ from None
        shared.unavailable_until = float("-inf")
