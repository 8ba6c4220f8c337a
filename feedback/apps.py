from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FeedbackConfig(AppConfig):
    """«Решаем вместе»: residents' problem reports and the staff inbox."""

    name = "feedback"
    verbose_name = _("Решаем вместе")

    def ready(self):
        # Let Pillow open the HEIC photos iPhones take.
        from pillow_heif import register_heif_opener

        from . import checks, signals  # noqa: F401 - registers the deployment checks, the receivers

        register_heif_opener()
