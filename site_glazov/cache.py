"""Django's Redis cache, with one redis-py client per connection pool instead of one per call.

django.core.cache.backends.redis builds a new ``redis.Redis`` object for every cache operation.
redis-py 8 fills each new client's table of about 170 response callbacks, which took more time
than the Redis round trip itself: a page cache hit spent most of its time there (bench/README.md).
A client holds no connection of its own (it borrows one from the pool for each command) and is
safe to share between threads, so one per pool is enough. After a fork the pool notices the new
process and opens new connections, so gunicorn's preloaded workers never share a socket.
"""

from django.core.cache.backends import redis as django_redis


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
