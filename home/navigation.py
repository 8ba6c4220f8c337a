"""Where a visitor is in the page tree and which language versions of a page exist."""

from django.conf import settings
from django.urls import translate_url
from django.utils.translation import get_language
from wagtail.models import Page, Site


def get_locale_home(request):
    """The home page in the visitor's language (cached on the request)."""
    if not hasattr(request, "_glazov_locale_home"):
        site = Site.find_for_request(request)
        request._glazov_locale_home = site.root_page.localized.specific if site else None
    return request._glazov_locale_home


def _live_versions_by_language(page):
    return {
        p.locale.language_code: p
        for p in page.get_translations(inclusive=True).live().select_related("locale")
    }


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
        by_language = _live_versions_by_language(page)
        site = Site.find_for_request(request)
        homes = _live_versions_by_language(site.root_page) if site else {}
    for code, name in settings.WAGTAIL_CONTENT_LANGUAGES:
        if page is None:
            url, translated = translate_url(request.get_full_path(), code), True
            absolute_url = request.build_absolute_uri(url)
        else:
            target = by_language.get(code)
            translated = target is not None and (target.alias_of_id is None or code == settings.LANGUAGE_CODE)
            target = target or homes.get(code)
            if target is None:
                continue
            url, absolute_url = target.get_url(request), target.get_full_url(request)
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


def get_menu_pages(request):
    """Top-level sections of the visitor's language shown in the main navigation."""
    home = get_locale_home(request)
    if home is None:
        return Page.objects.none()
    return home.get_children().live().in_menu().public()
