from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NewsConfig(AppConfig):
    """City news and the registry of the city Duma's decisions."""

    name = "news"
    verbose_name = _("Новости и решения Думы")

    def ready(self):
        # Django's idiom: connect signal handlers once the app registry is ready (models importable).
        from news import signals  # noqa: F401, PLC0415
