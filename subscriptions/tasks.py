"""Background work of the subscriptions, run by the task worker (home/deferred.py enqueues it).

- ``send_alerts``: an item was first published; each immediate subscriber gets one e-mail;
- ``send_daily_digests``: daily; each daily subscriber with new items gets one e-mail;
- ``remove_lapsed_requests``: daily; requests nobody confirmed in time are deleted.
The e-mails themselves go through feedback.tasks.send_notification (the outbox).
"""

import datetime

from django.conf import settings
from django.utils import timezone
from django_tasks import task

from feedback.tasks import queue_sending
from news.models import DecisionPage

from . import sending, services
from .models import Announcement, Subscription


@task()
def send_alerts(announcement_id):
    """Write and queue the immediate alerts of one item; returns how many were queued."""
    announcement = Announcement.objects.select_related("page").filter(pk=announcement_id).first()
    if announcement is None:
        return 0
    written = sending.alerts_for(announcement)
    for notification in written:
        queue_sending(notification)
    return len(written)


@task()
def send_decision_changes(decision_id):
    """A known decision was published again: tell its followers, and those of the acts it repeals,
    when what they follow changed. Returns how many e-mails were queued."""
    decision = DecisionPage.objects.filter(pk=decision_id).first()
    if decision is None:
        return 0
    repealed = DecisionPage.objects.filter(
        translation_key__in=decision.repeals.values("translation_key"),
        locale__language_code=settings.LANGUAGE_CODE,
    )
    written = []
    for changed in [decision, *repealed]:
        written += sending.change_alerts_for(changed)
    for notification in written:
        queue_sending(notification)
    return len(written)


@task()
def send_daily_digests(now=None):
    """One digest per daily subscription with items since its last one; returns how many were queued."""
    now = datetime.datetime.fromisoformat(now) if now else timezone.now()
    subscriptions = list(
        Subscription.objects.confirmed()
        .filter(frequency=Subscription.Frequency.DAILY)
        .select_related("rubric", "decision_kind")
    )
    if not subscriptions:
        return 0
    earliest = min(max(filter(None, [row.last_digest_at, row.confirmed_at])) for row in subscriptions)
    matches = sending.matches_since(earliest, now)
    queued = 0
    for subscription in subscriptions:
        notification = sending.digest_for(subscription, matches, now)
        if notification is not None:
            queue_sending(notification)
            queued += 1
    return queued


@task()
def remove_lapsed_requests():
    """Delete the requests whose confirmation link has lapsed (their address with them)."""
    lapsed = timezone.now() - datetime.timedelta(seconds=settings.SUBSCRIPTION_CONFIRM_SECONDS)
    lapsed_requests = Subscription.objects.filter(confirmed_at__isnull=True, created_at__lt=lapsed)
    addresses = dict(lapsed_requests.values_list("address_key", "email"))
    removed, _by_model = lapsed_requests.delete()
    remaining = set(
        Subscription.objects.filter(address_key__in=addresses).values_list("address_key", flat=True)
    )
    # The confirmation e-mails in the outbox go too, unless the address still has a subscription.
    services.forget_address([email for key, email in addresses.items() if key not in remaining])
    return removed


DAILY_TASKS = [send_daily_digests, remove_lapsed_requests]
