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


@register(Tags.security, deploy=True)
def client_address_behind_proxy(app_configs, **kwargs):
    """Behind nginx, without FEEDBACK_CLIENT_IP_HEADER every resident has nginx's own address."""
    if not settings.SECURE_PROXY_SSL_HEADER or settings.FEEDBACK_CLIENT_IP_HEADER != "REMOTE_ADDR":
        return []
    return [
        Warning(
            "FEEDBACK_CLIENT_IP_HEADER is not set, yet the site runs behind a proxy "
            "(SECURE_PROXY_SSL_HEADER is set): every resident has the proxy's address, so a few "
            "reports close the form for the whole city.",
            hint="Set FEEDBACK_CLIENT_IP_HEADER=X-Real-IP in the environment (deploy/nginx.conf sets "
            "X-Real-IP to the client's address).",
            id="feedback.W002",
        )
    ]
