"""Shared test set-up: a test database holding the demo content, and a real server for browsers.

The demo content is loaded once per session, after migrations. Ordinary tests run inside a
transaction over it. Tests that flush the database (transactional ones) get it back
afterwards (see pytest_runtest_teardown), so no test depends on the order tests run in.
"""

import json
import os
import socket
from urllib.parse import urlsplit

import pytest
from pytest_django.live_server_helper import LiveServer
from pytest_django.plugin import blocking_manager_key

# Playwright's sync API runs an event loop in the test thread; Django's ORM is safe to use there.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def load_demo_content():
    from django.core.management import call_command

    call_command("load_demo_content", verbosity=0, stdout=open(os.devnull, "w"))  # noqa: SIM115


# What migrations put in the database (root page, groups, locales), kept to restore after a flush.
MIGRATION_DATA = {}


def snapshot_migration_data():
    from django.db import connection

    MIGRATION_DATA[connection.alias] = connection.creation.serialize_db_to_string()


def restore_migration_data():
    """Put back what a flush removed and no post_migrate handler recreates (Wagtail's root page, groups)."""
    from django.contrib.contenttypes.models import ContentType
    from django.db import connection
    from wagtail.models import Page

    if connection.alias not in MIGRATION_DATA or Page.objects.filter(depth=1).exists():
        return  # not flushed (e.g. the test was skipped)
    # post_migrate recreated content types and permissions under new ids; the snapshot's ids win,
    # and go in first, before any save looks a content type up and creates it again.
    ContentType.objects.all().delete()
    ContentType.objects.clear_cache()
    rows = json.loads(MIGRATION_DATA[connection.alias])
    first = ("contenttypes.contenttype", "auth.permission")
    rows.sort(key=lambda row: first.index(row["model"]) if row["model"] in first else len(first))
    connection.creation.deserialize_db_from_string(json.dumps(rows))
    ContentType.objects.clear_cache()


def pytest_collection_modifyitems(items):
    """Browser tests are marked `browser` and run last: what they submit is committed for good,
    so the other tests never see it."""
    browser, others = [], []
    for item in items:
        if "tests/browser/" in str(item.path):
            item.add_marker(pytest.mark.browser)
            browser.append(item)
        else:
            others.append(item)
    items[:] = others + browser


@pytest.fixture(scope="session")
def django_db_setup(request, django_db_setup, django_db_blocker):
    from django.test.utils import setup_databases, teardown_databases
    from pytest_django.fixtures import _get_databases_for_setup

    # pytest-django creates the test database only for tests that ask for one. Browser tests
    # reach it through site_server alone, so when they run by themselves, create it here:
    # otherwise the server would serve (and write into) the developer's own database.
    aliases, _ = _get_databases_for_setup(request.session.items)
    with django_db_blocker.unblock():
        own_setup = None if aliases else setup_databases(verbosity=0, interactive=False, aliases={"default"})
        snapshot_migration_data()
        load_demo_content()
    yield
    if own_setup is not None:
        with django_db_blocker.unblock():
            teardown_databases(own_setup, verbosity=0)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item, nextitem):
    result = yield
    marker = item.get_closest_marker("django_db")
    flushed = "transactional_db" in item.fixturenames or (
        marker is not None and marker.kwargs.get("transaction", False)
    )
    if flushed and nextitem is not None:  # after the last test the test database is already gone
        with item.config.stash[blocking_manager_key].unblock():
            restore_migration_data()
            load_demo_content()
    return result


@pytest.fixture(scope="session")
def _site_server(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        server = LiveServer("127.0.0.1:0")
    yield server
    server.stop()


@pytest.fixture
def site_server(_site_server, django_db_blocker):
    """The portal served over HTTP on 127.0.0.1 from the test database, for browser tests.

    Unlike pytest-django's live_server it does not flush the database after each test, so the
    demo content stays; what a browser test submits stays too. The test itself may read and
    write the database as well (committed at once, no rollback).
    """
    from django.db import connection

    with django_db_blocker.unblock():
        yield _site_server
        # The test's own queries ran on a connection of their own: left open, it would keep
        # PostgreSQL from dropping the test database when the session ends.
        connection.close()


@pytest.fixture
def site_db(site_server):
    """Database access for a test that talks to site_server and checks what it stored."""
    return site_server


CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    """Debian's Chromium (installed by `make system-deps`), never a Playwright-downloaded browser."""
    return {**browser_type_launch_args, "executable_path": "/usr/bin/chromium", "args": CHROMIUM_ARGS}


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Each test starts with an empty cache: a rolled-back test must not leave its menu behind,
    nor a page in this process's own page memory."""
    from django.core.cache import cache

    from home import caching
    from home.page_cache import local_pages

    cache.clear()
    local_pages.clear()
    caching._failed_markers.clear()
    caching.forget_local_copies()


@pytest.fixture(autouse=True)
def _changes_marked_at_once(monkeypatch):
    """A test runs in a transaction that is rolled back, never committed: the cache's changes,
    marked on commit in production (home.caching.after_commit), are marked at once here, where
    the test's own call stands for the commit. tests/test_cache_design.py checks the real order."""
    from home import caching

    monkeypatch.setattr(caching, "after_commit", lambda callback: callback())


@pytest.fixture(autouse=True)
def _source_language():
    """Each test starts in Russian: a request to /en/ leaves English active in the thread."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


# The Redis database number the site itself never uses; .ci/run and the machine start a server.
LOCAL_REDIS = "redis://127.0.0.1:6379/15"


@pytest.fixture(scope="session")
def redis_url():
    """REDIS_URL, else the local Redis; the test is skipped (saying why) only if no server answers."""
    url = os.environ.get("REDIS_URL", LOCAL_REDIS)
    address = urlsplit(url)
    try:
        socket.create_connection((address.hostname, address.port or 6379), timeout=2).close()
    except OSError:
        pytest.skip(f"no Redis server at {url}: .ci/run starts one; set REDIS_URL to use another")
    return url


@pytest.fixture
def without_the_demo_subscriber():
    """The demo content's confirmed subscriber (subscriptions/demo.py) would be one more
    recipient of every alert and one more row in the subscription tests."""
    from subscriptions.demo import DEMO_ADDRESS
    from subscriptions.models import Subscription

    Subscription.objects.filter(email=DEMO_ADDRESS).delete()
