"""`make run` on SQLite survives several writers at once (admin autosave, a publish, a resident's report).

The test suite's own database is SQLite in memory, where none of this applies, so these tests open
a database file with exactly the connection settings `make run` uses (site_glazov.settings.base)
and write to it from several threads at once, each thread with its own connection, the way
runserver's threads do. Each writer reads first and then writes inside one transaction: the pattern
that fails at once with «database is locked» under SQLite's default (deferred) transactions,
whatever the busy timeout.
"""

import threading

import pytest
from django.conf import settings
from django.db import connections, transaction
from django.db.utils import load_backend

WRITERS = 8
WRITES_EACH = 15


def dev_database_settings(path):
    """The `default` database `make run` gets on SQLite, pointed at `path`."""
    config = dict(settings.DATABASES["default"])
    if config["ENGINE"] != "django.db.backends.sqlite3":
        pytest.skip("the SQLite development database only; this run uses another database")
    return {**config, "NAME": str(path), "TEST": {}}


def open_connection(config, alias):
    """A connection of this thread, as Django opens one per runserver thread."""
    backend = load_backend(config["ENGINE"])
    wrapper = backend.DatabaseWrapper(
        {**connections.create_connection("default").settings_dict, **config}, alias
    )
    connections[alias] = wrapper
    return wrapper


def run_writers(config):
    setup = open_connection(config, "setup")
    with setup.cursor() as cursor:
        cursor.execute("CREATE TABLE counter (id INTEGER PRIMARY KEY, value INTEGER NOT NULL)")
        cursor.execute("INSERT INTO counter VALUES (1, 0)")
    setup.close()

    errors = []
    start = threading.Barrier(WRITERS)

    def writer(index):
        connection = open_connection(config, f"writer-{index}")
        try:
            start.wait()
            for _ in range(WRITES_EACH):
                with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
                    cursor.execute("SELECT value FROM counter WHERE id = 1")
                    (value,) = cursor.fetchone()
                    cursor.execute("UPDATE counter SET value = %s WHERE id = 1", [value + 1])
        except Exception as error:
            errors.append(repr(error))
        finally:
            connection.close()

    threads = [threading.Thread(target=writer, args=(index,)) for index in range(WRITERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    check = open_connection(config, "check")
    with check.cursor() as cursor:
        cursor.execute("SELECT value FROM counter WHERE id = 1")
        (total,) = cursor.fetchone()
        cursor.execute("PRAGMA journal_mode")
        (journal_mode,) = cursor.fetchone()
    check.close()
    return errors, total, journal_mode


def test_concurrent_writers_queue_instead_of_failing(tmp_path, django_db_blocker):
    with django_db_blocker.unblock():
        errors, total, journal_mode = run_writers(dev_database_settings(tmp_path / "db.sqlite3"))
    assert errors == []
    assert total == WRITERS * WRITES_EACH  # no write lost either
    assert journal_mode == "wal"


def test_without_these_settings_the_same_writers_fail(tmp_path, django_db_blocker):
    """The check above can fail: SQLite's defaults lose writers to «database is locked»."""
    config = dev_database_settings(tmp_path / "db.sqlite3")
    config["OPTIONS"] = {"timeout": 0.05}
    with django_db_blocker.unblock():
        errors, total, _ = run_writers(config)
    assert any("database is locked" in error for error in errors)
    assert total < WRITERS * WRITES_EACH
