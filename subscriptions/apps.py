from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SubscriptionsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "subscriptions"
    verbose_name = _("Подписки на новости и решения")

    def ready(self):
        # Django's idiom: connect signal handlers once the app registry is ready (models importable).
        from subscriptions import signals  # noqa: F401, PLC0415
