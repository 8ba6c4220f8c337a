"""What the report form's rate limits count, kept in the database so no cache entry can push it out."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class RateLimitEvent(models.Model):
    """One counted post from one client: a report sent, or a post that carried photos.

    ``client`` is a keyed hash of the client's address (IPv6: its /64 network), never the address
    itself. Rows older than the longest window are deleted as new ones are written
    (feedback.ratelimit.record).
    """

    class Kind(models.TextChoices):
        REPORT = "report", _("сообщение")
        UPLOAD = "upload", _("отправка с фото")
        SUBSCRIBE = "subscribe", _("запрос подписки")

    kind = models.CharField(_("что посчитано"), max_length=10, choices=Kind.choices)
    client = models.CharField(_("клиент (хеш адреса)"), max_length=64)
    created_at = models.DateTimeField(_("когда"), default=timezone.now)

    class Meta:
        verbose_name = _("событие ограничения частоты")
        verbose_name_plural = _("события ограничения частоты")
        indexes = [
            models.Index(fields=["kind", "client", "created_at"], name="feedback_ratelimit_count"),
            models.Index(fields=["created_at"], name="feedback_ratelimit_expiry"),
        ]

    def __str__(self):
        return f"{self.kind} {self.client[:8]}… {self.created_at:%Y-%m-%d %H:%M:%S}"
