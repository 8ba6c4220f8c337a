"""The page cache: whole public responses kept for anonymous visitors in Django's default cache.

It is the first middleware: an entry is the finished response, with the security headers the
middlewares below it added, and a hit is answered before any of them runs.

An entry is keyed by scheme, host, path with query string, language and the visitor's
visual mode, and stamped with the cache "generation" current when its page was rendered.
Anything that changes what visitors see starts a new generation (purge_page_cache, wired in
home.signals and news.signals), so older entries are never served again; they also expire
after PAGE_CACHE_SECONDS. docs/page-cache.md explains it for operators.
"""

import hashlib
import time

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import DisallowedHost, MiddlewareNotUsed
from django.db import transaction
from django.http import HttpResponse
from django.utils.cache import cc_delim_re
from django.utils.translation import get_language_from_request

from home import visual_mode

GENERATION_KEY = "glazov:pages:generation"
ENTRY_KEY_PREFIX = "glazov:pages:entry:"
HEADER = "X-Cache"
HIT, MISS, BYPASS = "HIT", "MISS", "BYPASS"

# Never cached: the admin (and its previews), documents (may be private), the visual mode switch;
# static files and media are whitenoise's and nginx's, so they skip the cache without a lookup.
SKIPPED_PATH_PREFIXES = ("/admin/", "/documents/", "/visual-mode/", settings.STATIC_URL, settings.MEDIA_URL)
# Cookies that mean the page may be personal: a session (logged in, a sent report, a page
# password) or messages waiting to be shown.
PERSONAL_COOKIES = (settings.SESSION_COOKIE_NAME, "messages")
# The key covers what these Vary values stand for: the visual mode cookie (the only cookie a
# cached page depends on, since requests with personal cookies are not cached) and the language.
KEYED_VARY = {"cookie", "accept-language"}
PRIVATE_CACHE_CONTROL = {"private", "no-cache", "no-store"}
# A policy with a nonce is good for one response only (django-csp adds one when a template uses it).
CSP_HEADERS = ("Content-Security-Policy", "Content-Security-Policy-Report-Only")


def _new_generation():
    cache.set(GENERATION_KEY, time.time_ns(), None)


def purge_page_cache(**kwargs):
    """Stop serving every cached page: start a new generation now and again on commit.

    The second start catches a page rendered from the old content while the change was still
    uncommitted (and so stamped with the first new generation). Usable as a signal receiver.
    """
    _new_generation()
    transaction.on_commit(_new_generation)


def _current_generation(found):
    generation = found.get(GENERATION_KEY)
    if generation is None:  # first request, or the key was evicted: the entries are stale
        cache.add(GENERATION_KEY, time.time_ns(), None)
        generation = cache.get(GENERATION_KEY)
    return generation


def request_is_cacheable(request):
    """Whether this request may be answered from the cache (and its response stored)."""
    return (
        request.method in ("GET", "HEAD")
        # Wagtail's previews run the middleware on a made-up request for the page's public URL.
        and not getattr(request, "is_dummy", False)
        and not request.path.startswith(SKIPPED_PATH_PREFIXES)
        and not any(name in request.COOKIES for name in PERSONAL_COOKIES)
        and "Authorization" not in request.headers
        # A GET with a body is left to the middlewares below (RequestBodyLimitMiddleware answers 413).
        and request.META.get("CONTENT_LENGTH", "") in ("", "0")
        and "Transfer-Encoding" not in request.headers
    )


def entry_key(request, language):
    """The cache key of this request's page (the host is validated by request.get_host())."""
    mode = visual_mode.get_mode(request)
    parts = (
        request.scheme,
        request.get_host(),
        request.get_full_path(),
        language,
        visual_mode.serialise(mode) if mode.active else "normal",
    )
    return ENTRY_KEY_PREFIX + hashlib.sha256("\n".join(parts).encode()).hexdigest()


def response_is_cacheable(response, language):
    """Whether a response is the same for every anonymous visitor with this key.

    Only complete 200 responses that set no cookie, allow shared caching, vary on nothing the
    key leaves out, carry no CSP nonce and are in the key's language.
    """
    if response.status_code != 200 or response.streaming or response.cookies:
        return False
    cache_control = {
        directive.split("=", 1)[0].strip().lower()
        for directive in cc_delim_re.split(response.get("Cache-Control", ""))
    }
    if cache_control & PRIVATE_CACHE_CONTROL:
        return False
    vary = {field.strip().lower() for field in cc_delim_re.split(response.get("Vary", "")) if field.strip()}
    if not vary <= KEYED_VARY:
        return False
    if any("'nonce-" in response.get(header, "") for header in CSP_HEADERS):
        return False
    return response.get("Content-Language", language) == language


def _stored(response, generation):
    return {
        "generation": generation,
        "content": response.content,
        "headers": [(name, value) for name, value in response.items() if name != HEADER],
    }


def _from_entry(entry):
    response = HttpResponse(entry["content"])
    for name, value in entry["headers"]:
        response[name] = value
    response[HEADER] = HIT
    return response


class PageCacheMiddleware:
    """Serves anonymous visitors' GET and HEAD requests from the page cache, and fills it.

    It comes first in MIDDLEWARE: a hit returns before anything reads the session, the user or
    the CSRF cookie, and carries the security headers stored with the page. Every response it passes gets X-Cache: HIT, MISS (rendered
    and stored; for HEAD, only rendered) or BYPASS (not for the cache). With
    PAGE_CACHE_SECONDS = 0 it is switched off and adds nothing.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.timeout = settings.PAGE_CACHE_SECONDS
        if not self.timeout:
            raise MiddlewareNotUsed

    def __call__(self, request):
        key = None
        if request_is_cacheable(request):
            language = get_language_from_request(request, check_path=True)
            try:
                key = entry_key(request, language)
            except DisallowedHost:
                key = None  # the common middleware answers it
        if key is None:
            response = self.get_response(request)
            response[HEADER] = BYPASS
            return response

        found = cache.get_many([GENERATION_KEY, key])
        generation = _current_generation(found)
        entry = found.get(key)
        if entry is not None and entry["generation"] == generation:
            return _from_entry(entry)

        response = self.get_response(request)
        if not response_is_cacheable(response, language):
            response[HEADER] = BYPASS
            return response
        # A HEAD response is served by the server without its body: store GET ones only.
        if request.method == "GET":
            cache.set(key, _stored(response, generation), self.timeout)
        response[HEADER] = MISS
        return response
