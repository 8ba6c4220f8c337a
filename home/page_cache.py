"""The page cache: whole public responses kept for anonymous visitors in Django's default cache.

It is the first middleware: an entry is the finished response, with the security headers the
middlewares below it added, and a hit is answered before any of them runs.

Each worker process also keeps the pages it found in the shared cache in its own memory
(LocalPages), so a popular page under load is answered without a round trip to Redis. A worker
trusts the generation it last read for PAGE_CACHE_LOCAL_SECONDS (1 s), so a purge made in another
worker reaches it at most that much later; a purge in its own process reaches it at once.

An entry is keyed by scheme, host, path, the query parameters the page uses, language and the
visitor's visual mode, and stamped with the cache "generation" current when its page was rendered.
Anything that changes what visitors see starts a new generation (purge_page_cache, wired in
home.signals and news.signals), so older entries are never served again; they also expire
after PAGE_CACHE_SECONDS. docs/page-cache.md explains it for operators.

Query strings: a view declares the parameters its page depends on (uses_query_parameters; none
if it declares nothing). The first response at an address with a query string tells the cache
which they are, and that is kept (a "parameters" record, per address, language and generation).
From then on every other parameter is dropped from the request before anything reads it, so
`/robots.txt?n=1`, `/ru/?utm_source=x` share the entry of the address without them, and one
address has at most one entry per combination of the values of its declared parameters.
"""

import functools
import hashlib
import threading
import time
from collections import OrderedDict
from urllib.parse import urlencode

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import DisallowedHost, MiddlewareNotUsed
from django.db import transaction
from django.http import HttpResponse, QueryDict
from django.utils.cache import cc_delim_re
from django.utils.encoding import escape_uri_path
from django.utils.translation import get_language_from_request

from home import visual_mode
from home.caching import retry_failed_markers, set_marker

GENERATION_KEY = "glazov:pages:generation"
ENTRY_KEY_PREFIX = "glazov:pages:entry:"
PARAMETERS_KEY_PREFIX = "glazov:pages:parameters:"
# Where a response says which query parameters it depends on (set by uses_query_parameters).
RESPONSE_ATTRIBUTE = "page_cache_query_parameters"
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


def start_new_generation():
    """Retire every cached page; False if the cache could not be told (it is retried, see set_marker)."""
    local_pages.forget_generation()
    return set_marker(GENERATION_KEY, time.time_ns)


def purge_page_cache(**kwargs):
    """Stop serving every cached page: start a new generation now and again on commit.

    The second start catches a page rendered from the old content while the change was still
    uncommitted (and so stamped with the first new generation). Usable as a signal receiver.
    """
    start_new_generation()
    transaction.on_commit(start_new_generation)


def _current_generation(found):
    """The generation in the cache; None if the cache cannot keep one (Redis unreachable)."""
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


def uses_query_parameters(*names):
    """Decorator of a view (or of a function a RoutablePage route calls): its page depends on the
    query parameters ``names`` and on no other. The page cache keys its entries by these alone and
    drops the others from the request. A view that is not decorated depends on none."""
    declared = frozenset(names)

    def decorator(view):
        @functools.wraps(view)
        def wrapped(*args, **kwargs):
            response = view(*args, **kwargs)
            setattr(response, RESPONSE_ATTRIBUTE, declared)
            return response

        return wrapped

    return decorator


def declared_query_parameters(response):
    return getattr(response, RESPONSE_ATTRIBUTE, frozenset())


def canonical_query(request, parameters):
    """The query string of the request's values of ``parameters`` only, parameters in name order."""
    names = sorted(set(request.GET) & set(parameters))
    return urlencode([(name, value) for name in names for value in request.GET.getlist(name)])


def keep_only_query(request, query):
    """Make the request carry ``query`` as its whole query string, so the view renders what the key says."""
    request.META["QUERY_STRING"] = query
    request.GET = QueryDict(query)


def _hashed(prefix, parts):
    return prefix + hashlib.sha256("\n".join(parts).encode()).hexdigest()


