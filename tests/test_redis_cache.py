"""The production Redis cache (site_glazov.cache): one redis-py client per pool, and still correct.

Django's own backend builds a client for every operation; ours keeps one. These tests show that
it still does everything the site asks of the cache, and that a forked gunicorn worker talks to
Redis over its own connection, never over the one it inherited.
"""

import multiprocessing
import uuid

import pytest
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import ResponseError

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


# Redis away: the site goes on without its cache

UNREACHABLE = "redis://127.0.0.1:1/0"  # nothing listens on port 1


def test_an_unreachable_redis_reads_as_misses_and_drops_writes(caplog):
    cache = RedisCache(UNREACHABLE, {"OPTIONS": {"socket_connect_timeout": 1}})
    with caplog.at_level("WARNING", logger="site_glazov.cache"):
        assert cache.get("page", "default") == "default"
    assert "Redis cache unavailable" in caplog.text
    assert cache.get_many(["a", "b"]) == {}
    assert cache.set("a", 1, 30) is None
    assert cache.add("a", 1, 30) is False
    assert cache.delete("a") is False
    assert cache.has_key("a") is False
    assert cache.set_many({"a": 1}, 30) == ["a"]
    with pytest.raises(ValueError):
        cache.incr("a")
    assert len(caplog.records) == 1, "one warning per outage, not one per call"


def test_while_redis_is_away_it_is_not_asked_then_asked_again(redis_url, monkeypatch):
    from site_glazov import cache as module

    cache = RedisCache(redis_url, {"KEY_PREFIX": f"test-{uuid.uuid4().hex}"})
    cache.set("a", "kept", 30)
    client = cache._cache.get_client()
    calls = []
    real_mget = client.mget

    def refused(*args, **kwargs):
        calls.append(args)
        raise RedisConnectionError("connection refused")

    monkeypatch.setattr(client, "mget", refused)
    assert cache.get_many(["a"]) == {}
    assert cache.get_many(["a"]) == {}
    assert len(calls) == 1, "the second call did not go to Redis"

    monkeypatch.setattr(client, "mget", real_mget)
    now = module.time.monotonic()
    monkeypatch.setattr(module.time, "monotonic", lambda: now + module.RETRY_AFTER_SECONDS)
    assert cache.get_many(["a"]) == {"a": "kept"}
    cache.delete("a")


UNREACHABLE_CACHE = {"default": {"BACKEND": "site_glazov.cache.RedisCache", "LOCATION": UNREACHABLE}}


@pytest.mark.django_db
def test_pages_and_reports_still_work_when_redis_is_away(client, settings):
    """A cache outage slows the site down; it must not answer 500 or lose a resident's report."""
    from feedback.models import ProblemReport
    from home.page_cache import local_pages
    from tests.feedback_helpers import FORM_URL, form_data

    settings.CACHES = UNREACHABLE_CACHE
    local_pages.clear()
    for _ in range(2):
        page = client.get("/ru/")
        assert (page.status_code, page.headers["X-Cache"]) == (200, "BYPASS")
    assert client.get("/ru/news/").status_code == 200
    assert client.get(FORM_URL).status_code == 200
    sent = client.post(FORM_URL, form_data())
    assert sent.status_code == 302
    assert ProblemReport.objects.count() == 1


def test_a_redis_that_refuses_writes_does_not_break_the_page(redis_url, monkeypatch):
    """MISCONF (a failed snapshot, a full disk) or OOM refuses writes with an error of its own."""
    cache = RedisCache(redis_url, {"KEY_PREFIX": f"test-{uuid.uuid4().hex}"})
    client = cache._cache.get_client()

    def refused(*args, **kwargs):
        raise ResponseError(
            "MISCONF Redis is configured to save RDB snapshots, but it's currently unable to persist"
        )

    monkeypatch.setattr(client, "set", refused)
    assert cache.set("page", "x", 30) is None
    with pytest.raises(ResponseError):
        cache.set_strictly("page", "x", 30)


@pytest.mark.django_db
def test_a_purge_made_while_redis_is_away_is_written_when_it_is_back(settings, caplog):
    from django.core.management import CommandError, call_command

    from home import caching, page_cache

    working = settings.CACHES
    settings.CACHES = UNREACHABLE_CACHE
    with caplog.at_level("ERROR", logger="home.caching"):
        page_cache.purge_page_cache()
    assert "Could not write cache marker" in caplog.text
    assert caching.ALL in caching._failed_markers
    with pytest.raises(CommandError, match="Кэш страниц не сброшен"):
        call_command("purge_page_cache")

    settings.CACHES = working
    from django.core.cache import cache

    before = cache.get(caching.marker_key(caching.ALL))
    caching.retry_failed_markers()
    assert caching._failed_markers == set()
    assert cache.get(caching.marker_key(caching.ALL)) not in (None, before)
