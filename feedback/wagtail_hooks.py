from django.templatetags.static import static
from django.urls import path
from django.utils.html import format_html
from wagtail import hooks
from wagtail.permissions import register_permission_policy
from wagtail.snippets.models import register_snippet

from .admin_queue import EmailQueueView, email_queue_menu_item, retry_email, retry_task
from .admin_views import publish_view
from .bulk_actions import ChangeStatusBulkAction
from .dashboard import DeadlinesPanel, ReportsSummaryPanel
from .models import ApiKey, ProblemReport
from .views import report_photo
from .viewsets import FeedbackViewSetGroup, api_key_permission_policy, report_permission_policy

# Registered before the viewset so the inbox, its menu and its buttons all use it.
register_permission_policy(ProblemReport, report_permission_policy, exact_class=True)
register_permission_policy(ApiKey, api_key_permission_policy, exact_class=True)
register_snippet(FeedbackViewSetGroup)
hooks.register("register_bulk_action", ChangeStatusBulkAction)


@hooks.register("register_admin_urls")
def register_report_photo_url():
    return [
        path("feedback/photos/<int:pk>/", report_photo, name="feedback_report_photo"),
        path("feedback/reports/<int:pk>/publish/", publish_view, name="feedback_report_publish"),
        path("feedback/email-queue/", EmailQueueView.as_view(), name="feedback_email_queue"),
        path("feedback/email-queue/<int:pk>/retry/", retry_email, name="feedback_email_retry"),
        path("feedback/email-queue/tasks/<uuid:pk>/retry/", retry_task, name="feedback_task_retry"),
    ]


hooks.register("register_reports_menu_item", email_queue_menu_item)


@hooks.register("construct_homepage_panels")
def add_reports_panel(request, panels):
    if report_permission_policy.user_has_permission(request.user, "view"):
        panels.insert(0, ReportsSummaryPanel())
    # Deadlines are for those who answer reports.
    if report_permission_policy.user_has_permission(request.user, "change"):
        panels.insert(1, DeadlinesPanel())


@hooks.register("insert_global_admin_css")
def feedback_admin_css():
    return format_html('<link rel="stylesheet" href="{}">', static("css/feedback-admin.css"))
