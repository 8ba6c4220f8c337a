"""The production Redis cache (site_glazov.cache): one redis-py client per pool, and still correct.

Django's own backend builds a client for every operation; ours keeps one. These tests show that
it still does everything the site asks of the cache, and that a forked gunicorn worker talks to
Redis over its own connection, never over the one it inherited.
"""

import multiprocessing
import uuid

import pytest

from site_glazov.cache import RedisCache


@pytest.fixture
def redis_cache(redis_url):
    cache = RedisCache(redis_url, {"KEY_PREFIX": f"test-{uuid.uuid4().hex}"})
    yield cache
    cache.delete_many(["page", "counter", "added", "a", "b", "gone", "shared"])


def test_every_operation_goes_through_one_client(redis_cache):
    client = redis_cache._cache.get_client()
    assert redis_cache._cache.get_client(write=True) is client

    redis_cache.set("page", {"content": b"<html>", "headers": [("Content-Type", "text/html")]}, 30)
    assert redis_cache.get("page") == {"content": b"<html>", "headers": [("Content-Type", "text/html")]}
    assert redis_cache.get_many(["page", "missing"]) == {"page": redis_cache.get("page")}
    assert redis_cache.add("added", 1, 30) is True
    assert redis_cache.add("added", 2, 30) is False
    redis_cache.set("counter", 1, 30)
    assert redis_cache.incr("counter", 4) == 5
    redis_cache.set_many({"a": 1, "b": 2}, 30)
    assert redis_cache.get_many(["a", "b"]) == {"a": 1, "b": 2}
    redis_cache.set("gone", "x", 30)
    assert redis_cache.delete("gone") is True
    assert redis_cache.get("gone", "default") == "default"

    assert redis_cache._cache.get_client() is client


def _in_forked_worker(cache, results):
    results.put((cache._cache.get_client().client_id(), cache.get("shared")))


def test_a_forked_worker_uses_a_connection_of_its_own(redis_cache):
    """gunicorn preloads the site and forks its workers: each must open its own socket to Redis."""
    redis_cache.set("shared", "written before the fork", 30)
    parent_connection = redis_cache._cache.get_client().client_id()

    context = multiprocessing.get_context("fork")
    results = context.Queue()
    worker = context.Process(target=_in_forked_worker, args=(redis_cache, results))
    worker.start()
    child_connection, seen = results.get(timeout=30)
    worker.join(timeout=30)

    assert worker.exitcode == 0
    assert seen == "written before the fork"
    assert child_connection != parent_connection
    # The parent's connection is still its own and still works.
    assert redis_cache._cache.get_client().client_id() == parent_connection
    assert redis_cache.get("shared") == "written before the fork"