def entry_key(request, language, query=""):
    """The cache key of this request's page with ``query`` as its query string (the host is
    validated by request.get_host())."""
    mode = visual_mode.get_mode(request)
    path = escape_uri_path(request.path) + (f"?{query}" if query else "")
    parts = (
        request.scheme,
        request.get_host(),
        path,
        language,
        visual_mode.serialise(mode) if mode.active else "normal",
    )
    return _hashed(ENTRY_KEY_PREFIX, parts)


def parameters_key(request, language):
    """The key of the record of which query parameters the page at this address uses."""
    return _hashed(PARAMETERS_KEY_PREFIX, (request.scheme, request.get_host(), request.path, language))


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
        "stored_at": time.time(),
        "content": response.content,
        "headers": [(name, value) for name, value in response.items() if name != HEADER],
    }


def _stored_parameters(parameters, generation):
    # Shaped like a page entry (with no content) so that a worker's LocalPages can keep it too.
    return {
        "generation": generation,
        "stored_at": time.time(),
        "content": b"",
        "headers": [],
        "parameters": sorted(parameters),
    }


def _from_entry(entry):
    response = HttpResponse(entry["content"])
    for name, value in entry["headers"]:
        response[name] = value
    response[HEADER] = HIT
    return response


class LocalPages:
    """The pages this worker process found in the shared cache lately, and the generation it last read.

    Bounded by size, counting body, headers and bookkeeping, and by number (least recently used
    dropped first). An entry is served only while the generation read at most ``trust_seconds`` ago
    still equals the entry's, and never after the entry's PAGE_CACHE_SECONDS are over.
    """

    max_bytes = 16 * 1024 * 1024
    max_entries = 2000
    entry_overhead = 1024  # the dict, the key, the list of headers: measured at about 1 KB

    def __init__(self):
        self._lock = threading.Lock()
        self._entries = OrderedDict()  # key -> (entry, size)
        self._bytes = 0
        self._generation = None
        self._generation_read_at = float("-inf")
        self._forgotten_at = float("-inf")

    def forget_generation(self):
        """A purge in this process: ask the shared cache before the next local hit."""
        with self._lock:
            self._generation = None
            self._generation_read_at = float("-inf")
            self._forgotten_at = time.monotonic()

    def remember_generation(self, generation, read_at):
        with self._lock:
            # A read that started before a purge here, or before a newer read, is out of date.
            if read_at < self._forgotten_at or read_at < self._generation_read_at:
                return
            self._generation = generation
            self._generation_read_at = read_at

    def get(self, key, trust_seconds, timeout):
        with self._lock:
            if time.monotonic() - self._generation_read_at >= trust_seconds:
                return None
            item = self._entries.get(key)
            if item is None:
                return None
            entry = item[0]
            # Entries stored by an earlier release have no stored_at: they are left to the shared cache.
            if entry["generation"] != self._generation or time.time() - entry.get("stored_at", 0) >= timeout:
                self._drop(key)
                return None
            self._entries.move_to_end(key)
            return entry

    def put(self, key, entry):
        size = (
            len(entry["content"])
            + sum(len(name) + len(value) for name, value in entry["headers"])
            + self.entry_overhead
        )
        with self._lock:
            if key in self._entries:
                self._drop(key)
            if size > self.max_bytes // 4:
                return  # one huge export must not push out most pages
            self._entries[key] = (entry, size)
            self._bytes += size
            while self._bytes > self.max_bytes or len(self._entries) > self.max_entries:
                self._drop(next(iter(self._entries)))

    def clear(self):
        with self._lock:
            self._entries.clear()
            self._bytes = 0
            self._generation = None
            self._generation_read_at = float("-inf")

    def _drop(self, key):
        self._bytes -= self._entries.pop(key)[1]


local_pages = LocalPages()


