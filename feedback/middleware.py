"""Refuse oversized request bodies before anything reads them."""

from django.conf import settings
from django.shortcuts import render
from django.utils.translation import gettext as _

from .open311_format import errors_response


class RequestBodyLimitMiddleware:
    """Answer 413 with a Russian explanation when a request announces a body over MAX_REQUEST_BODY_BYTES.

    Placed before CSRF and sessions, so an oversized upload is refused from its headers
    without being read or written to disk. The web server should enforce the same limit.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > settings.MAX_REQUEST_BODY_BYTES and request.path.startswith("/open311/"):
            return too_large_for_the_api(request)
        if length > settings.MAX_REQUEST_BODY_BYTES:
            response = render(
                request,
                "feedback/request_too_large.html",
                {"limit_mb": settings.MAX_REQUEST_BODY_BYTES // (1024 * 1024)},
                status=413,
            )
            response["Connection"] = "close"
            return response
        return self.get_response(request)


def too_large_for_the_api(request):
    """The Open311 API's partners get the spec's error document, in the format they asked for."""
    fmt = "json" if request.path.endswith(".json") else "xml"
    limit_mb = settings.MAX_REQUEST_BODY_BYTES // (1024 * 1024)
    response = errors_response(
        fmt, 413, [_("Запрос больше %(mb)d МБ: отправьте меньше фото или уменьшите их.") % {"mb": limit_mb}]
    )
    response["Connection"] = "close"
    return response
