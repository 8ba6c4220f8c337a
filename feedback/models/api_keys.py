"""Partners' keys for submitting reports through the Open311 API (feedback/open311.py)."""

import hashlib
import hmac
import secrets

from django.db import models
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

KEY_PREFIX = "glz_"


def hash_key(raw):
    """The stored form of a key: a SHA-256 digest (the key itself is 256 random bits, so no salt)."""
    return hashlib.sha256(raw.encode()).hexdigest()


class ApiKey(models.Model):
    """One partner's key: shown once when created, stored hashed, refused at once when revoked."""

    partner = models.CharField(
        _("организация-партнёр"),
        max_length=200,
        help_text=_("Кто отправляет сообщения жителей через API, например «Региональная система обращений»."),
    )
    contact = models.CharField(
        _("контакт партнёра"),
        max_length=300,
        help_text=_("Кому писать о сбоях и о смене ключа: имя, почта или телефон сотрудника партнёра."),
    )
    is_active = models.BooleanField(
        _("действует"),
        default=True,
        help_text=_("Снимите галочку, чтобы отозвать ключ: с этой минуты API откажет его запросам."),
    )
    prefix = models.CharField(_("начало ключа"), max_length=16, editable=False)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("создан"), default=timezone.now, editable=False)
    last_used_at = models.DateTimeField(_("последнее использование"), null=True, blank=True, editable=False)
    requests_count = models.PositiveIntegerField(_("принято сообщений"), default=0, editable=False)

    class Meta:
        verbose_name = _("ключ API")
        verbose_name_plural = _("ключи API (Open311)")
        ordering = ["partner", "-created_at"]

    def __str__(self):
        return f"{self.partner} ({self.prefix}…)"

    def generate(self):
        """Give this key a new secret; returns it (the only time anyone sees it in full)."""
        raw = KEY_PREFIX + secrets.token_urlsafe(32)
        self.prefix = raw[: len(KEY_PREFIX) + 6]
        self.key_hash = hash_key(raw)
        return raw

    @classmethod
    def find_active(cls, raw):
        """The active key ``raw`` is, or None."""
        if not raw or not raw.startswith(KEY_PREFIX) or len(raw) > 100:
            return None
        digest = hash_key(raw)
        key = cls.objects.filter(key_hash=digest, is_active=True).first()
        if key is None or not hmac.compare_digest(key.key_hash, digest):
            return None
        return key

    def record_use(self):
        now = timezone.now()
        ApiKey.objects.filter(pk=self.pk).update(requests_count=F("requests_count") + 1, last_used_at=now)
