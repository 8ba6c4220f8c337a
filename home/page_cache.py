"""The page cache: whole public responses kept for anonymous visitors in Django's default cache.

It is the first middleware: an entry is the finished response, with the security headers the
middlewares below it added, and a hit is answered before any of them runs.

Each worker process also keeps the pages it found in the shared cache in its own memory
(LocalPages), so a popular page under load is answered without a round trip to Redis. A worker
trusts the generation it last read for PAGE_CACHE_LOCAL_SECONDS (1 s), so a purge made in another
worker reaches it at most that much later; a purge in its own process reaches it at once.

An entry is keyed by scheme, host, path, the query parameters the page uses, language and the
visitor's visual mode. It records what it was rendered from (home.caching's namespaces, collected
while the page rendered) and when rendering started. When one of them changes, the entry goes on
being served (X-Cache: STALE) while one worker, holding a short lock, renders the page again:
a publish during a rush costs one render per page it changed, never a stampede. A change of the
namespace ``all`` (a page unpublished, moved, deleted or made private; purge_page_cache) retires
every entry at once. Entries also expire after PAGE_CACHE_SECONDS. docs/page-cache.md explains it.

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
from django.http import HttpResponse, QueryDict
from django.utils.cache import cc_delim_re
from django.utils.encoding import escape_uri_path
from django.utils.translation import get_language_from_request

from home import caching, visual_mode

ENTRY_KEY_PREFIX = "glazov:pages:entry:"
LOCK_KEY_PREFIX = "glazov:pages:rendering:"
# How long one worker may hold the right to render a stale page again before another may try.
LOCK_SECONDS = 10
PARAMETERS_KEY_PREFIX = "glazov:pages:parameters:"
# Where a response says which query parameters it depends on (set by uses_query_parameters).
RESPONSE_ATTRIBUTE = "page_cache_query_parameters"
HEADER = "X-Cache"
HIT, STALE, MISS, BYPASS = "HIT", "STALE", "MISS", "BYPASS"

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


def purge_page_cache(**kwargs):
    """Stop serving every cached page when the transaction commits (at once outside one)."""
    caching.changed(caching.ALL)


def purge_now():
    """Stop serving every cached page now; False if the shared cache could not be told (retried)."""
    return caching.write_now(caching.ALL)


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


def _stored(response, started_at, depends):
    return {
        "started_at": started_at,
        "depends": depends,
        "stored_at": time.time(),
        "content": response.content,
        "headers": [(name, value) for name, value in response.items() if name != HEADER],
    }


def _stored_parameters(parameters, started_at):
    # Shaped like a page entry (with no content) so that a worker's LocalPages can keep it too.
    # Which parameters a page uses changes only with the code: only a purge (`all`) retires it.
    return {
        "started_at": started_at,
        "depends": [],
        "stored_at": time.time(),
        "content": b"",
        "headers": [],
        "parameters": sorted(parameters),
    }


def _from_entry(entry, state=HIT):
    response = HttpResponse(entry["content"])
    for name, value in entry["headers"]:
        response[name] = value
    response[HEADER] = state
    return response


def lock_key(key):
    return LOCK_KEY_PREFIX + key


class LocalPages:
    """The pages this worker process found in the shared cache lately.

    Bounded by size, counting body, headers and bookkeeping, and by number (least recently used
    dropped first). Whether an entry is still fresh is for the caller to check (home.caching's
    markers, trusted for PAGE_CACHE_LOCAL_SECONDS); it is never served after PAGE_CACHE_SECONDS.
    """

    max_bytes = 16 * 1024 * 1024
    max_entries = 2000
    entry_overhead = 1024  # the dict, the key, the list of headers: measured at about 1 KB

    def __init__(self):
        self._lock = threading.Lock()
        self._entries = OrderedDict()  # key -> (entry, size)
        self._bytes = 0

    def get(self, key, timeout):
        with self._lock:
            item = self._entries.get(key)
            if item is None:
                return None
            if time.time() - item[0]["stored_at"] >= timeout:
                self._drop(key)
                return None
            self._entries.move_to_end(key)
            return item[0]

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

    def discard(self, key):
        with self._lock:
            if key in self._entries:
                self._drop(key)

    def clear(self):
        with self._lock:
            self._entries.clear()
            self._bytes = 0

    def _drop(self, key):
        self._bytes -= self._entries.pop(key)[1]


local_pages = LocalPages()


class PageCacheMiddleware:
    """Serves anonymous visitors' GET and HEAD requests from the page cache, and fills it.

    It comes first in MIDDLEWARE: a hit returns before anything reads the session, the user or
    the CSRF cookie, and carries the security headers stored with the page. Every response it
    passes gets X-Cache: HIT (fresh, from this process's memory or the shared cache), STALE (an
    entry something it shows has changed since, served while another worker renders it again),
    MISS (rendered and stored; for HEAD, only rendered) or BYPASS (not for the cache). With
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

        caching.retry_failed_markers()
        if request.META.get("QUERY_STRING"):
            return self._serve_with_query(request, language)
        return self._serve(request, entry_key(request, language), language)

    def _bypass(self, request):
        response = self.get_response(request)
        response[HEADER] = BYPASS
        return response

    def _lookup(self, key):
        """(entry or None, whether it came from the shared cache, {namespace: changed at} or None).

        The entry comes from this worker's memory or, with the markers every page reads, in one
        round trip from the shared cache. None for the markers: the cache cannot keep them.
        """
        entry = local_pages.get(key, self.timeout) if self.trust_seconds else None
        prefetched, read_at = None, None
        if entry is None:
            read_at = time.monotonic()
            keys = [key, *(caching.marker_key(name) for name in caching.COMMON_NAMESPACES)]
            prefetched = cache.get_many(keys)
            entry = prefetched.get(key)
            if entry is not None and "started_at" not in entry:
                entry = None  # stored by an earlier release: rendered again
        names = caching.entry_namespaces(entry) if entry is not None else (caching.ALL,)
        changed_at = caching.markers.read(
            dict.fromkeys((*caching.COMMON_NAMESPACES, *names)), self.trust_seconds, prefetched, read_at
        )
        return entry, prefetched is not None, changed_at

    def _serve(self, request, key, language):
        """Answer from the entry under ``key``, or render the page and store it there."""
        entry, from_shared, changed_at = self._lookup(key)
        if changed_at is None:  # no marker could be read, so no change could reach an entry
            return self._bypass(request)
        locked = False
        if entry is not None:
            state = caching.state(entry, changed_at)
            own_copy = entry if not from_shared else None
            if state == caching.STALE and own_copy is not None:
                # This worker's copy is out of date; another worker may have rendered the page
                # again since, and then it is in the shared cache.
                entry, state = self._newer_shared(key, entry, state)
            if state == caching.FRESH:
                if self.trust_seconds and entry is not own_copy:  # a hit from memory stays as it is
                    local_pages.put(key, entry)
                return _from_entry(entry)
            if state == caching.STALE:
                locked = cache.add(lock_key(key), 1, LOCK_SECONDS)
                if not locked:  # another worker is rendering it: serve what it showed until now
                    return _from_entry(entry, STALE)
                # The worker that held the lock until a moment ago may have stored it.
                entry, state = self._newer_shared(key, entry, state)
                if state == caching.FRESH:
                    cache.delete(lock_key(key))
                    if self.trust_seconds:
                        local_pages.put(key, entry)
                    return _from_entry(entry)
            else:
                local_pages.discard(key)
        try:
            return self._render(request, language, key, replaces_entry=entry is not None)
        finally:
            if locked:
                cache.delete(lock_key(key))

    def _newer_shared(self, key, entry, state):
        """The shared cache's entry under ``key`` and its state, if it was rendered after ``entry``."""
        shared = cache.get(key)
        if shared is None or shared.get("started_at", 0) <= entry["started_at"]:
            return entry, state
        changed_at = caching.markers.read(caching.entry_namespaces(shared), self.trust_seconds)
        if changed_at is None:
            return entry, state
        return shared, caching.state(shared, changed_at)

    def _render(self, request, language, key=None, *, replaces_entry=False, learn_parameters=False):
        """Render the page and store it under ``key`` (for GET). With learn_parameters, the key is
        made from the query parameters the response declares. ``replaces_entry``: an older copy
        is stored under ``key``, to be dropped if the page may no longer be cached."""
        started_at = time.time_ns()
        with caching.collecting(started_at) as names:
            response = self.get_response(request)
        if not response_is_cacheable(response, language):
            if replaces_entry:  # its old copy must not be served any more
                cache.delete(key)
                local_pages.discard(key)
            response[HEADER] = BYPASS
            return response
        if learn_parameters:
            used = declared_query_parameters(response)
            record = _stored_parameters(used, started_at)
            cache.set(parameters_key(request, language), record, self.timeout)
            # Rendered with parameters it does not use, the page may still show them (in a link
            # back to itself): it is not stored; the next such request is rendered without them.
            if set(request.GET) <= used:
                key = entry_key(request, language, canonical_query(request, used))
        # A HEAD response is served by the server without its body: store GET ones only.
        if key is not None and request.method == "GET":
            depends = caching.dependencies(names)
            caching.ensure_markers(depends, started_at)
            entry = _stored(response, started_at, depends)
            cache.set(key, entry, self.timeout)
            # A new page goes into the shared cache only: it joins this worker's memory when it
            # is asked for again, so a stream of one-off addresses cannot fill that memory.
            if replaces_entry and self.trust_seconds:
                local_pages.put(key, entry)
        response[HEADER] = MISS
        return response

    def _parameters_record(self, request, language):
        """(record of the parameters the page here uses, or None; False if the cache keeps nothing)."""
        key = parameters_key(request, language)
        record, from_shared, changed_at = self._lookup(key)
        if changed_at is None:
            return None, False
        if record is None or caching.state(record, changed_at) != caching.FRESH:
            return None, True
        if from_shared and self.trust_seconds:
            local_pages.put(key, record)
        return record, True

    def _serve_with_query(self, request, language):
        """A request with a query string: keyed by the parameters its page uses, the others dropped."""
        record, cache_works = self._parameters_record(request, language)
        if not cache_works:
            return self._bypass(request)
        if record is not None:
            query = canonical_query(request, record["parameters"])
            keep_only_query(request, query)
            return self._serve(request, entry_key(request, language, query), language)
        # The first such request here since a purge: render it as asked, learn the parameters.
        return self._render(request, language, learn_parameters=True)
