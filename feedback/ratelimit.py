"""The report form's rate limits: reports sent, and posts that carry photos, per client and window.

The counts live in the database (RateLimitEvent), not in the cache: page cache entries, a full
Redis or a Redis outage must never reset them. A client is the address nginx saw
(FEEDBACK_CLIENT_IP_HEADER), an IPv6 client its /64 network (one household's or phone's whole
range), and is stored only as a keyed hash.
"""

import hashlib
import hmac
import ipaddress
import logging
from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from .models import RateLimitEvent

logger = logging.getLogger(__name__)
REPORT, UPLOAD = RateLimitEvent.Kind.REPORT, RateLimitEvent.Kind.UPLOAD
SUBSCRIBE = RateLimitEvent.Kind.SUBSCRIBE  # the subscribe form (subscriptions/views.py)
LOOPBACK_PROXY_HEADERS = ("HTTP_X_REAL_IP", "HTTP_X_FORWARDED_FOR")
_warned_about_proxy = False


def limit(kind):
    """(count, seconds) for ``kind``, or None when the limits are off (FEEDBACK_RATE_LIMIT=off)."""
    if settings.FEEDBACK_RATE_LIMIT is None:
        return None
    return {
        REPORT: settings.FEEDBACK_RATE_LIMIT,
        UPLOAD: settings.FEEDBACK_UPLOAD_RATE_LIMIT,
        SUBSCRIBE: settings.SUBSCRIPTION_CLIENT_RATE_LIMIT,
    }[kind]


def client_address(request):
    """The client's address as the trusted proxy saw it.

    A header's rightmost entry is the one our nginx wrote ($remote_addr, also appended last to
    X-Forwarded-For); entries to its left come from the client and can say anything.
    """
    remote = request.META.get("REMOTE_ADDR", "")
    header = settings.FEEDBACK_CLIENT_IP_HEADER
    if header == "REMOTE_ADDR":
        _warn_if_behind_a_proxy(request, remote)
        return remote
    value = request.META.get(header, "").split(",")[-1].strip()
    return value or remote


def _warn_if_behind_a_proxy(request, remote):
    global _warned_about_proxy
    if _warned_about_proxy or not any(name in request.META for name in LOOPBACK_PROXY_HEADERS):
        return
    try:
        if not ipaddress.ip_address(remote).is_loopback:
            return
    except ValueError:
        return
    _warned_about_proxy = True
    logger.warning(
        "FEEDBACK_CLIENT_IP_HEADER is not set but requests come through a proxy: every resident "
        "counts as %s for the report rate limit. Set FEEDBACK_CLIENT_IP_HEADER=X-Real-IP.",
        remote,
    )


def client_bucket(address):
    """What the limit counts: an IPv4 address, an IPv6 /64 network, or the raw value if neither."""
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return address
    if parsed.version == 6:
        if parsed.ipv4_mapped is not None:
            return str(parsed.ipv4_mapped)
        return str(ipaddress.ip_network(f"{parsed}/64", strict=False))
    return str(parsed)


def client_key(request):
    """A keyed hash of the client's bucket: nothing readable is stored."""
    bucket = client_bucket(client_address(request))
    return hmac.new(settings.SECRET_KEY.encode(), bucket.encode(), hashlib.sha256).hexdigest()


def is_limited(request, kind):
    """Whether this client has used up ``kind``'s allowance in the current window."""
    allowed = limit(kind)
    if allowed is None:
        return False
    count, seconds = allowed
    since = timezone.now() - timedelta(seconds=seconds)
    return (
        RateLimitEvent.objects.filter(kind=kind, client=client_key(request), created_at__gt=since).count()
        >= count
    )


def record(request, kind):
    """Count one ``kind`` for this client, and delete the events every window has left behind."""
    if limit(kind) is None:
        return
    now = timezone.now()
    RateLimitEvent.objects.create(kind=kind, client=client_key(request), created_at=now)
    longest = max(limit(REPORT)[1], limit(UPLOAD)[1], limit(SUBSCRIBE)[1])
    RateLimitEvent.objects.filter(created_at__lt=now - timedelta(seconds=longest)).delete()
