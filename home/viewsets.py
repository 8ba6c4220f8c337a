"""Admin views for the site-wide snippets."""

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _
from wagtail.permissions import register_permission_policy
from wagtail.snippets.views.snippets import EditView, SnippetViewSet

from home.models import FooterContacts
from home.permissions import TranslationPermissionPolicy


class TranslationAwareEditView(EditView):
    """Checks the permission for this very instance: translators may open translations only."""

    def dispatch(self, request, *args, **kwargs):
        instance = getattr(self, "object", None) or self.get_object()
        if not self.user_has_permission_for_instance("change", instance):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class TranslatableSnippetViewSet(SnippetViewSet):
    """Admin for a translatable snippet: «Переводчики» edit its English and Udmurt versions only."""

    edit_view_class = TranslationAwareEditView

    def on_register(self):
        register_permission_policy(self.model, TranslationPermissionPolicy(self.model))
        super().on_register()


class FooterContactsViewSet(TranslatableSnippetViewSet):
    model = FooterContacts
    icon = "site"
    menu_label = _("Контакты в подвале")
    menu_order = 300
    add_to_admin_menu = True
    list_display = ["organisation", "address", "phone", "locale"]
    search_fields = ["organisation", "address"]
