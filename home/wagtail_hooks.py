from django.urls import reverse
from wagtail import hooks
from wagtail.snippets.models import register_snippet

from home import localize_guard
from home.userbar import use_portal_content_checker
from home.viewsets import FooterContactsViewSet

register_snippet(FooterContactsViewSet)
hooks.register("construct_wagtail_userbar", use_portal_content_checker)
# Before wagtail-localize's own hooks, which hand the edit views to its translation editor.
hooks.register("before_edit_page", localize_guard.before_edit, order=-10)
hooks.register("before_edit_snippet", localize_guard.before_edit, order=-10)


@hooks.register("construct_reports_menu")
def hide_translations_report(request, menu_items):
    """The translations report is for those who submit translations (home/localize_guard.py)."""
    if not request.user.has_perm("wagtail_localize.submit_translation"):
        url = reverse("wagtail_localize:translations_report")
        menu_items[:] = [item for item in menu_items if item.url != url]
