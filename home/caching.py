"""Caching and its invalidation, in one place: namespaces you read and bump.

A **namespace** is a name for something public pages show: ``site`` (menus, footers, settings,
snippets, every page that is not news or a decision), ``news`` and ``decisions`` (every listing
of them), ``reports`` (the residents' reports a moderator published, wherever the site shows
them), ``page:<translation key>`` (one page in all its languages), and ``all``. Its marker in
the shared cache holds the time it last changed (``time.time_ns()``).

Whatever is cached (a whole page in home.page_cache, the menus in home.navigation, the lists of
rubrics) records the namespaces it was built from and when its building started. It is **fresh**
while none of them changed since. When one did, the entry is **stale**: the page cache goes on
serving it while one worker re-renders the page (stale-while-revalidate); other caches rebuild.
A change of ``all`` retires everything at once, and nothing older is ever served again: it is
used where serving the old page for even a second would be wrong (a page unpublished, deleted,
moved or made private) and by ``manage.py purge_page_cache``.

What is built during a request says what it depends on with ``depends_on()``: Wagtail's
``before_serve_page`` hook names the page itself, the news and decision listings name their
namespace, and links between pages name the linked pages (home.i18n.linked_pages). A response
that names nothing depends on everything a publish can change (DEFAULT_NAMESPACES).

Which change bumps which namespace is declared once, in RULES (models by label) and in the
receivers at the end of this module; tests/test_cache_rules.py walks every model public pages
display and fails when one has no rule. Per-request memoisation (``per_request``) lives here too.
"""

import contextvars
import logging
import threading
import time

from django.apps import apps
from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save
from wagtail.documents.models import AbstractDocument
from wagtail.images.models import AbstractImage
from wagtail.models import Page
from wagtail.signals import page_published, page_unpublished, post_page_move

logger = logging.getLogger(__name__)

ALL = "all"
SITE = "site"
NEWS = "news"
DECISIONS = "decisions"
# Residents' reports a moderator published: their listing, pages, feeds, exports and statistics.
REPORTS = "reports"
# The registry of mandatory information (compliance), shown on its public map page.
MANDATORY = "mandatory"
# Changed by every publish (see changes_for_publish): what names nothing depends on it.
PUBLISHED = "published"
DEFAULT_NAMESPACES = (SITE, NEWS, DECISIONS, PUBLISHED)
MARKER_PREFIX = "glazov:changed:"
# The markers a page-cache lookup reads with the entry, in the same round trip.
COMMON_NAMESPACES = (ALL, *DEFAULT_NAMESPACES)


def page_namespace(page):
    """The namespace of one page in every language (language versions share a translation key)."""
    return f"page:{page.translation_key}"


def marker_key(name):
    return MARKER_PREFIX + name


# --- Reading -------------------------------------------------------------------------------------


class Markers:
    """When namespaces last changed, as this process last read them from the shared cache.

    A value read less than ``trust_seconds`` ago is used without asking again (the page cache's
    PAGE_CACHE_LOCAL_SECONDS); a bump made in this process is known at once, and a read that
    started before it (in another thread) does not bring the old value back.
    """

    def __init__(self):
        self._lock = threading.Lock()
        self._known = {}  # name -> (changed_at, read_at monotonic)
        self._forgotten_at = {}  # name -> monotonic time of the last bump in this process

    def forget(self, names=None):
        with self._lock:
            if names is None:
                self._known.clear()
                self._forgotten_at.clear()
                return
            now = time.monotonic()
            for name in names:
                self._known.pop(name, None)
                self._forgotten_at[name] = now

    def _remember(self, name, value, read_at):
        with self._lock:
            if self._forgotten_at.get(name, float("-inf")) >= read_at:
                return
            known = self._known.get(name)
            if known is None or known[1] <= read_at:
                self._known[name] = (value, read_at)

    def read(self, names, trust_seconds=0.0, prefetched=None, read_at=None):
        """{name: changed_at} for ``names``; None if the shared cache cannot keep markers (Redis away).

        ``prefetched`` holds what the caller fetched from the shared cache (at monotonic time
        ``read_at``) under marker keys. A missing marker (never bumped, or evicted) is created as
        "changed now": whatever was built before is then stale, which is safe.
        """
        now = time.monotonic()
        found, wanted = {}, []
        for name in names:
            known = self._known.get(name)
            if known is not None and now - known[1] < trust_seconds:
                found[name] = known[0]
            elif prefetched is not None and prefetched.get(marker_key(name)) is not None:
                found[name] = prefetched[marker_key(name)]
                self._remember(name, found[name], read_at if read_at is not None else now)
            else:
                wanted.append(name)
        if wanted:
            values = cache.get_many([marker_key(name) for name in wanted])
            for name in wanted:
                value = values.get(marker_key(name))
                if value is None:
                    # As changed when the response being built began (else now), so that what
                    # it is building counts as fresh; another worker may be first.
                    cache.add(marker_key(name), _building_since.get() or time.time_ns(), None)
                    value = cache.get(marker_key(name))
                    if value is None:
                        return None
                found[name] = value
                self._remember(name, value, now)
        return found


