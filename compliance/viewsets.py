"""The registry's admin: the items as a snippet (add local ones, edit, mark not applicable)."""

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _
from wagtail.admin.ui.tables import Column
from wagtail.snippets.views.snippets import DeleteView

from home.viewsets import PortalSnippetViewSet

from .models import RequiredItem


class RequiredItemDeleteView(DeleteView):
    """Checks this very item: an item the law requires is never deleted (compliance.permissions)."""

    def dispatch(self, request, *args, **kwargs):
        if not self.user_has_permission_for_instance("delete", self.get_object()):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class RequiredItemViewSet(PortalSnippetViewSet):
    model = RequiredItem
    delete_view_class = RequiredItemDeleteView
    icon = "list-ul"
    menu_label = _("Обязательная информация")
    menu_name = "mandatory-information"
    menu_order = 350
    add_to_admin_menu = True
    list_display = [
        "title",
        Column("legal_reference", label=_("Основание")),
        Column("get_section_display", label=_("Раздел")),
        Column("get_review_period_display", label=_("Как часто проверять")),
        Column("responsible_display", label=_("Ответственный")),
    ]
    list_filter = ["section", "body", "review_period", "not_applicable", "responsible_group"]
    search_fields = ["title", "legal_reference", "legal_text"]
    ordering = ["sort_order", "pk"]
    # The registry's spreadsheet, with states and due dates, is the report's (compliance.views).
    list_export = []
