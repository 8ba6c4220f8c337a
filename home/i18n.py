"""Language and visibility helpers for pages, each answering in one query where Wagtail's take several."""

import re
from collections import defaultdict

from django.conf import settings
from django.db.models import Q, Value
from django.db.models.functions import Coalesce
from django.utils.html import conditional_escape, format_html
from django.utils.translation import get_language
from wagtail.coreutils import get_supported_content_language_variant
from wagtail.models import Page, PageViewRestriction

from home import caching


def active_language_code():
    """The content language of the visitor, as `Locale.get_active()` picks it, without its query."""
    try:
        return get_supported_content_language_variant(get_language())
    except LookupError:
        return get_supported_content_language_variant(settings.LANGUAGE_CODE)


CYRILLIC_LANGUAGES = {"ru", "udm"}


def with_text_language(queryset):
    """Pages annotated with the language their text is in: an untranslated copy's is its original's.

    Read by `text_language()` (and so by the `{% lang_attr %}` tag) without a query per page.
    """
    return queryset.annotate(
        text_language_code=Coalesce("alias_of__locale__language_code", "locale__language_code")
    )


def text_language(obj, locale_codes=None):
    """The language code of the text an object shows (a page, a translatable snippet); None if unknown.

    An untranslated copy (alias) shows its original's text. `locale_codes` maps locale ids to codes
    (the site chrome keeps one), which spares the query for the locale.
    """
    annotated = getattr(obj, "text_language_code", None)
    if annotated:
        return annotated
    if isinstance(obj, Page) and obj.alias_of_id is not None:
        obj = obj.alias_of  # cached on the page once read (its untranslated notice reads it too)
    locale_id = getattr(obj, "locale_id", None)
    if locale_id is None:
        return None
    return (locale_codes or {}).get(locale_id) or obj.locale.language_code


def in_source_language(text):
    """Text that is always in Russian (synchronised: numbers with letters, the consent wording),
    marked as such when the page is in another language; HTML-safe."""
    if get_language() == settings.LANGUAGE_CODE:
        return conditional_escape(text)
    return format_html('<span lang="{}">{}</span>', settings.LANGUAGE_CODE, text)


CYRILLIC = re.compile("[\u0400-\u04ff]")


def typed_text_language(text):
    """A visitor's text (a search query), marked as Russian when it is Cyrillic on a page of a
    language written otherwise; HTML-safe. The site's Cyrillic languages are Russian and Udmurt."""
    if get_language() in CYRILLIC_LANGUAGES or not CYRILLIC.search(text):
        return conditional_escape(text)
    return format_html('<span lang="{}">{}</span>', settings.LANGUAGE_CODE, text)


RESTRICTED_PATHS_KEY = "glazov:restricted-paths"


def restricted_paths():
    """The tree paths of the pages carrying a view restriction, read once until one changes.

    A restriction's save or delete retires everything cached (home.caching.RULES), so the list,
    kept in the shared cache, is never older than the restrictions.
    """
    return caching.cached(
        RESTRICTED_PATHS_KEY,
        lambda: sorted(set(PageViewRestriction.objects.values_list("page__path", flat=True))),
        depends=(),
    )


def restricted_q():
    """Pages under a view restriction (or restricted themselves), as a condition inside the page query.

    The pages of `PageQuerySet.private_q()`, and besides them the untranslated copies (aliases) of
    such pages: Wagtail protects an alias's own address with its source's restrictions but lists it
    as public, so an English copy of a private Russian page (or of one in a private section) showed
    its title in lists. Built from `restricted_paths()`: with no restriction on the site, the
    condition is empty and costs the query nothing.
    """
    condition = Q(pk__in=[])
    for path in restricted_paths():
        condition |= Q(path__startswith=path) | Q(alias_of__path__startswith=path)
    return condition


def public(queryset):
    """`queryset.public()` in the same SQL query, the copies of private pages left out as well."""
    return queryset.exclude(restricted_q())


def visible_to_everyone(queryset):
    """The pages of ``queryset`` any visitor may open: live, with no view restriction on them or an
    ancestor (password, login, groups), in a language the site serves. One SQL query.

    What the site names in public places (the registry's pages and open-data exports, links between
    acts) comes from here: a draft, an unpublished act or one for staff only is never cited.
    """
    languages = [code for code, _name in settings.WAGTAIL_CONTENT_LANGUAGES]
    return public(queryset.live()).filter(locale__language_code__in=languages)


def localized_pages_by_id(page_ids):
    """Map each id to that page's live version in the visitor's language, else to the page itself.

    One query for the pages and their translations; ids of missing pages are left out.
    """
    page_ids = [pk for pk in page_ids if pk is not None]
    if not page_ids:
        return {}
    language = active_language_code()
    keys = Page.objects.filter(pk__in=page_ids).values("translation_key")
    rows = list(
        with_text_language(Page.objects)
        .filter(Q(pk__in=page_ids) | Q(translation_key__in=keys, locale__language_code=language, live=True))
        .select_related("locale")
    )
    translations = {
        row.translation_key: row for row in rows if row.locale.language_code == language and row.live
    }
    originals = {row.pk: row for row in rows if row.pk in page_ids}
    # The page shows these (a title, a link): their changes make it stale (home.caching).
    caching.depends_on(*(f"page:{page.translation_key}" for page in originals.values()))
    return {pk: translations.get(page.translation_key, page) for pk, page in originals.items()}


def linked_pages(queryset, translation_key, lookups):
    """Live public pages of `queryset` linked to the page `translation_key` by each of `lookups`.

    `lookups` maps a name to a relation ("amends", "repealed_by"…) that must lead to a page with that
    translation key. Links are made on the Russian pages and copied as they are into translations, so
    they are matched by translation key; each linked page appears once per name, in the visitor's
    language when a live version exists there, else as the version that links. Two plain queries
    however many names and links: the links (one join per relation, in a UNION), then the public
    versions of the pages found (none when nothing links); a version counts only if it is public
    itself and links. At 500 decisions this is a quarter of the database time of the single query
    with a correlated subquery per relation it replaces (bench: EXPLAIN ANALYZE, issue 13).
    """
    language = active_language_code()
    model = queryset.model
    linking = None
    for name, lookup in lookups.items():
        part = (
            model.objects.filter(**{f"{lookup}__translation_key": translation_key})
            .annotate(link_name=Value(name))
            .values_list("pk", "translation_key", "link_name")
            .order_by()  # a part of a UNION may not be ordered
        )
        linking = part if linking is None else linking.union(part, all=True)
    links = list(linking) if linking is not None else []
    linking_pks = defaultdict(set)
    for pk, _key, name in links:
        linking_pks[name].add(pk)
    keys = {key for _pk, key, _name in links}
    # The page shows these: their changes, and links to them added or removed, make it stale.
    caching.depends_on(*(f"page:{key}" for key in sorted(keys, key=str)))
    found = {name: [] for name in lookups}
    if not keys:
        return found
    versions = defaultdict(list)
    rows = (
        with_text_language(visible_to_everyone(queryset))
        .filter(translation_key__in=keys)
        .select_related("locale")
        .order_by("path")
    )
    for row in rows:
        versions[row.translation_key].append(row)
    for pages in versions.values():
        in_language = next((page for page in pages if page.locale.language_code == language), None)
        for name in lookups:
            linking_versions = [page for page in pages if page.pk in linking_pks[name]]
            if linking_versions:
                found[name].append(in_language or linking_versions[0])
    return found