markers = Markers()


FRESH, STALE, GONE = "fresh", "stale", "gone"


def state(entry, changed_at):
    """FRESH, STALE or GONE: an entry built from ``entry["depends"]`` from ``entry["started_at"]`` on."""
    started_at = entry["started_at"]
    if changed_at[ALL] > started_at:
        return GONE
    if any(changed_at[name] > started_at for name in entry["depends"]):
        return STALE
    return FRESH


def entry_namespaces(entry):
    return (ALL, *entry["depends"])


def ensure_markers(names, started_at):
    """Create the markers of ``names`` that do not exist yet, as changed at ``started_at``.

    A page whose namespace was never bumped would otherwise find no marker on its next request,
    take it as "changed now" and render twice.
    """
    for name in names:
        cache.add(marker_key(name), started_at, None)


# --- Collecting what a response depends on ------------------------------------------------------

_collected = contextvars.ContextVar("glazov_cache_dependencies", default=None)
# When the response being collected began to be built (time.time_ns()), or None.
_building_since = contextvars.ContextVar("glazov_cache_building_since", default=None)


def depends_on(*names):
    """Say that what is being built for the current request shows these namespaces."""
    collected = _collected.get()
    if collected is not None:
        collected.update(names)


class collecting:
    """``with collecting(started_at) as names:`` gathers what depends_on() is told while building a
    response that began at ``started_at`` (a marker first read meanwhile is created as changed then).
    """

    def __init__(self, started_at=None):
        self.started_at = started_at or time.time_ns()

    def __enter__(self):
        self.names = set()
        self._token = _collected.set(self.names)
        self._since_token = _building_since.set(self.started_at)
        return self.names

    def __exit__(self, *exc):
        _building_since.reset(self._since_token)
        _collected.reset(self._token)


def shows_pages(pages):
    """Say that what is being built shows these pages (a listing's items): their changes make it stale."""
    depends_on(*(page_namespace(page) for page in pages))


def dependencies(names):
    """What a response built with these depends_on() names depends on: everything when it named nothing."""
    return sorted({SITE, *names} if names else DEFAULT_NAMESPACES)


# --- Small caches built from the database -------------------------------------------------------


# What cached() last built or read, by key, in this process: read again without a round trip to
# the shared cache while the markers it depends on are trusted (PAGE_CACHE_LOCAL_SECONDS).
_local_values = {}


def cached(key, build, depends=(SITE,), timeout=60 * 60):
    """``build()``, kept under ``key`` until one of ``depends`` (or ``all``) changes.

    For values many pages read (the menu and footer of a language, the list of rubrics). The value
    is rebuilt by whoever finds it stale; it is cheap and stale values are never served. Each
    process keeps what it last had, checked against the markers as the page cache checks its own
    copies, so a fresh value costs no round trip; callers must not change what they are given.
    """
    depends = tuple(depends)
    trust_seconds = settings.PAGE_CACHE_LOCAL_SECONDS
    # The markers first: a marker this read creates is older than what is built after it.
    changed_at = markers.read((ALL, *depends), trust_seconds)
    started_at = time.time_ns()
    if changed_at is not None:
        entry = _local_values.get(key) if trust_seconds else None
        if entry is not None and state(entry, changed_at) == FRESH:
            return entry["value"]
        entry = cache.get(key)
        if entry is not None and state(entry, changed_at) == FRESH:
            if trust_seconds:
                _local_values[key] = entry
            return entry["value"]
    value = build()
    if changed_at is not None:
        entry = {"started_at": started_at, "depends": depends, "value": value}
        cache.set(key, entry, timeout)
        if trust_seconds:
            _local_values[key] = entry
    return value


