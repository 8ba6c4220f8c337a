"""E-mail subscriptions of residents to news, rubrics and Duma decisions (double opt-in).

A row is a request until ``confirmed_at`` is set by the signed link in the confirmation e-mail;
nothing but that e-mail is ever sent to an unconfirmed address. ``address_key`` is a keyed hash of
the address: management links and the queue carry it (or a row's id), never the address itself.
"""

import hashlib
import hmac

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


def address_key(email):
    """A keyed hash of an address: the same for every spelling of its case, useless without the key."""
    key = f"subscriptions:{settings.SECRET_KEY}".encode()
    return hmac.new(key, email.strip().lower().encode(), hashlib.sha256).hexdigest()[:40]


class SubscriptionQuerySet(models.QuerySet):
    def confirmed(self):
        return self.filter(confirmed_at__isnull=False)

    def for_address(self, key):
        return self.filter(address_key=key)


class Subscription(models.Model):
    class Topic(models.TextChoices):
        NEWS = "news", _("все новости")
        RUBRIC = "rubric", _("новости рубрики")
        DECISIONS = "decisions", _("новые решения Думы")
        DECISION = "decision", _("изменения одного решения")

    class Frequency(models.TextChoices):
        IMMEDIATE = "immediate", _("сразу")
        DAILY = "daily", _("раз в день")

    email = models.EmailField(_("адрес"), max_length=254)
    address_key = models.CharField(_("ключ адреса"), max_length=40, db_index=True, editable=False)
    topic = models.CharField(_("тема"), max_length=20, choices=Topic.choices)
    # The chosen rubric or kind of act, in the language it was chosen in; alerts match its
    # translation_key, so a news item in any language of the rubric matches.
    rubric = models.ForeignKey(
        "news.Rubric", verbose_name=_("рубрика"), on_delete=models.CASCADE, null=True, blank=True
    )
    decision_kind = models.ForeignKey(
        "news.DecisionKind",
        verbose_name=_("вид акта"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        help_text=_("Пусто — решения любого вида."),
    )
    decision = models.ForeignKey(
        "news.DecisionPage", verbose_name=_("решение"), on_delete=models.CASCADE, null=True, blank=True
    )
    language = models.CharField(_("язык писем"), max_length=10, choices=settings.LANGUAGES)
    frequency = models.CharField(
        _("как часто"), max_length=10, choices=Frequency.choices, default=Frequency.IMMEDIATE
    )
    created_at = models.DateTimeField(_("запрошена"), default=timezone.now)
    confirmed_at = models.DateTimeField(_("подтверждена"), null=True, blank=True)
    # 152-FZ: the consent text the resident agreed to, word for word, and when.
    consent_text = models.TextField(_("текст согласия"))
    consent_at = models.DateTimeField(_("согласие дано"), default=timezone.now)
    last_digest_at = models.DateTimeField(_("последняя сводка"), null=True, blank=True, editable=False)

    objects = SubscriptionQuerySet.as_manager()

    class Meta:
        verbose_name = _("подписка")
        verbose_name_plural = _("подписки")
        ordering = ["created_at", "pk"]
        permissions = [("view_subscription_counts", _("Может видеть число подписчиков по темам"))]

    def __str__(self):
        return f"{self.get_topic_display()} ({self.pk})"

    def save(self, *args, **kwargs):
        self.email = self.email.strip()
        self.address_key = address_key(self.email)
        super().save(*args, **kwargs)

    @property
    def is_confirmed(self):
        return self.confirmed_at is not None

    def same_topic(self):
        """The address's other rows for this very topic (a second request must not duplicate it)."""
        return Subscription.objects.for_address(self.address_key).filter(
            topic=self.topic,
            rubric__translation_key=self.rubric.translation_key if self.rubric else None,
            decision_kind__translation_key=self.decision_kind.translation_key if self.decision_kind else None,
            decision__translation_key=self.decision.translation_key if self.decision else None,
        )


class Announcement(models.Model):
    """A news item or a decision the subscribers were (or will be) told about: one per item.

    Written when an item is first published where everyone can see it (any language version: the
    row is per translation_key), so publishing it again, or its translation, alerts nobody twice.
    The daily digest collects the rows made since a subscription's last digest.
    """

    class Kind(models.TextChoices):
        NEWS = "news", _("новость")
        DECISION = "decision", _("решение")

    translation_key = models.UUIDField(_("ключ перевода"), unique=True, editable=False)
    page = models.ForeignKey("wagtailcore.Page", verbose_name=_("страница"), on_delete=models.CASCADE)
    kind = models.CharField(_("вид"), max_length=10, choices=Kind.choices)
    created_at = models.DateTimeField(_("опубликовано"), default=timezone.now, db_index=True)
    # A decision's public state when its followers were last told (status, dates, document, text).
    fingerprint = models.CharField(_("отпечаток состояния"), max_length=64, blank=True, editable=False)

    class Meta:
        verbose_name = _("объявление подписчикам")
        verbose_name_plural = _("объявления подписчикам")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.get_kind_display()} {self.page_id}"
