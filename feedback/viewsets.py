"""The «Решаем вместе» admin: the report inbox and the problem categories, in one menu group."""

import django_filters
from django import forms
from django.contrib.auth import get_user_model
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from wagtail.admin.filters import DateRangePickerWidget, WagtailFilterSet
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel, ObjectList, Panel
from wagtail.admin.ui.tables import Column, StatusFlagColumn
from wagtail.admin.views.bulk_action.registry import bulk_action_registry
from wagtail.admin.widgets import ListingButton
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import policy_registry
from wagtail.snippets.views.snippets import CreateView, IndexView, InspectView, SnippetViewSetGroup

from home.admin_tables import LocalDateColumn
from home.spreadsheet import SafeSpreadsheetExportMixin
from home.viewsets import PortalSnippetViewSet, TranslatableSnippetViewSet

from .admin_views import can_publish
from .forms import ProblemReportAdminForm, StaffFilter, staff_who_work_reports
from .models import ApiKey, ProblemCategory, ProblemReport, Status


class ReportPermissionPolicy(ModelPermissionPolicy):
    """Reports arrive only from residents; only superusers may delete one."""

    def user_has_permission(self, user, action):
        if action == "add":
            return False
        if action == "delete":
            return user.is_active and user.is_superuser
        return super().user_has_permission(user, action)

    def users_with_any_permission(self, actions):
        actions = [action for action in actions if action != "add"]
        if not actions:
            return get_user_model().objects.none()
        if actions == ["delete"]:
            return get_user_model().objects.filter(is_active=True, is_superuser=True)
        return super().users_with_any_permission(actions)


report_permission_policy = ReportPermissionPolicy(ProblemReport)


class ProblemReportFilterSet(WagtailFilterSet):
    status = django_filters.MultipleChoiceFilter(
        label=_("Статус"), choices=Status.choices, widget=forms.CheckboxSelectMultiple
    )
    category = django_filters.ModelChoiceFilter(
        label=_("Категория"),
        queryset=lambda request: ProblemCategory.objects.filter(locale__language_code="ru"),
    )
    created_at = django_filters.DateFromToRangeFilter(
        label=_("Дата поступления"), widget=DateRangePickerWidget
    )
    overdue = django_filters.BooleanFilter(label=_("Просрочено"), method="filter_overdue")
    is_public = django_filters.BooleanFilter(label=_("Опубликовано на сайте"))
    assignee = StaffFilter(
        label=_("Ответственный"),
        queryset=lambda request: staff_who_work_reports(),
        null_label=_("Не назначен"),
    )

    class Meta:
        model = ProblemReport
        fields = ["status", "category", "created_at", "overdue", "is_public", "assignee"]

    def filter_overdue(self, queryset, name, value):
        if value is None:
            return queryset
        overdue = queryset.overdue()
        return overdue if value else queryset.exclude(pk__in=overdue.values("pk"))


class DueDateColumn(Column):
    """The due date, marked «просрочено» when the report is open past it."""

    cell_template_name = "feedback/admin/due_date_cell.html"

    def get_cell_context_data(self, instance, parent_context):
        context = super().get_cell_context_data(instance, parent_context)
        context["overdue"] = instance.is_overdue
        return context


class StatusColumn(Column):
    cell_template_name = "feedback/admin/status_cell.html"

    def get_cell_context_data(self, instance, parent_context):
        context = super().get_cell_context_data(instance, parent_context)
        context["report"] = instance
        return context


class ReportDetailsPanel(Panel):
    """What the resident sent, read-only: text, place, photos, contacts, consent, and the status history."""

    class BoundPanel(Panel.BoundPanel):
        template_name = "feedback/admin/report_details_panel.html"

        def get_context_data(self, parent_context=None):
            context = super().get_context_data(parent_context)
            context["report"] = self.instance
            context["can_publish"] = bool(self.instance.pk) and can_publish(self.request.user)
            context["photos"] = self.instance.photos.all() if self.instance.pk else []
            context["history"] = (
                self.instance.status_changes.select_related("changed_by") if self.instance.pk else []
            )
            context["notifications"] = self.instance.notifications.all() if self.instance.pk else []
            return context


class ReportInspectView(InspectView):
    def get_fields(self):
        return ["details"]

    def get_field_label(self, field_name, field):
        return _("Сообщение")

    def get_details_display_value(self):
        report = self.object
        return mark_safe(  # noqa: S308 - a template rendered with autoescaping
            render_to_string(
                "feedback/admin/report_details_panel.html",
                {
                    "report": report,
                    "photos": report.photos.all(),
                    "history": report.status_changes.select_related("changed_by"),
                    "notifications": report.notifications.all(),
                    "show_work": True,
                    "can_publish": can_publish(self.request.user),
                },
                request=self.request,
            )
        )


class ReportIndexView(SafeSpreadsheetExportMixin, IndexView):
    """The inbox listing; its CSV and XLSX downloads are safe to open in Excel (home/spreadsheet.py).

    Its bulk actions are only those the user may take: Wagtail offers «Удалить» to everyone.
    """

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["bulk_action_buttons"] = permitted_bulk_action_buttons(self.request.user, self.model)
        return context


def permitted_bulk_action_buttons(user, model):
    """The bulk action buttons of ``model``'s listing, leaving out actions the user has no right to."""
    meta = model._meta
    policy = policy_registry.get_by_type(model)
    actions = sorted(
        bulk_action_registry.get_bulk_actions_for_model(meta.app_label, meta.model_name),
        key=lambda action: action.action_priority,
    )
    return [
        ListingButton(
            action.display_name,
            reverse("wagtail_bulk_action", args=[meta.app_label, meta.model_name, action.action_type]),
            attrs={"aria-label": action.aria_label, "data-bulk-action-button": ""},
            priority=action.action_priority,
            classname=" ".join(action.classes | {"bulk-action-btn"}),
        )
        for action in actions
        if policy.user_has_permission(user, getattr(action, "required_permission", action.action_type))
    ]