def forget_local_copies():
    """Forget what this process keeps of the shared cache (after ``cache.clear()``: tests, benchmarks)."""
    markers.forget()
    _local_values.clear()


def per_request(request, name, build):
    """``build()``, computed once per request (the menu, the visual mode, the language links)."""
    memo = request.__dict__.setdefault("glazov_memo", {})
    if name not in memo:
        memo[name] = build()
    return memo[name]


# --- Bumping ---------------------------------------------------------------------------------------

# Markers whose write failed (Redis away), by namespace: written again by retry_failed_markers().
_failed_markers = set()


def _write_marker(name):
    """Mark ``name`` as changed now; True if the shared cache has it.

    Written strictly: the site's Redis cache drops ordinary writes while Redis is away, and a lost
    marker would leave other workers serving what it should have retired. A failure is logged as
    an error and the marker is written again on the next request.
    """
    markers.forget([name])
    try:
        getattr(cache, "set_strictly", cache.set)(marker_key(name), time.time_ns(), None)
    except Exception:
        logger.error(
            "Could not write cache marker %s; will try again on the next request", name, exc_info=True
        )
        _failed_markers.add(name)
        return False
    _failed_markers.discard(name)
    return True


def retry_failed_markers():
    """Write again the markers a Redis outage kept back (the page cache calls this per request)."""
    for name in list(_failed_markers):
        _write_marker(name)


def after_commit(callback):
    """Run ``callback`` when the transaction commits (at once outside one).

    The test suite's transactions never commit: tests/conftest.py runs it at once there.
    """
    transaction.on_commit(callback)


def changed(*names):
    """Mark namespaces as changed when the transaction commits (at once outside one).

    Not before: until the commit every request still reads the old data, so an entry rebuilt
    meanwhile would be as old as the one it replaced. An entry whose building started before
    the mark (from data read before the commit) is stale after it; one that started later read
    the new data. So each change costs one render of each page it makes stale.
    """
    names = tuple(dict.fromkeys(names))
    after_commit(lambda: write_now(*names))


def write_now(*names):
    """Mark namespaces as changed at once; False if one could not be written (it is retried)."""
    written = [_write_marker(name) for name in names]  # every one is tried, even after a failure
    return all(written)


# --- Rules: which change makes what stale --------------------------------------------------------

# Models public pages show, by label, with what a save or deletion of one changes. A page type's
# own publishing is handled by the receivers below. PART_OF_PAGE: rows saved with their page
# when it is published (its publish covers them). NOT_SHOWN: read by public pages only through a
# page or never shown on a cached page (explained beside each).
PART_OF_PAGE = ()
NOT_SHOWN = ()
RULES = {
    # Menus and footers name the languages and the sites; a change may move or hide pages.
    "wagtailcore.site": (ALL,),
    "wagtailcore.locale": (ALL,),
    # A page made private, or public again, must leave (or enter) the cache at once.
    "wagtailcore.pageviewrestriction": (ALL,),
    "wagtailcore.collectionviewrestriction": (ALL,),
    "home.footercontacts": (SITE,),
    "home.accessibilitysettings": (SITE,),
    "news.rubric": (SITE,),
    "news.decisionkind": (SITE,),
    "feedback.problemcategory": (SITE,),
    # An existing image or document edited (a new upload changes nothing shown yet).
    "wagtailimages.image": (SITE,),
    "wagtailimages.rendition": NOT_SHOWN,  # made on demand for an image, which has its rule
    "wagtaildocs.document": (SITE,),
    "wagtailcore.collection": NOT_SHOWN,  # only the admin shows collections
    "taggit.tag": NOT_SHOWN,  # public pages show no tags
    "news.newspagetag": PART_OF_PAGE,
    "home.homepagefeaturedlink": PART_OF_PAGE,
    # Published ones are shown (listing, pages, feeds, exports): see changes_for_report.
    "feedback.problemreport": (REPORTS,),
    "feedback.reportphoto": PART_OF_PAGE,  # saved by publish_report with its (saved) report
    "feedback.statuschange": PART_OF_PAGE,  # saved by change_status with its (saved) report
    "feedback.apikey": NOT_SHOWN,  # partners' API keys, admin only
    "auth.user": NOT_SHOWN,  # owners and authors are never shown on public pages
    "wagtailcore.revision": NOT_SHOWN,  # publishing it is what the page receivers handle
    "wagtailcore.comment": NOT_SHOWN,  # editors' comments, only in the admin
    "wagtailcore.commentreply": NOT_SHOWN,
    "contenttypes.contenttype": NOT_SHOWN,  # the type of a page, fixed when it is created
    # The staff's registry of mandatory information: its public map shows the items and their pages.
    "compliance.requireditem": (MANDATORY,),
    "compliance.requireditempage": (MANDATORY,),
}
# Settings models are created with their defaults on first use (by a visitor's page view), which
# changes nothing shown; the admin saves them again with the editor's values.
CREATED_CHANGES_NOTHING = {
    "home.accessibilitysettings",
    "wagtailimages.image",
    "wagtaildocs.document",
    "feedback.problemcategory",
}


