"""The mandatory information report (Wagtail's ReportView) and the «Проверено, изменений нет» action."""

import django_filters
from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.middleware.csrf import get_token
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.ui.tables import Column, TitleColumn
from wagtail.admin.views.reports import ReportView

from home.spreadsheet import SafeSpreadsheetExportMixin

from .models import Body, RequiredItem, Section
from .permissions import item_permission_policy, may_review
from .services import mark_reviewed
from .states import State, items_for_status, statuses, with_statuses


def responsible_users(request):
    ids = RequiredItem.objects.exclude(responsible_user=None).values("responsible_user")
    return get_user_model().objects.filter(pk__in=ids).order_by("last_name", "first_name", "username")


def responsible_groups(request):
    return Group.objects.filter(pk__in=RequiredItem.objects.values("responsible_group")).order_by("name")


class RequiredItemFilterSet(WagtailFilterSet):
    state = django_filters.MultipleChoiceFilter(
        label=gettext_lazy("Состояние"),
        choices=State.choices,
        widget=forms.CheckboxSelectMultiple,
        method="filter_state",
    )
    section = django_filters.ChoiceFilter(label=gettext_lazy("Раздел"), choices=Section.choices)
    body = django_filters.ChoiceFilter(label=gettext_lazy("Чья информация"), choices=Body.choices)
    responsible_user = django_filters.ModelChoiceFilter(
        label=gettext_lazy("Ответственный сотрудник"), queryset=responsible_users
    )
    responsible_group = django_filters.ModelChoiceFilter(
        label=gettext_lazy("Ответственная группа"), queryset=responsible_groups
    )

    class Meta:
        model = RequiredItem
        fields = ["state", "section", "body", "responsible_user", "responsible_group"]

    def filter_state(self, queryset, name, value):
        if not value:
            return queryset
        found = statuses(queryset)
        return queryset.filter(pk__in=[pk for pk, status in found.items() if status.state in value])


class StateColumn(Column):
    cell_template_name = "compliance/admin/state_cell.html"

    def get_cell_context_data(self, instance, parent_context):
        context = super().get_cell_context_data(instance, parent_context)
        context["status"] = instance.status
        return context


class PagesColumn(Column):
    cell_template_name = "compliance/admin/pages_cell.html"

    def get_cell_context_data(self, instance, parent_context):
        context = super().get_cell_context_data(instance, parent_context)
        context["item"] = instance
        return context


class ReviewColumn(Column):
    cell_template_name = "compliance/admin/review_cell.html"

    def get_cell_context_data(self, instance, parent_context):
        context = super().get_cell_context_data(instance, parent_context)
        request = parent_context["request"]
        context.update(
            item=instance,
            may_review=may_review(request.user),
            next=request.get_full_path(),
            # Cells render in a context of their own, without the request's token.
            csrf_token=get_token(request),
        )
        return context


def pages_text(item):
    return "\n".join(page.full_url or page.title for page in item.status.pages)


def date_or_blank(value):
    return value or ""


class MandatoryInformationReportView(SafeSpreadsheetExportMixin, ReportView):
    """Every item with its state, pages, due date and who answers for it; for the head of
    administration or the prosecutor's office as CSV or XLSX."""

    page_title = gettext_lazy("Обязательная информация на сайте")
    header_icon = "list-ul"
    index_url_name = "compliance_report"
    index_results_url_name = "compliance_report_results"
    filterset_class = RequiredItemFilterSet
    permission_policy = item_permission_policy
    any_permission_required = ["view", "change"]
    paginate_by = 100
    export_filename = "obyazatelnaya-informaciya"
    list_export = [
        "title",
        "legal_reference",
        "get_section_display",
        "get_body_display",
        "status.label",
        "status.due_date",
        "status.refreshed_at",
        "page_urls",
        "responsible_display",
        "get_review_period_display",
        "reviewed_at",
        "reviewed_by_name",
        "not_applicable_reason",
    ]
    export_headings = {
        "title": gettext_lazy("Пункт"),
        "legal_reference": gettext_lazy("Основание"),
        "get_section_display": gettext_lazy("Раздел"),
        "get_body_display": gettext_lazy("Чья информация"),
        "status.label": gettext_lazy("Состояние"),
        "status.due_date": gettext_lazy("Проверить до"),
        "status.refreshed_at": gettext_lazy("Последнее обновление"),
        "page_urls": gettext_lazy("Страницы"),
        "responsible_display": gettext_lazy("Ответственный"),
        "get_review_period_display": gettext_lazy("Как часто проверять"),
        "reviewed_at": gettext_lazy("Отмечено «проверено»"),
        "reviewed_by_name": gettext_lazy("Кем отмечено"),
        "not_applicable_reason": gettext_lazy("Почему не относится"),
    }
    custom_field_preprocess = {
        "status.due_date": {
            SafeSpreadsheetExportMixin.FORMAT_CSV: lambda value: value.strftime("%d.%m.%Y") if value else "",
            SafeSpreadsheetExportMixin.FORMAT_XLSX: date_or_blank,
        },
    }

    @property
    def columns(self):
        return [
            TitleColumn(
                "title",
                label=_("Пункт"),
                get_url=lambda item: reverse("wagtailsnippets_compliance_requireditem:edit", args=[item.pk]),
            ),
            Column("legal_reference", label=_("Основание")),
            StateColumn("state", label=_("Состояние"), accessor="status"),
            PagesColumn("pages", label=_("Страницы"), accessor="pk"),
            Column("responsible_display", label=_("Ответственный")),
            ReviewColumn("review", label=_("Проверка"), accessor="pk"),
        ]

    def get_queryset(self):
        return items_for_status()

    def get_filtered_queryset(self):
        items = with_statuses(self.filter_queryset(self.get_queryset()))
        for item in items:
            item.page_urls = pages_text(item)
            item.reviewed_by_name = (
                (item.reviewed_by.get_full_name() or item.reviewed_by.get_username())
                if item.reviewed_by
                else ""
            )
        return items


@require_POST
def mark_item_reviewed(request, pk):
    """One click: «Проверено, изменений нет» — who and when, no new revision of any page."""
    if not may_review(request.user):
        raise PermissionDenied
    item = get_object_or_404(RequiredItem, pk=pk)
    if item.not_applicable:
        messages.error(request, _("Пункт отмечен как не относящийся к городу: проверять нечего."))
    else:
        mark_reviewed(item, request.user)
        messages.success(request, _("«%(title)s»: отмечено, что изменений нет.") % {"title": item.title})
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = reverse("compliance_report")
    return redirect(target)
