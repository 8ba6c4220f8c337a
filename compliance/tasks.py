"""The daily job of the mandatory information registry, run by the task worker (home/deferred.py)."""

from django_tasks import task

from .services import send_reminders


@task()
def send_mandatory_reminders():
    """E-mail the responsible about items due within a week or stale (once each); returns how many."""
    return send_reminders()


# Queued every morning with the other daily jobs (feedback's enqueue_daily_tasks command).
DAILY_TASKS = [send_mandatory_reminders]
