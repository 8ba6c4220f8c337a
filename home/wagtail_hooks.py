import json

from django.conf import settings
from django.templatetags.static import static
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext
from wagtail import hooks
from wagtail.models import Page
from wagtail.snippets.models import register_snippet

from home import caching, guides, localize_guard
from home.admin_menu import hide_unusable_menu_items
from home.userbar import use_portal_content_checker
from home.views import GuideView, guide_image
from home.viewsets import FooterContactsViewSet

register_snippet(FooterContactsViewSet)
hooks.register("construct_wagtail_userbar", use_portal_content_checker)
hooks.register("construct_main_menu", hide_unusable_menu_items)
# Before wagtail-localize's own hooks, which hand the edit views to its translation editor.
hooks.register("before_edit_page", localize_guard.before_edit, order=-10)
hooks.register("before_edit_snippet", localize_guard.before_edit, order=-10)


# Words wagtail-localize's translation editor shows in English whatever the admin's language
# (hard-coded in its React bundle); Wagtail's catalogue has them, so gettext names them.
UNTRANSLATED_ADMIN_WORDS = ("More actions",)


@hooks.register("insert_global_admin_js")
def name_untranslated_words():
    words = {word: gettext(word) for word in UNTRANSLATED_ADMIN_WORDS}
    return format_html(
        '<script src="{}" data-words="{}"></script>',
        static("js/admin-untranslated-words.js"),
        json.dumps(words, ensure_ascii=False),
    )


@hooks.register("before_serve_page")
def cache_by_page(page, request, serve_args, serve_kwargs):
    """A page served to a visitor depends on itself in every language (home.caching)."""
    caching.depends_on(caching.page_namespace(page))


@hooks.register("construct_reports_menu")
def hide_translations_report(request, menu_items):
    """The translations report is for those who submit translations (home/localize_guard.py)."""
    if not request.user.has_perm("wagtail_localize.submit_translation"):
        url = reverse("wagtail_localize:translations_report")
        menu_items[:] = [item for item in menu_items if item.url != url]


@hooks.register("construct_translated_pages_to_cascade_actions")
def cascade_to_language_copies(pages, action):
    """Deleting or moving a Russian page does the same to its versions in the other languages.

    Without this, deleting a page left its English and Udmurt copies behind in the admin, and a
    moved page's copies stayed where it had been. Its untranslated copies simply follow it; the
    confirmation screen names how many translations go with it before anything is deleted.
    Unpublishing needs nothing here: Wagtail unpublishes the copies with their source, and a
    translation keeps its own state. Acting on a translation never touches the source.
    """
    if action not in ("delete", "move"):
        return None
    return {
        page: Page.objects.translation_of(page, inclusive=False)
        for page in pages
        if page.locale.language_code == settings.LANGUAGE_CODE
    }


@hooks.register("register_admin_urls")
def register_guide_urls():
    return [
        path("guides/img/<str:filename>", guide_image, name="portal_guide_image"),
        path("guides/<slug:name>/", GuideView.as_view(), name="portal_guide"),
    ]


for help_item in guides.help_menu_items():
    hooks.register("register_help_menu_item", lambda item=help_item: item)
hooks.register("construct_help_menu", guides.without_wagtail_guides)
hooks.register("construct_homepage_panels", guides.add_guides_panel)
