"""Template tags for the parts every page shares: navigation, languages, footer."""

import datetime

from django import template
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from home import caching
from home.i18n import in_source_language, text_language
from home.models.base import parent_of
from home.navigation import get_language_versions, get_site_chrome

register = template.Library()


@register.filter
def machine_datetime(value):
    """A date or a moment as `<time datetime>` takes it: ISO 8601, to the second, in local time.

    Django's `date:'c'` keeps microseconds, which HTML does not allow (at most three digits).
    """
    if isinstance(value, datetime.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return value.isoformat(timespec="seconds")
    if isinstance(value, datetime.date):
        return value.isoformat()
    return ""


@register.filter
def source_language(value):
    """Text that is Russian on every language version (a report's number «ГЛЗ-2026-000001»),
    marked as such on the others (not for `<title>`, which shows tags as text)."""
    return in_source_language(value)


@register.simple_tag(takes_context=True)
def lang_attr(context, obj, language=None):
    """` lang="ru"` for an element showing text of another language than the page's, else nothing.

    The language is the object's (a page, a snippet; see home.i18n.text_language), or the given
    code. WCAG 3.1.2: a screen reader then reads the text with that language's rules.
    """
    if language is None:
        request = context.get("request")
        codes = get_site_chrome(request).get("locale_codes") if request is not None else None
        language = text_language(obj, codes)
    if not language or language == get_language():
        return ""
    return format_html(' lang="{}"', language)


@register.simple_tag(takes_context=True)
def site_chrome(context):
    """The menu, language homes and footer of the visitor's language (home.navigation)."""
    return get_site_chrome(context["request"])


@register.simple_tag(takes_context=True)
def language_versions(context):
    """Language versions of the current page (see home.navigation.get_language_versions)."""
    request = context["request"]
    return caching.per_request(
        request, "language_versions", lambda: get_language_versions(request, context.get("page"))
    )


@register.simple_tag(takes_context=True)
def untranslated_language(context):
    """The language code of the original an untranslated copy shows ("" for any other page).

    Read from the cached site chrome, so showing the notice costs no query for the original's locale.
    """
    original = getattr(context.get("page"), "untranslated_original", None)
    if original is None:
        return ""
    codes = get_site_chrome(context["request"]).get("locale_codes") or {}
    return codes.get(original.locale_id) or original.locale.language_code


@register.simple_tag(takes_context=True)
def canonical_url(context):
    """The page's full URL on its Wagtail site; for an untranslated copy, its Russian original's."""
    page = context.get("page")
    if page is None:
        return ""
    target = getattr(page, "untranslated_original", None) or page
    return target.get_full_url(context["request"])


@register.inclusion_tag("components/main_menu.html", takes_context=True)
def main_menu(context):
    request, page = context["request"], context.get("page")
    current_path = page.path if page else ""
    items = []
    for entry in get_site_chrome(request)["menu"]:
        if current_path == entry["path"]:
            current = "page"
        elif current_path.startswith(entry["path"]):
            current = "true"
        else:
            current = ""
        items.append(
            {"title": entry["title"], "url": entry["url"], "current": current, "lang": entry.get("lang", "")}
        )
    return {"menu_items": items}


@register.inclusion_tag("components/breadcrumbs.html", takes_context=True)
def breadcrumbs(context):
    request, page = context["request"], context.get("page")
    ancestors = []
    if page is not None and page.depth > 2:
        # A section right under the home page needs only the home link, which the chrome knows.
        ancestors = [{"title": _("Главная"), "url": get_site_chrome(request)["home_url"], "text_of": None}]
        if page.depth > 3:
            ancestors += [
                {"title": ancestor.title, "url": ancestor.get_url(request), "text_of": ancestor}
                for ancestor in sections_above(page)
            ]
    return {"ancestors": ancestors, "page": page, "request": request}


def sections_above(page):
    """The page's ancestors below the home page, top first.

    Routing leaves each page its parent (Wagtail's get_parent() and home.models.base.parent_of
    give it back), so walking up costs no query; a page reached otherwise (a preview) asks the
    database once per level.
    """
    ancestors, current = [], page
    while current.depth > 3:
        current = parent_of(current)
        ancestors.append(current)
    return ancestors[::-1]


@register.inclusion_tag("components/footer_contacts.html", takes_context=True)
def footer_contacts(context):
    return {"contacts": get_site_chrome(context["request"])["footer"], "request": context["request"]}