def rule_for(model):
    """The rule of a model or of its nearest base class that has one; None if it has none."""
    for klass in model.__mro__:
        meta = getattr(klass, "_meta", None)
        if meta is not None and not meta.abstract and meta.label_lower in RULES:
            return RULES[meta.label_lower]
    return None


def _label(model):
    return model._meta.label_lower


def _custom_image_or_document(model):
    if issubclass(model, AbstractImage):
        return "wagtailimages.image"
    if issubclass(model, AbstractDocument):
        return "wagtaildocs.document"
    return None


def note_report_publicity(sender, instance, raw=False, **kwargs):
    """Before a report is saved: was it on the site? (taken off it, its pages must go at once)"""
    instance.cache_was_public = (
        not raw and instance.pk is not None and sender.objects.filter(pk=instance.pk, is_public=True).exists()
    )


def changes_for_report(report, created=False, deleted=False):
    """What saving (or deleting) a report makes stale.

    A report nobody outside the admin sees (not published, never was) changes nothing cached. A
    published one changed (status, answer, public text, photos) makes the reports' pages stale. One
    taken off the site (unpublished or deleted) retires everything at once, like an unpublished page:
    a moderator who unpublishes may have found personal data in it, which must not be served again.
    """
    if deleted:
        return (ALL,) if report.is_public else ()
    if created:
        return ()
    if report.is_public:
        return (REPORTS,)
    if getattr(report, "cache_was_public", False):
        return (ALL,)
    return ()


def changes_for_save(model, created=False):
    label = _custom_image_or_document(model) or _label(model)
    if created and label in CREATED_CHANGES_NOTHING:
        return ()
    rule = RULES.get(label)
    if rule is None:
        rule = rule_for(model)
    return rule or ()


def _is_page(model):
    return issubclass(model, Page)


def changes_for_publish(page):
    """What publishing ``page`` (any language) makes stale.

    News and decisions, the pages published every day, make stale only the page, the pages that
    show it (listings name the items they show) and the pages linked to it; the listings of their
    kind as a whole only when the news item may enter, leave or move in them (news:
    ``cache_listing_may_change``, set by note_listing_changes; decisions always). Any other
    page (a section, an information page, the home page) can appear in menus and lists
    anywhere, so it makes the whole site stale.
    """
    page = page.specific
    label = _label(type(page))
    names = [page_namespace(page), PUBLISHED]
    if label == "news.newspage":
        if getattr(page, "cache_listing_may_change", True):
            names.append(NEWS)
    elif label == "news.decisionpage":
        names.append(DECISIONS)
    else:
        names.append(SITE)
        return names
    names.extend(f"page:{key}" for key in linked_translation_keys(page))
    return names


# Links between news and decisions, shown on the pages at both ends (home.i18n.linked_pages).
PAGE_LINKS = (
    ("news.newspage", "related_news"),
    ("news.newspage", "related_decisions"),
    ("news.decisionpage", "amends"),
    ("news.decisionpage", "repeals"),
    ("news.decisionpage", "related_news"),
)


