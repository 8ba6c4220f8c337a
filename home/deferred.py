"""Deferred work: enqueue a task once the transaction commits, and again later with back-off.

Every e-mail and every daily job of the portal goes through here, so the rules live in one place:

- a task is enqueued only after the data it reads has been committed (``transaction.on_commit``),
  so the worker never looks for a row that is not there yet;
- a backend that cannot enqueue (the database is locked, a misconfiguration) is logged, never
  raised into the resident's request: the caller's own record (the outbox row) keeps the work and
  the hourly safety net (``send_feedback_emails``) picks it up;
- a retry waits 1, 3, 9, 27 … minutes (DEFERRED_RETRY_BASE_SECONDS × 3ⁿ, at most
  DEFERRED_RETRY_MAX_SECONDS); a backend that cannot defer (ImmediateBackend in tests) is not
  re-enqueued, the row stays for the safety net.

Tasks take only primary keys and plain values: the queue (django_tasks_db's table, shown in the
admin) never holds residents' or subscribers' personal data.
"""

import datetime
import logging

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django_tasks import task_backends

logger = logging.getLogger(__name__)


def retry_delay(attempt):
    """Seconds to wait before attempt ``attempt + 1`` after ``attempt`` failed ones (1-based)."""
    base = settings.DEFERRED_RETRY_BASE_SECONDS
    return min(base * 3 ** max(attempt - 1, 0), settings.DEFERRED_RETRY_MAX_SECONDS)


def enqueue(task, *args, run_after=None, **kwargs):
    """Enqueue ``task`` now; returns its result, or None when the backend refused (logged)."""
    try:
        if run_after is not None:
            task = task.using(run_after=run_after)
        return task.enqueue(*args, **kwargs)
    except Exception:
        # Only the task's name: its arguments are primary keys, but a backend's error may quote more.
        logger.exception("Could not enqueue %s", task.name)
        return None


def enqueue_on_commit(task, *args, **kwargs):
    """Enqueue ``task`` once the current transaction commits (at once outside a transaction)."""
    transaction.on_commit(lambda: enqueue(task, *args, **kwargs))


def can_defer(task):
    return task_backends[task.backend].supports_defer


def retry_later(task, attempt, *args, **kwargs):
    """Enqueue ``task`` again after the back-off for ``attempt`` failures; None if it cannot wait."""
    if not can_defer(task):
        return None
    run_after = timezone.now() + datetime.timedelta(seconds=retry_delay(attempt))
    return enqueue(task, *args, run_after=run_after, **kwargs)
