"""Deployment checks of «Решаем вместе» (run by `manage.py check --deploy`)."""

from django.conf import settings
from django.core.checks import Tags, Warning, register


@register(Tags.security, deploy=True)
def rate_limit_is_on(app_configs, **kwargs):
    """The report rate limit may be off for a load test, never on the live site."""
    if settings.FEEDBACK_RATE_LIMIT is not None:
        return []
    return [
        Warning(
            "The feedback form's rate limit is off (FEEDBACK_RATE_LIMIT=off).",
            hint="Remove FEEDBACK_RATE_LIMIT from the environment: it is meant for load tests only.",
            id="feedback.W001",
        )
    ]
