from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.permissions import register_permission_policy
from wagtail.snippets.models import register_snippet

from .dashboard import MandatoryInformationPanel
from .editor_notice import before_edit_page
from .models import RequiredItem
from .permissions import item_permission_policy, may_view
from .views import MandatoryInformationReportView, mark_item_reviewed
from .viewsets import RequiredItemViewSet

register_permission_policy(RequiredItem, item_permission_policy, exact_class=True)
register_snippet(RequiredItemViewSet)
hooks.register("before_edit_page", before_edit_page)


@hooks.register("register_admin_urls")
def register_report_urls():
    return [
        path(
            "reports/mandatory-information/",
            MandatoryInformationReportView.as_view(),
            name="compliance_report",
        ),
        path(
            "reports/mandatory-information/results/",
            MandatoryInformationReportView.as_view(results_only=True),
            name="compliance_report_results",
        ),
        path("mandatory-information/<int:pk>/reviewed/", mark_item_reviewed, name="compliance_mark_reviewed"),
    ]


class ReportMenuItem(MenuItem):
    """«Отчёты → Обязательная информация», for those who may open the report."""

    # Looked up when the menu is drawn: the hooks load before the URLconf does.
    @property
    def url(self):
        return reverse("compliance_report")

    @url.setter
    def url(self, value):
        pass

    def is_shown(self, request):
        return may_view(request.user)


@hooks.register("register_reports_menu_item")
def register_report_menu_item():
    return ReportMenuItem(_("Обязательная информация"), None, icon_name="list-ul", order=150)


@hooks.register("construct_homepage_panels")
def add_mandatory_information_panel(request, panels):
    if may_view(request.user):
        panels.append(MandatoryInformationPanel())