class PageCacheMiddleware:
    """Serves anonymous visitors' GET and HEAD requests from the page cache, and fills it.

    It comes first in MIDDLEWARE: a hit returns before anything reads the session, the user or
    the CSRF cookie, and carries the security headers stored with the page. Every response it
    passes gets X-Cache: HIT (from this process's memory or the shared cache), MISS (rendered
    and stored; for HEAD, only rendered) or BYPASS (not for the cache). With
    PAGE_CACHE_SECONDS = 0 it is switched off and adds nothing; with PAGE_CACHE_LOCAL_SECONDS = 0
    every hit asks the shared cache.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.timeout = settings.PAGE_CACHE_SECONDS
        self.trust_seconds = settings.PAGE_CACHE_LOCAL_SECONDS
        if not self.timeout:
            raise MiddlewareNotUsed

    def __call__(self, request):
        language = None
        if request_is_cacheable(request):
            language = get_language_from_request(request, check_path=True)
            try:
                request.get_host()
            except DisallowedHost:
                language = None  # the common middleware answers it
        if language is None:
            return self._bypass(request)

        retry_failed_markers()
        if request.META.get("QUERY_STRING"):
            return self._serve_with_query(request, language)
        return self._serve(request, entry_key(request, language), language)

    def _bypass(self, request):
        response = self.get_response(request)
        response[HEADER] = BYPASS
        return response

    def _serve(self, request, key, language):
        """Answer from the entry under ``key``, or render the page and store it there."""
        if self.trust_seconds:
            entry = local_pages.get(key, self.trust_seconds, self.timeout)
            if entry is not None:
                return _from_entry(entry)

        read_at = time.monotonic()
        found = cache.get_many([GENERATION_KEY, key])
        generation = _current_generation(found)
        if generation is None:  # without a generation no purge could reach the page: do not keep it
            return self._bypass(request)
        if self.trust_seconds:
            local_pages.remember_generation(generation, read_at)
        entry = found.get(key)
        if entry is not None and entry["generation"] == generation:
            if self.trust_seconds:
                local_pages.put(key, entry)
            return _from_entry(entry)

        response = self.get_response(request)
        if not response_is_cacheable(response, language):
            response[HEADER] = BYPASS
            return response
        # A HEAD response is served by the server without its body: store GET ones only.
        if request.method == "GET":
            # Into the shared cache only: a page joins this worker's memory when it is asked for
            # again, so a stream of one-off addresses cannot fill that memory.
            cache.set(key, _stored(response, generation), self.timeout)
        response[HEADER] = MISS
        return response

    def _parameters_record(self, request, language):
        """(record of the parameters the page here uses, or None; generation, or None if no cache)."""
        key = parameters_key(request, language)
        if self.trust_seconds:
            record = local_pages.get(key, self.trust_seconds, self.timeout)
            if record is not None:
                return record, record["generation"]
        read_at = time.monotonic()
        found = cache.get_many([GENERATION_KEY, key])
        generation = _current_generation(found)
        if generation is None:
            return None, None
        if self.trust_seconds:
            local_pages.remember_generation(generation, read_at)
        record = found.get(key)
        if record is None or record["generation"] != generation:
            return None, generation
        if self.trust_seconds:
            local_pages.put(key, record)
        return record, generation

    def _serve_with_query(self, request, language):
        """A request with a query string: keyed by the parameters its page uses, the others dropped."""
        record, generation = self._parameters_record(request, language)
        if generation is None:
            return self._bypass(request)
        if record is not None:
            query = canonical_query(request, record["parameters"])
            keep_only_query(request, query)
            return self._serve(request, entry_key(request, language, query), language)

        # The first such request here in this generation: render it as asked, learn the parameters.
        response = self.get_response(request)
        if not response_is_cacheable(response, language):
            response[HEADER] = BYPASS
            return response
        used = declared_query_parameters(response)
        cache.set(parameters_key(request, language), _stored_parameters(used, generation), self.timeout)
        # Rendered with parameters it does not use, the page may still show them (in a link back
        # to itself): it is not stored; the next such request is rendered without them.
        if request.method == "GET" and set(request.GET) <= used:
            key = entry_key(request, language, canonical_query(request, used))
            cache.set(key, _stored(response, generation), self.timeout)
        response[HEADER] = MISS
        return response