def linked_translation_keys(page):
    """The translation keys of every page linked to ``page`` either way by PAGE_LINKS."""
    keys = set()
    for label, field_name in PAGE_LINKS:
        model = apps.get_model(label)
        field = model._meta.get_field(field_name)
        through = field.remote_field.through
        source = field.m2m_field_name()
        target = field.m2m_reverse_field_name()
        same_key = {f"{source}__translation_key": page.translation_key}
        keys.update(through.objects.filter(**same_key).values_list(f"{target}__translation_key", flat=True))
        same_key = {f"{target}__translation_key": page.translation_key}
        keys.update(through.objects.filter(**same_key).values_list(f"{source}__translation_key", flat=True))
    keys.discard(page.translation_key)
    return keys


def note_listing_changes(sender, instance, raw=False, **kwargs):
    """Before a news item is saved (on publish): may it enter, leave or move in the listings?

    It may when it was not live, or its date changed; its rubrics are links (on_link_changed).
    Its other fields show only where it is shown, which those pages say (shows_pages).
    """
    if raw or instance.pk is None:
        return
    before = sender.objects.filter(pk=instance.pk).values("live", "date").first()
    instance.cache_listing_may_change = (
        before is None or not before["live"] or before["date"] != instance.date
    )


def on_page_published(sender, instance, **kwargs):
    changed(*changes_for_publish(instance))


def on_page_gone(sender, instance=None, **kwargs):
    """Unpublished, moved or deleted: its old address must stop answering at once."""
    changed(ALL)


def on_save(sender, instance, created=False, raw=False, **kwargs):
    if raw:
        return
    if _is_page(sender):
        # Drafts change nothing public, and publishing is on_page_published; but a page created
        # live (a language copy made by wagtail-localize) appears without a publish.
        if created and instance.live:
            changed(*changes_for_publish(instance))
        return
    if _label(sender) == "feedback.problemreport":
        names = changes_for_report(instance, created)
    else:
        names = changes_for_save(sender, created)
    if names:
        changed(*names)


def on_delete(sender, instance, **kwargs):
    if _is_page(sender):
        on_page_gone(sender, instance)
        return
    if _label(sender) == "feedback.problemreport":
        names = changes_for_report(instance, deleted=True)
    else:
        names = changes_for_save(sender)
    if names:
        changed(*names)


def on_link_changed(sender, instance, action, pk_set=None, model=None, **kwargs):
    """A link added or removed (on publish) makes stale the pages at both ends."""
    if action == "pre_clear":  # which links go is not told: refresh whatever a publish can change
        changed(*DEFAULT_NAMESPACES)
        return
    if action not in ("post_add", "post_remove") or not pk_set:
        return
    if sender is _rubrics_through():  # a news item enters or leaves a rubric's listing
        changed(NEWS)
        return
    targets = model.objects.filter(pk__in=pk_set).values_list("translation_key", flat=True)
    keys = {getattr(instance, "translation_key", None), *targets} - {None}
    changed(*(f"page:{key}" for key in sorted(keys)))


def _rubrics_through():
    return apps.get_model("news.newspage")._meta.get_field("rubrics").remote_field.through


def connect():
    """Connect the receivers (home.apps.HomeConfig.ready)."""
    page_published.connect(on_page_published, dispatch_uid="glazov_cache_publish")
    page_unpublished.connect(on_page_gone, dispatch_uid="glazov_cache_unpublish")
    post_page_move.connect(on_page_gone, dispatch_uid="glazov_cache_move")
    post_save.connect(on_save, dispatch_uid="glazov_cache_save")
    post_delete.connect(on_delete, dispatch_uid="glazov_cache_delete")
    pre_save.connect(
        note_listing_changes, sender=apps.get_model("news.newspage"), dispatch_uid="glazov_cache_news"
    )
    pre_save.connect(
        note_report_publicity,
        sender=apps.get_model("feedback.problemreport"),
        dispatch_uid="glazov_cache_reports",
    )
    m2m_changed.connect(on_link_changed, sender=_rubrics_through(), dispatch_uid="glazov_cache_rubrics")
    for label, field_name in PAGE_LINKS:
        through = apps.get_model(label)._meta.get_field(field_name).remote_field.through
        uid = f"glazov_cache_{label}_{field_name}"
        m2m_changed.connect(on_link_changed, sender=through, dispatch_uid=uid)
