"""Admin views for the site-wide snippets."""

from django.core.exceptions import PermissionDenied
from django.utils.functional import lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from wagtail.permissions import register_permission_policy
from wagtail.snippets.views.chooser import SnippetChooserViewSet
from wagtail.snippets.views.snippets import EditView, SnippetViewSet
from wagtail.snippets.widgets import AdminSnippetChooser

from home.models import FooterContacts
from home.permissions import TranslationPermissionPolicy


def _named(message, model):
    return gettext(message) % {"object": model._meta.verbose_name}


_lazy_named = lazy(_named, str)


class SnippetChooser(AdminSnippetChooser):
    """Wagtail's snippet chooser, its buttons labelled in the language of each request.

    Wagtail's own chooser formats «Выбрать другой …» when the widget is made, once per process,
    in whatever language is active then: the Russian admin said "Choose another problem report".
    """

    def __init__(self, model=None, **kwargs):
        super().__init__(model, **kwargs)
        self.choose_one_text = _lazy_named("Choose %(object)s", self.model)
        self.choose_another_text = _lazy_named("Choose another %(object)s", self.model)
        self.link_to_chosen_text = _lazy_named("Edit this %(object)s", self.model)


class PortalSnippetChooserViewSet(SnippetChooserViewSet):
    base_widget_class = SnippetChooser


class PortalSnippetViewSet(SnippetViewSet):
    """A snippet's admin whose chooser speaks the admin's language."""

    chooser_viewset_class = PortalSnippetChooserViewSet


class TranslationAwareEditView(EditView):
    """Checks the permission for this very instance: translators may open translations only."""

    def dispatch(self, request, *args, **kwargs):
        instance = getattr(self, "object", None) or self.get_object()
        if not self.user_has_permission_for_instance("change", instance):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class TranslatableSnippetViewSet(PortalSnippetViewSet):
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
