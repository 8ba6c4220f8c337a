"""Background work of «Решаем вместе»: sending the e-mails stored with each report."""

import logging

from django.conf import settings
from django.core.mail import EmailMessage
from django.db.models import F
from django.utils import timezone
from django_tasks import task

from .models import Notification

logger = logging.getLogger(__name__)


@task()
def send_notification(notification_id):
    """Send one stored e-mail (queued after the report's transaction commits)."""
    notification = Notification.objects.filter(pk=notification_id).first()
    if notification is None:
        return False
    return deliver(notification)


def deliver(notification):
    """Send ``notification`` unless already sent; on failure log it and leave it for a retry."""
    if notification.sent_at is not None:
        return True
    try:
        EmailMessage(
            subject=notification.subject,
            body=notification.body,
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=notification.recipient_list,
        ).send(fail_silently=False)
    except Exception as error:
        logger.exception("Could not send e-mail %s about report %s", notification.pk, notification.report_id)
        Notification.objects.filter(pk=notification.pk).update(
            attempts=F("attempts") + 1, last_error=f"{type(error).__name__}: {error}"[:2000]
        )
        return False
    Notification.objects.filter(pk=notification.pk).update(
        sent_at=timezone.now(), attempts=F("attempts") + 1, last_error=""
    )
    return True


def unsent_notifications():
    return Notification.objects.filter(
        sent_at__isnull=True, attempts__lt=settings.FEEDBACK_EMAIL_MAX_ATTEMPTS
    ).order_by("created_at")


def retry_unsent():
    """Try every unsent e-mail again; returns (sent, still failing)."""
    sent = failed = 0
    for notification in unsent_notifications():
        if deliver(notification):
            sent += 1
        else:
            failed += 1
    return sent, failed
