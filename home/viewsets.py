"""Admin views for the site-wide snippets."""

from django.utils.translation import gettext_lazy as _
from wagtail.snippets.views.snippets import SnippetViewSet

from home.models import FooterContacts


class FooterContactsViewSet(SnippetViewSet):
    model = FooterContacts
    icon = "site"
    menu_label = _("Контакты в подвале")
    menu_order = 300
    add_to_admin_menu = True
    list_display = ["organisation", "address", "phone", "locale"]
    search_fields = ["organisation", "address"]