class ProblemReportViewSet(PortalSnippetViewSet):
    model = ProblemReport
    index_view_class = ReportIndexView
    index_template_name = "feedback/admin/report_index.html"
    icon = "warning"
    menu_label = _("Сообщения жителей")
    menu_name = "problem-reports"
    inspect_view_enabled = True
    inspect_view_class = ReportInspectView
    copy_view_enabled = False
    filterset_class = ProblemReportFilterSet
    search_fields = ["number", "address", "description"]
    search_backend_name = None
    list_per_page = 50
    ordering = ["-created_at"]
    list_display = [
        "number",
        LocalDateColumn("created_at", with_time=True, label=_("Поступило"), sort_key="created_at"),
        Column("category", label=_("Категория")),
        "address",
        StatusColumn("status", label=_("Статус")),
        Column("assignee", accessor="assignee_name", label=_("Ответственный")),
        Column("api_key", accessor="source_display", label=_("Источник")),
        DueDateColumn("due_date", label=_("Срок ответа"), sort_key="due_date"),
    ]
    list_export = [
        "number",
        "created_at",
        "category",
        "address",
        "latitude",
        "longitude",
        "description",
        "status_display",
        "assignee_name",
        "due_date",
        "overdue_display",
        "public_answer",
        "closed_at",
    ]
    export_headings = {
        "number": _("Номер"),
        "created_at": _("Поступило"),
        "category": _("Категория"),
        "address": _("Адрес или место"),
        "latitude": _("Широта"),
        "longitude": _("Долгота"),
        "description": _("Описание"),
        "status_display": _("Статус"),
        "assignee_name": _("Ответственный"),
        "due_date": _("Срок ответа"),
        "overdue_display": _("Просрочено"),
        "public_answer": _("Ответ жителю"),
        "closed_at": _("Закрыто"),
    }
    export_filename = "soobshcheniya-zhiteley"

    def get_queryset(self, request):
        return ProblemReport.objects.select_related("category", "assignee", "api_key")

    edit_handler = ObjectList(
        [
            ReportDetailsPanel(heading=_("Что сообщил житель")),
            MultiFieldPanel(
                [
                    FieldRowPanel([FieldPanel("status"), FieldPanel("assignee", widget=forms.Select)]),
                    FieldPanel("status_comment"),
                    FieldPanel("duplicate_of"),
                    FieldRowPanel([FieldPanel("category", widget=forms.Select), FieldPanel("due_date")]),
                ],
                heading=_("Работа с сообщением"),
            ),
            FieldPanel("public_answer"),
            FieldPanel("internal_note"),
        ],
        base_form_class=ProblemReportAdminForm,
    )


class ProblemCategoryViewSet(TranslatableSnippetViewSet):
    model = ProblemCategory
    icon = "tag"
    menu_label = _("Категории проблем")
    menu_name = "problem-categories"
    list_display = [
        "name",
        "routing_email",
        StatusFlagColumn("active", label=_("Принимать сообщения"), true_label=_("да"), false_label=_("нет")),
        "sort_order",
        "locale",
    ]
    list_filter = ["active"]
    search_fields = ["name"]
    search_backend_name = None
    ordering = ["sort_order", "name"]


class SuperusersOnlyPolicy(ModelPermissionPolicy):
    """Partners' API keys: administrators (superusers) only, whatever a group's permissions say."""

    def user_has_permission(self, user, action):
        return user.is_active and user.is_superuser

    def users_with_any_permission(self, actions):
        return get_user_model().objects.filter(is_active=True, is_superuser=True)


api_key_permission_policy = SuperusersOnlyPolicy(ApiKey)


class ApiKeyCreateView(CreateView):
    """Creates the key and shows it once, on a page no cache keeps; only its hash is stored."""

    def save_instance(self):
        self.raw_key = self.form.instance.generate()
        return super().save_instance()

    def save_action(self):
        response = TemplateResponse(
            self.request,
            "feedback/admin/api_key_created.html",
            {
                "page_title": _("Ключ API создан"),
                "header_title": _("Ключ API создан"),
                "api_key": self.object,
                "raw_key": self.raw_key,
                "index_url": reverse(self.index_url_name),
            },
        )
        response["Cache-Control"] = "private, no-store"
        return response


class ApiKeyViewSet(PortalSnippetViewSet):
    model = ApiKey
    permission_policy = api_key_permission_policy
    add_view_class = ApiKeyCreateView
    icon = "key"
    menu_label = _("Ключи API (Open311)")
    menu_name = "open311-api-keys"
    copy_view_enabled = False
    list_display = [
        "partner",
        "prefix",
        StatusFlagColumn("is_active", label=_("Действует"), true_label=_("да"), false_label=_("отозван")),
        LocalDateColumn("created_at", with_time=True, label=_("Создан"), sort_key="created_at"),
        LocalDateColumn("last_used_at", with_time=True, label=_("Последнее использование")),
        "requests_count",
    ]
    list_filter = ["is_active"]
    search_fields = ["partner", "contact", "prefix"]
    search_backend_name = None
    panels = [FieldPanel("partner"), FieldPanel("contact"), FieldPanel("is_active")]


class FeedbackViewSetGroup(SnippetViewSetGroup):
    items = (ProblemReportViewSet, ProblemCategoryViewSet, ApiKeyViewSet)
    menu_label = _("Решаем вместе")
    menu_name = "feedback"
    menu_icon = "mail"
    menu_order = 250
