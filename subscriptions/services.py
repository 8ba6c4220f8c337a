"""Every change of a subscription goes through here: request, confirm, change, unsubscribe.

E-mails are outbox rows (feedback.Notification, kind «письмо подписчику») sent by the worker
(feedback.tasks.send_notification): claimed before sending, one Message-ID on every attempt.
"""

import datetime

from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from wagtail.models import Locale

from feedback.models import Notification
from feedback.tasks import queue_sending
from news.models import DecisionKind, Rubric
from news.models.snippets import localized_snippets

from . import tokens
from .models import Subscription, address_key

# A second request for the same unconfirmed topic sends the link again only after this long.
RESEND_AFTER = datetime.timedelta(minutes=10)


def absolute_url(language, name, **kwargs):
    with translation.override(language):
        path = reverse(name, kwargs=kwargs)
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + path


def describe(subscription, language=None):
    """The topic as the resident chose it, in ``language`` (the active one by default)."""
    language = language or translation.get_language()
    with translation.override(language):
        if subscription.rubric_id:
            rubric = localized_snippets(Rubric, language).get(subscription.rubric_id) or subscription.rubric
            return translation.gettext("Новости рубрики «%(name)s»") % {"name": rubric.name}
        if subscription.decision_kind_id:
            kind = (
                localized_snippets(DecisionKind, language).get(subscription.decision_kind_id)
                or subscription.decision_kind
            )
            return translation.gettext("Новые акты вида «%(name)s»") % {"name": kind.name}
        if subscription.decision_id:
            locale = Locale.objects.filter(language_code=language).first()
            decision = subscription.decision.get_translation_or_none(locale) if locale else None
            title = (decision or subscription.decision).title
            return translation.gettext("Изменения решения «%(title)s»") % {"title": title}
        if subscription.topic == Subscription.Topic.DECISIONS:
            return translation.gettext("Все новые решения городской Думы")
        return translation.gettext("Все новости города")


def unconfirmed_today(key, now):
    return (
        Subscription.objects.for_address(key)
        .filter(confirmed_at__isnull=True, created_at__gte=now - datetime.timedelta(days=1))
        .count()
    )


@transaction.atomic
def request_subscription(email, topic_fields, frequency, language, consent_text, now=None):
    """Record a request and e-mail the confirmation link; None when nothing was sent.

    The caller answers the same whatever happens here, so nobody learns from the page whether an
    address is subscribed: a confirmed topic is left as it is (its owner changes it from the link
    in any alert), a repeated request resends the link at most every RESEND_AFTER, and an address
    gets at most SUBSCRIPTION_REQUESTS_PER_DAY requests a day.
    """
    now = now or timezone.now()
    subscription = Subscription(email=email, language=language, frequency=frequency, **topic_fields)
    subscription.address_key = address_key(email)
    existing = subscription.same_topic().select_for_update(of=("self",)).first()
    if existing is not None and existing.is_confirmed:
        return None
    if existing is not None:
        if existing.created_at > now - RESEND_AFTER:
            return None
        subscription = existing
        subscription.email, subscription.language, subscription.frequency = email, language, frequency
    elif unconfirmed_today(subscription.address_key, now) >= settings.SUBSCRIPTION_REQUESTS_PER_DAY:
        return None
    subscription.created_at = subscription.consent_at = now
    subscription.consent_text = str(consent_text)
    subscription.save()
    return send_confirmation(subscription, now)


def send_confirmation(subscription, now):
    context = {
        "topic": describe(subscription, subscription.language),
        "frequency": subscription.get_frequency_display,
        "confirm_url": absolute_url(
            subscription.language, "subscriptions:confirm", token=tokens.confirm_token(subscription)
        ),
        "requested_at": timezone.localtime(now),
        "valid_days": settings.SUBSCRIPTION_CONFIRM_SECONDS // 86400,
        "site_url": absolute_url(subscription.language, "subscriptions:subscribe"),
    }
    with translation.override(subscription.language):
        context["frequency"] = subscription.get_frequency_display()
        subject = " ".join(render_to_string("subscriptions/email/confirm_subject.txt", context).split())
        body = render_to_string("subscriptions/email/confirm.txt", context)
    notification = Notification.objects.create(
        kind=Notification.Kind.SUBSCRIPTION,
        recipients=subscription.email,
        subject=subject,
        body=body,
        idempotency_key=f"subscription-confirm-{subscription.pk}-{int(now.timestamp())}",
    )
    queue_sending(notification)
    return notification


class LinkError(Exception):
    """A link that cannot be used; ``expired`` tells a lapsed link from a broken one."""

    def __init__(self, expired=False):
        super().__init__()
        self.expired = expired


def subscription_from_confirm_token(token):
    try:
        pk = tokens.read_confirm_token(token)
    except tokens.Expired as error:
        raise LinkError(expired=True) from error
    except tokens.Invalid as error:
        raise LinkError from error
    subscription = Subscription.objects.filter(pk=pk).first()
    if subscription is None:
        raise LinkError(expired=True)  # deleted after it lapsed, or unsubscribed
    return subscription


def confirm(subscription, now=None):
    """Make the subscription active (the signed link was followed); True if it was not yet."""
    return bool(
        Subscription.objects.filter(pk=subscription.pk, confirmed_at__isnull=True).update(
            confirmed_at=now or timezone.now()
        )
    )


def email_links(subscription):
    """The management and one-click links of an alert, and its RFC 8058 headers."""
    manage_url = absolute_url(
        subscription.language, "subscriptions:manage", token=tokens.manage_token(subscription.address_key)
    )
    unsubscribe_url = absolute_url(
        subscription.language, "subscriptions:unsubscribe", token=tokens.unsubscribe_token(subscription)
    )
    headers = {
        "List-Unsubscribe": f"<{unsubscribe_url}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }
    return {"manage_url": manage_url, "unsubscribe_url": unsubscribe_url}, headers


def subscriptions_from_manage_token(token):
    try:
        key = tokens.read_manage_token(token)
    except (tokens.Expired, tokens.Invalid) as error:
        raise LinkError from error
    return key, Subscription.objects.for_address(key).confirmed().select_related(
        "rubric", "decision_kind", "decision"
    )


def subscription_from_unsubscribe_token(token):
    try:
        pk = tokens.read_unsubscribe_token(token)
    except (tokens.Expired, tokens.Invalid) as error:
        raise LinkError from error
    return pk, Subscription.objects.filter(pk=pk).first()


def change_frequency(key, pk, frequency):
    if frequency not in Subscription.Frequency.values:
        return False
    return bool(Subscription.objects.for_address(key).filter(pk=pk).update(frequency=frequency))


@transaction.atomic
def unsubscribe(key, pks=None):
    """Delete the address's subscriptions ``pks`` (all when None); returns how many went.

    With the last one the address goes too: its e-mails in the outbox (sent or waiting) are
    deleted, so nothing of it is kept once the resident has left every list (152-FZ).
    """
    rows = Subscription.objects.for_address(key)
    if pks is not None:
        rows = rows.filter(pk__in=pks)
    emails = set(rows.values_list("email", flat=True))
    removed, _by_model = rows.delete()
    if removed and not Subscription.objects.for_address(key).exists():
        forget_address(emails)
    return removed


def forget_address(emails):
    """Remove every subscription e-mail to these addresses from the outbox (sent or not)."""
    for email in emails:
        Notification.objects.filter(kind=Notification.Kind.SUBSCRIPTION, recipients__iexact=email).delete()
