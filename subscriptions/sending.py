"""Who is told about an item, and the e-mail each subscriber gets (in their language).

Every e-mail is an outbox row (feedback.Notification) with a key naming the item or the day and
the subscription, so a task run twice writes and sends each message once.
"""

import hashlib

from django.conf import settings
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone, translation
from wagtail.models import Locale, Page

from feedback.models import Notification
from home.i18n import visible_to_everyone
from news.models import DecisionIndexPage, DecisionPage, NewsIndexPage, NewsPage

from . import services
from .models import Announcement, Subscription

DIGEST_MAX_ITEMS = 20


def is_public(page):
    return visible_to_everyone(Page.objects.filter(pk=page.pk)).exists()


def matching(announcement):
    """The confirmed subscriptions an item concerns (any frequency)."""
    page = announcement.page.specific
    subscriptions = Subscription.objects.confirmed()
    if isinstance(page, NewsPage):
        rubric_keys = list(page.rubrics.values_list("translation_key", flat=True))
        return subscriptions.filter(
            Q(topic=Subscription.Topic.NEWS)
            | Q(topic=Subscription.Topic.RUBRIC, rubric__translation_key__in=rubric_keys)
        )
    if isinstance(page, DecisionPage):
        kind_key = page.kind.translation_key if page.kind_id else None
        return subscriptions.filter(topic=Subscription.Topic.DECISIONS).filter(
            Q(decision_kind__isnull=True) | Q(decision_kind__translation_key=kind_key)
        )
    return subscriptions.none()


def fingerprint(decision):
    """A hash of what a follower of a decision cares about: its status, dates, document and text."""
    state = [
        decision.status,
        decision.effective_date,
        decision.lost_force_date,
        decision.document_id,
        decision.title,
        decision.number,
        decision.full_text,
    ]
    return hashlib.sha256(repr(state).encode()).hexdigest()


def change_alerts_for(decision):
    """Alerts to the followers of ``decision`` when its state differs from the one they were told
    (its announcement's fingerprint); returns the new rows. Every language version counts once."""
    announcement = Announcement.objects.filter(translation_key=decision.translation_key).first()
    if announcement is None or not is_public(decision):
        return []
    current = fingerprint(decision)
    if (
        not Announcement.objects.filter(pk=announcement.pk)
        .exclude(fingerprint=current)
        .update(fingerprint=current)
    ):
        return []  # unchanged, or another worker took this change
    followers = Subscription.objects.confirmed().filter(
        topic=Subscription.Topic.DECISION, decision__translation_key=decision.translation_key
    )
    versions = {}
    written = []
    for subscription in followers.select_related("decision").iterator():
        item = version_for(decision, subscription.language, versions)
        with translation.override(subscription.language):
            status = item.get_status_display()
        context = {"item": item, "item_url": item.get_full_url(), "status": status}
        key = f"change-{announcement.pk}-{current[:16]}-{subscription.pk}"
        note = write(subscription, key, "subscriptions/email/decision_change", context)
        if note is not None:
            written.append(note)
    return written


def version_for(page, language, cache):
    """The item in ``language`` where that version is public, else the item as published."""
    if language not in cache:
        locale = Locale.objects.filter(language_code=language).first()
        translated = page.get_translation_or_none(locale) if locale else None
        cache[language] = translated.specific if translated and is_public(translated) else page
    return cache[language]


def write(subscription, key, template, context):
    """One outbox row for ``subscription`` (None if that key was written already)."""
    links, headers = services.email_links(subscription)
    context = {**context, **links, "topic": services.describe(subscription, subscription.language)}
    with translation.override(subscription.language):
        subject = " ".join(render_to_string(f"{template}_subject.txt", context).split())
        body = render_to_string(f"{template}.txt", context)
    notification, created = Notification.objects.get_or_create(
        idempotency_key=key,
        defaults={
            "kind": Notification.Kind.SUBSCRIPTION,
            "recipients": subscription.email,
            "subject": subject[:300],
            "body": body,
            "headers": headers,
        },
    )
    return notification if created else None


def alerts_for(announcement):
    """Write the immediate alerts of an item; returns the new rows (to send)."""
    page = announcement.page.specific
    if not is_public(page):
        return []
    versions = {}
    written = []
    subscriptions = matching(announcement).filter(frequency=Subscription.Frequency.IMMEDIATE)
    for subscription in subscriptions.select_related("rubric", "decision_kind").iterator():
        item = version_for(page, subscription.language, versions)
        context = {"item": item, "item_url": item.get_full_url(), "kind": announcement.kind}
        key = f"alert-{announcement.pk}-{subscription.pk}"
        note = write(subscription, key, "subscriptions/email/alert", context)
        if note is not None:
            written.append(note)
    return written


def matches_since(since, now):
    """[(announcement, ids of the daily subscriptions it concerns)] for the items in (since, now]."""
    announcements = (
        Announcement.objects.filter(created_at__gt=since, created_at__lte=now)
        .select_related("page")
        .order_by("created_at", "pk")
    )
    daily = Subscription.Frequency.DAILY
    return [
        (announcement, set(matching(announcement).filter(frequency=daily).values_list("pk", flat=True)))
        for announcement in announcements
    ]


def digest_for(subscription, matches, now):
    """Write a subscription's daily digest of the items since its last one; None when there are none.

    ``matches`` is matches_since() from the earliest start of the run's subscriptions.
    """
    since = max(filter(None, [subscription.last_digest_at, subscription.confirmed_at]))
    Subscription.objects.filter(pk=subscription.pk).update(last_digest_at=now)
    items = []
    for announcement, ids in matches:
        if subscription.pk in ids and announcement.created_at > since:
            page = announcement.page.specific
            if is_public(page):
                item = version_for(page, subscription.language, {})
                items.append({"item": item, "item_url": item.get_full_url()})
    if not items:
        return None
    day = timezone.localdate(now)
    context = {
        "items": items[:DIGEST_MAX_ITEMS],
        "count": len(items),
        "more": len(items) > DIGEST_MAX_ITEMS,
        "more_url": more_url(subscription),
        "day": day,
    }
    return write(
        subscription, f"digest-{subscription.pk}-{day.isoformat()}", "subscriptions/email/digest", context
    )


def more_url(subscription):
    """Where the rest of a long digest is: the news list (of the rubric) or the registry."""
    model = DecisionIndexPage if subscription.topic == Subscription.Topic.DECISIONS else NewsIndexPage
    indexes = visible_to_everyone(model.objects.all())
    index = (
        indexes.filter(locale__language_code=subscription.language).first()
        or indexes.filter(locale__language_code=settings.LANGUAGE_CODE).first()
    )
    if index is None:
        return services.absolute_url(subscription.language, "subscriptions:subscribe")
    url = index.get_full_url()
    if subscription.rubric_id:
        url += f"?rubric={subscription.rubric.slug}"
    return url
