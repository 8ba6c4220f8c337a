"""Background work of «Решаем вместе», run by the task worker (home/deferred.py enqueues it).

- ``send_notification``: one outbox row, sent at most once (claimed first, Message-ID fixed);
- ``send_overdue_reminders``: daily, one e-mail per responsible person listing overdue reports;
- ``delete_photo_file`` / ``remove_orphan_photos``: residents' photo files go with their rows.
"""

import datetime
import hashlib
import logging
from collections import defaultdict
from pathlib import Path

from django.conf import settings
from django.core.mail import EmailMessage
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django_tasks import task

from home.deferred import enqueue_on_commit, retry_later

from .models import Notification, ProblemReport, ReportPhoto
from .models.reports import private_storage

logger = logging.getLogger(__name__)

# A file younger than this may belong to a report whose transaction has not committed yet.
ORPHAN_PHOTO_MIN_AGE = datetime.timedelta(hours=1)


@task()
def send_notification(notification_id):
    """Send one stored e-mail; on failure record why and enqueue a retry with back-off."""
    notification = Notification.objects.filter(pk=notification_id).first()
    if notification is None:
        return False
    sent = deliver(notification)
    if not sent:
        attempts = Notification.objects.filter(pk=notification_id).values_list("attempts", flat=True).first()
        if attempts is not None and 0 < attempts < settings.FEEDBACK_EMAIL_MAX_ATTEMPTS:
            retry_later(send_notification, attempts, notification_id)
    return sent


def queue_sending(notification):
    """Enqueue ``notification`` for the worker once the current transaction commits."""
    enqueue_on_commit(send_notification, notification.pk)


def claim(notification, now):
    """Take the row for sending; False when it is sent already or another worker holds it."""
    return bool(
        Notification.objects.filter(
            pk=notification.pk, sent_at__isnull=True, sending_since__isnull=True
        ).update(sending_since=now)
    )


def deliver(notification):
    """Send ``notification`` unless sent or being sent; True only when this call sent it.

    A row whose claim was never released (the worker died mid-send) is not sent again here: the
    message may have left already. Staff see it in «Очередь писем» and may send it again.
    """
    now = timezone.now()
    if notification.sent_at is not None or not claim(notification, now):
        return False
    try:
        EmailMessage(
            subject=notification.subject,
            body=notification.body,
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=notification.recipient_list,
            headers={**notification.headers, "Message-ID": notification.message_id},
        ).send(fail_silently=False)
    except Exception as error:
        # The class only: an SMTP error's text quotes the recipients, who are residents.
        logger.warning("Could not send e-mail %s (%s)", notification.pk, type(error).__name__)
        Notification.objects.filter(pk=notification.pk).update(
            attempts=F("attempts") + 1,
            last_error=f"{type(error).__name__}: {error}"[:2000],
            last_attempt_at=now,
            sending_since=None,
        )
        return False
    Notification.objects.filter(pk=notification.pk).update(
        sent_at=timezone.now(),
        attempts=F("attempts") + 1,
        last_error="",
        last_attempt_at=now,
        sending_since=None,
    )
    return True


def release_and_retry(notification):
    """Staff's «Отправить ещё раз»: a failed, given-up or stuck e-mail goes back to the worker."""
    updated = Notification.objects.filter(pk=notification.pk, sent_at__isnull=True).update(
        sending_since=None, attempts=0
    )
    if updated:
        queue_sending(notification)
    return bool(updated)


def unsent_notifications():
    return (
        Notification.objects.unsent()
        .filter(attempts__lt=settings.FEEDBACK_EMAIL_MAX_ATTEMPTS)
        .order_by("created_at")
    )


def retry_unsent(now=None):
    """The hourly safety net: send what the worker has not (it was down, or enqueueing failed).

    Only rows that are not being sent, and that the worker had time for: created a quarter of an
    hour ago or more, and not attempted during the last hour (the worker's back-off is running).
    Returns (sent, still failing).
    """
    now = now or timezone.now()
    due = unsent_notifications().filter(
        sending_since__isnull=True, created_at__lte=now - datetime.timedelta(minutes=15)
    )
    due = due.filter(
        Q(last_attempt_at__isnull=True) | Q(last_attempt_at__lte=now - datetime.timedelta(hours=1))
    )
    sent = failed = 0
    for notification in due:
        if deliver(notification):
            sent += 1
        else:
            failed += 1
    return sent, failed


def overdue_recipients(today):
    """{address: [reports]} for the overdue open reports: the assignee's, else the form page's staff."""
    recipients = defaultdict(list)
    reports = (
        ProblemReport.objects.overdue(today)
        .select_related("assignee", "category", "page")
        .order_by("due_date", "pk")
    )
    for report in reports:
        if report.assignee and report.assignee.email:
            addresses = [report.assignee.email]
        else:
            addresses = report.page.notification_addresses if report.page else []
        for address in addresses:
            recipients[address].append(report)
    return recipients


@task()
def send_overdue_reminders(day=None):
    """Once a day: each responsible person gets one e-mail listing their overdue reports.

    The outbox row's key names the day and the address, so running the job twice in a day (the
    timer and an operator, say) writes and sends one reminder. Returns how many were queued.
    """
    today = datetime.date.fromisoformat(day) if day else timezone.localdate()
    base_url = settings.WAGTAILADMIN_BASE_URL.rstrip("/")
    queued = 0
    for address, reports in sorted(overdue_recipients(today).items()):
        context = {
            "reports": reports,
            "today": today,
            "base_url": base_url,
        }
        with translation.override(settings.LANGUAGE_CODE):  # staff read Russian
            subject = " ".join(render_to_string("feedback/email/overdue_subject.txt", context).split())
            body = render_to_string("feedback/email/overdue.txt", context)
        # The key is also the Message-ID's left part: no address in it, only its hash.
        digest = hashlib.sha256(address.lower().encode()).hexdigest()[:40]
        notification, created = Notification.objects.get_or_create(
            idempotency_key=f"overdue-{today.isoformat()}-{digest}",
            defaults={
                "kind": Notification.Kind.OVERDUE,
                "recipients": address,
                "subject": subject,
                "body": body,
            },
        )
        if created:
            queue_sending(notification)
            queued += 1
    return queued


@task()
def delete_photo_file(name):
    """Remove a deleted photo's file from the private storage (enqueued when its row is deleted)."""
    storage = private_storage()
    if ReportPhoto.objects.filter(image=name).exists() or not storage.exists(name):
        return False
    storage.delete(name)
    return True


@task()
def remove_orphan_photos():
    """Daily: remove photo files no row points to (a report deleted, a save that failed midway).

    Returns how many files were removed.
    """
    root = Path(settings.FEEDBACK_PRIVATE_ROOT)
    folder = root / "report-photos"
    if not folder.is_dir():
        return 0
    known = set(ReportPhoto.objects.values_list("image", flat=True))
    cutoff = (timezone.now() - ORPHAN_PHOTO_MIN_AGE).timestamp()
    removed = 0
    for path in folder.rglob("*"):
        name = path.relative_to(root).as_posix()
        if path.is_file() and name not in known and path.stat().st_mtime < cutoff:
            path.unlink()
            removed += 1
    return removed


# The daily timer's command (enqueue_daily_tasks) puts these and subscriptions.tasks' in the queue.
DAILY_TASKS = [send_overdue_reminders, remove_orphan_photos]
