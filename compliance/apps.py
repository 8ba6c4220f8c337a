from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ComplianceConfig(AppConfig):
    """What 8-ФЗ requires the site to publish, which pages satisfy it and how fresh they are."""

    name = "compliance"
    verbose_name = _("Обязательная информация")
