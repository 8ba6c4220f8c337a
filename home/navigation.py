"""What every page shows around its content: the menu, the language homes, the footer.

It is the same for every page of a language, so it is built once per language and kept in
the cache until something it shows changes (home.caching: the ``site`` namespace).
The per-page part, which translations of this page exist, costs one query.
"""

from django.conf import settings
from django.db.models import F, Q
from django.db.models.functions import Substr
from django.urls import translate_url
from django.utils.translation import get_language
from wagtail.models import Page, Site

from home import caching
from home.i18n import restricted_paths, with_text_language
from home.models import FooterContacts


def _version_entry(page, site):
    return {
        "url": page.get_url(current_site=site),
        "full_url": page.get_full_url(),
        "alias": page.alias_of_id is not None,
    }


def _homes_and_sections(root):
    """The live language versions of the home page ``root`` and the live pages right under them.

    One query: a section is found by its parent's path (the first ``depth`` steps of its own),
    so the homes need not be read first. Annotated with the language of their text.
    """
    home_paths = Page.objects.filter(translation_key=root.translation_key, depth=root.depth).values("path")
    parent_path = Substr("path", 1, Page.steplen * root.depth)
    return list(
        with_text_language(Page.objects.live())
        .annotate(parent_path=parent_path, original_path=F("alias_of__path"))
        .filter(
            Q(translation_key=root.translation_key, depth=root.depth)
            | Q(depth=root.depth + 1, parent_path__in=home_paths)
        )
        .select_related("locale")
        .order_by("path")
    )


def _restricted(page, paths):
    """Whether the page, or the original of a copy, lies under one of the restricted ``paths``."""
    own = (page.path, page.original_path or "")
    return any(path.startswith(restricted) for path in own if path for restricted in paths)


def _build_site_chrome(site, language):
    pages = _homes_and_sections(site.root_page)
    home_versions = [page for page in pages if page.depth == site.root_page.depth]
    sections = [page for page in pages if page.depth == site.root_page.depth + 1]
    homes = {home.locale.language_code: home for home in home_versions}
    home = homes.get(language) or homes.get(settings.LANGUAGE_CODE)
    # Language versions of the home pages and the sections right under them (the listings most
    # visitors open), so those pages need no query of their own for the switcher.
    versions = {}
    for page in pages:
        versions.setdefault(page.translation_key, {})[page.locale.language_code] = _version_entry(page, site)
    menu = []
    if home is not None:
        restricted = restricted_paths()
        for page in sections:
            if not page.path.startswith(home.path) or not page.show_in_menus or _restricted(page, restricted):
                continue
            menu.append(
                {
                    "title": page.title,
                    "url": page.get_url(current_site=site),
                    "path": page.path,
                    # An untranslated copy's title is in its original's language.
                    "lang": page.text_language_code if page.text_language_code != language else "",
                }
            )
    return {
        "home_url": home.get_url(current_site=site) if home else "/",
        "homes": {
            code: {"url": page.get_url(current_site=site), "full_url": page.get_full_url()}
            for code, page in homes.items()
        },
        "menu": menu,
        "versions": versions,
        "footer": FooterContacts.for_active_locale(),
        # Which language each locale id is, for pages that need it without reading their locale.
        "locale_codes": {page.locale_id: page.locale.language_code for page in home_versions},
    }


NO_SITE_CHROME = {"home_url": "/", "homes": {}, "menu": [], "versions": {}, "footer": None}


def get_site_chrome(request):
    """The menu, language homes and footer of the visitor's language (cached, and memoised on the request)."""

    def build():
        site = Site.find_for_request(request)
        if site is None:
            return NO_SITE_CHROME
        language = get_language()
        return caching.cached(
            f"glazov:chrome:{site.pk}:{language}", lambda: _build_site_chrome(site, language)
        )

    return caching.per_request(request, "site_chrome", build)


def _page_versions(request, page):
    """Where each live language version of ``page`` is, kept until the page changes in any language.

    A publish in any language makes ``page:<translation key>`` stale (home.caching), and an
    unpublish, a move or a deletion everything, so the list is never older than the tree.
    """
    site = Site.find_for_request(request)
    key = page.translation_key
    return caching.cached(
        f"glazov:versions:{site.pk if site else 0}:{key}",
        lambda: {
            version.locale.language_code: _version_entry(version, site)
            for version in page.get_translations(inclusive=True).live().select_related("locale")
        },
        depends=(f"page:{key}",),
    )


def get_language_versions(request, page=None):
    """One entry per content language: where the switcher leads and whether it is a real translation.

    For a page, a language leads to the page's published version in that language, else to
    that language's home page. An untranslated copy (an alias of the Russian page) still
    leads there, but is not "translated": it gets no hreflang. Outside the page tree
    (search, errors) the same URL is used under the other language prefix.
    """
    current = get_language()
    versions = []
    if page is not None:
        chrome = get_site_chrome(request)
        homes = chrome["homes"]
        by_language = chrome["versions"].get(page.translation_key)
        if by_language is None:
            by_language = _page_versions(request, page)
    for code, name in settings.WAGTAIL_CONTENT_LANGUAGES:
        if page is None:
            url, translated = translate_url(request.get_full_path(), code), True
            absolute_url = request.build_absolute_uri(url)
        else:
            target = by_language.get(code)
            translated = target is not None and (not target["alias"] or code == settings.LANGUAGE_CODE)
            if target is not None:
                url, absolute_url = target["url"], target["full_url"]
            elif code in homes:
                url, absolute_url = homes[code]["url"], homes[code]["full_url"]
            else:
                continue
        versions.append(
            {
                "code": code,
                "name": name,
                "url": url,
                "absolute_url": absolute_url,
                "is_current": code == current,
                "translated": translated,
            }
        )
    return versions
