from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HomeConfig(AppConfig):
    """Site-wide pieces: base page, home and information pages, navigation, footer."""

    name = "home"
    verbose_name = _("Основное")

    def ready(self):
        # Django's idiom: connect signal handlers once the app registry is ready (models importable).
        from . import caching, localize_sync, signals  # noqa: F401, PLC0415

        localize_sync.connect()
        caching.connect()
