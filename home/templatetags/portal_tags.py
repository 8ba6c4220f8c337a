"""Template tags for the parts every page shares: navigation, languages, footer."""

from django import template

from home.models import FooterContacts
from home.navigation import get_language_versions, get_locale_home, get_menu_pages

register = template.Library()


@register.simple_tag(takes_context=True)
def locale_home(context):
    """The home page in the visitor's language."""
    return get_locale_home(context["request"])


@register.simple_tag(takes_context=True)
def language_versions(context):
    """Language versions of the current page (see home.navigation.get_language_versions)."""
    request = context["request"]
    if not hasattr(request, "_glazov_language_versions"):
        request._glazov_language_versions = get_language_versions(request, context.get("page"))
    return request._glazov_language_versions


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
    for menu_page in get_menu_pages(request):
        if current_path == menu_page.path:
            current = "page"
        elif current_path.startswith(menu_page.path):
            current = "true"
        else:
            current = ""
        items.append({"title": menu_page.title, "url": menu_page.get_url(request), "current": current})
    return {"menu_items": items}


@register.inclusion_tag("components/breadcrumbs.html", takes_context=True)
def breadcrumbs(context):
    page = context.get("page")
    ancestors = page.get_ancestors().filter(depth__gt=1) if page and page.depth > 2 else []
    return {"request": context["request"], "ancestors": ancestors, "page": page}


@register.inclusion_tag("components/footer_contacts.html")
def footer_contacts():
    return {"contacts": FooterContacts.for_active_locale()}
