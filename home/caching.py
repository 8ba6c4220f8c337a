"""Versioned cache entries: bumping a version forgets every entry built under the old one.

Entries are never deleted one by one; their keys embed the version, so a bump makes them
unreachable and the cache evicts them in its own time.
"""

import uuid

from django.core.cache import cache
from django.db import transaction


def bump_cache_version(version_key):
    """Start a new version under `version_key` (a signal handler calls this on a change).

    It starts again when the transaction commits: an entry built meanwhile by another request
    from the old, still committed data would otherwise outlive the change.
    """

    def bump():
        cache.set(version_key, uuid.uuid4().hex, None)

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
