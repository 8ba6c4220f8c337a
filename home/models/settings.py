"""Site settings: configuration editors change in «Настройки», never text to translate."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting

from home.visual_mode import DEFAULT_SCHEME, SCHEMES


@register_setting(icon="view")
class AccessibilitySettings(BaseSiteSetting):
    """How the version for the visually impaired starts for a visitor who has not chosen colours."""

    default_scheme = models.CharField(
        _("цветовая схема по умолчанию"),
        max_length=10,
        choices=list(SCHEMES.items()),
        default=DEFAULT_SCHEME,
        help_text=_(
            "Цвета, в которых откроется версия для слабовидящих, пока посетитель сам не выбрал "
            "другие. На обычную версию сайта не влияет."
        ),
    )

    panels = [FieldPanel("default_scheme")]

    class Meta:
        verbose_name = _("версия для слабовидящих")
