"""Versioned cache entries: bumping a version forgets every entry built under the old one.

Entries are never deleted one by one; their keys embed the version, so a bump makes them
unreachable and the cache evicts them in its own time.
"""

import logging
import uuid

from django.core.cache import cache
from django.db import transaction

logger = logging.getLogger(__name__)

# Markers whose write failed (Redis away), by key: written again by retry_failed_markers().
_failed_markers = {}


def set_marker(key, make_value):
    """Write a marker every worker must see (a version or generation); True if it is written.

    The site's Redis cache drops ordinary writes while Redis is away; a lost marker would leave
    other workers serving what it should have retired, so it is written strictly, and if that
    fails it is logged as an error and kept to be written again.
    """
    try:
        getattr(cache, "set_strictly", cache.set)(key, make_value(), None)
    except Exception:
        logger.error(
            "Could not write cache marker %s; will try again on the next request", key, exc_info=True
        )
        _failed_markers[key] = make_value
        return False
    _failed_markers.pop(key, None)
    return True


def retry_failed_markers():
    """Write again the markers a Redis outage kept back (the page cache calls this per request)."""
    if _failed_markers:
        for key, make_value in list(_failed_markers.items()):
            set_marker(key, make_value)


def new_version():
    return uuid.uuid4().hex


def bump_cache_version(version_key):
    """Start a new version under `version_key` (a signal handler calls this on a change).

    It starts again when the transaction commits: an entry built meanwhile by another request
    from the old, still committed data would otherwise outlive the change.
    """

    def bump():
        set_marker(version_key, new_version)

    bump()
    transaction.on_commit(bump)


def cache_version(version_key):
    """The current version under `version_key`, created on first use."""
    version = cache.get(version_key)
    if version is None:
        candidate = uuid.uuid4().hex
        cache.add(version_key, candidate, None)  # another worker may have got there first
        version = cache.get(version_key, candidate)
    return version
