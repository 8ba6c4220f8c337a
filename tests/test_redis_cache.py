"""The production Redis cache (site_glazov.cache): django-redis, one redis-py client, outages survived.

Django's own backend builds a client for every operation; django-redis keeps one. These tests show
that it does everything the site asks of the cache, that a forked gunicorn worker talks to Redis
over its own connection, never over the one it inherited, and that the site goes on without Redis.
"""

import multiprocessing
import uuid

import pytest
import redis
from django_redis.cache import RedisCache as DjangoRedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import ResponseError

from site_glazov import cache as module
from site_glazov.cache import RedisCache


@pytest.fixture
def redis_cache(redis_url):
    cache = RedisCache(redis_url, {"KEY_PREFIX": f"test-{uuid.uuid4().hex}"})
    yield cache
    cache.delete_many(["page", "counter", "added", "a", "b", "gone", "shared"])


def test_every_operation_goes_through_one_client(redis_cache):
    assert isinstance(redis_cache, DjangoRedisCache)
    client = redis_cache.client.get_client(write=False)
    assert redis_cache.client.get_client(write=True) is client

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

    assert redis_cache.client.get_client() is client


def _in_forked_worker(cache, results):
    results.put((cache.client.get_client().client_id(), cache.get("shared")))


def test_a_forked_worker_uses_a_connection_of_its_own(redis_cache):
    """gunicorn preloads the site and forks its workers: each must open its own socket to Redis."""
    redis_cache.set("shared", "written before the fork", 30)
    parent_connection = redis_cache.client.get_client().client_id()

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
    assert redis_cache.client.get_client().client_id() == parent_connection
    assert redis_cache.get("shared") == "written before the fork"


# Redis away: the site goes on without its cache

UNREACHABLE = "redis://127.0.0.1:1/0"  # nothing listens on port 1


def test_an_unreachable_redis_reads_as_misses_and_drops_writes(caplog):
    cache = RedisCache(UNREACHABLE, {"OPTIONS": {"SOCKET_CONNECT_TIMEOUT": 1}})
    with caplog.at_level("WARNING", logger="site_glazov.cache"):
        assert cache.get("page", "default") == "default"
        assert "Redis cache unavailable" in caplog.text
        assert cache.get_many(["a", "b"]) == {}
        assert cache.set("a", 1, 30) is None
        assert not cache.add("a", 1, 30)
        assert not cache.delete("a")
        assert not cache.has_key("a")
        cache.set_many({"a": 1}, 30)
        cache.delete_many(["a"])
    assert len(caplog.records) == 1, "one warning per outage, not one per call"


def refuse_connections(monkeypatch, cache):
    """Make the cache's connection pool fail as a stopped Redis does; the calls it got, counted."""
    pool = cache.client.get_client().connection_pool
    calls = []

    def refused(*args, **kwargs):
        calls.append(args)
        raise RedisConnectionError("connection refused")

    monkeypatch.setattr(pool, "get_connection", refused)
    return calls


def test_while_redis_is_away_it_is_not_asked_then_asked_again(redis_url, monkeypatch):
    cache = RedisCache(redis_url, {"KEY_PREFIX": f"test-{uuid.uuid4().hex}"})
    cache.set("a", "kept", 30)
    with monkeypatch.context() as outage:
        calls = refuse_connections(outage, cache)
        assert cache.get_many(["a"]) == {}
        assert cache.get_many(["a"]) == {}
        assert cache.get("a") is None
        assert len(calls) == 1, "the later calls did not go to Redis"

    now = module.time.monotonic()
    assert cache.get_many(["a"]) == {}, "still waiting out the outage"
    monkeypatch.setattr(module.time, "monotonic", lambda: now + module.RETRY_AFTER_SECONDS)
    assert cache.get_many(["a"]) == {"a": "kept"}
    cache.delete("a")


def test_a_strict_write_asks_redis_even_while_it_is_waited_out(redis_url, monkeypatch):
    """A purge marker written as soon as Redis is back, not RETRY_AFTER_SECONDS later."""
    cache = RedisCache(redis_url, {"KEY_PREFIX": f"test-{uuid.uuid4().hex}"})
    with monkeypatch.context() as outage:
        refuse_connections(outage, cache)
        assert cache.get("marker") is None
        with pytest.raises(RedisConnectionError):
            cache.set_strictly("marker", "v1", None)
    assert cache.get("marker") is None, "still waiting out the outage"
    cache.set_strictly("marker", "v2", None)
    assert cache.get("marker") == "v2", "a strict write that succeeds ends the wait"
    cache.delete("marker")


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


@pytest.mark.django_db
def test_the_report_rate_limit_holds_while_redis_is_away(client, settings):
    """The limit counts in the database (feedback/ratelimit.py): an outage must not lift it."""
    from tests.feedback_helpers import FORM_URL, form_data

    settings.CACHES = UNREACHABLE_CACHE
    settings.FEEDBACK_RATE_LIMIT = (2, 600)
    for _ in range(2):
        assert client.post(FORM_URL, form_data()).status_code == 302
    assert client.post(FORM_URL, form_data()).status_code == 429


def test_a_redis_that_refuses_writes_does_not_break_the_page(redis_url, monkeypatch):
    """MISCONF (a failed snapshot, a full disk) or OOM refuses writes with an error of its own."""
    cache = RedisCache(redis_url, {"KEY_PREFIX": f"test-{uuid.uuid4().hex}"})
    execute = redis.Redis.execute_command

    def refusing_writes(client, *args, **options):
        if args[0] == "SET":
            raise ResponseError(
                "MISCONF Redis is configured to save RDB snapshots, but it's currently unable to persist"
            )
        return execute(client, *args, **options)

    monkeypatch.setattr(redis.Redis, "execute_command", refusing_writes)
    assert cache.set("page", "x", 30) is None
    assert cache.get("page") is None
    with pytest.raises(ResponseError, match="MISCONF"):
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
