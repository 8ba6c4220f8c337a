"""The Wagtail dashboard panel counting new and overdue reports."""

from django.urls import reverse
from wagtail.admin.ui.components import Component

from .models import Notification, ProblemReport, Status
from .tasks import unsent_notifications


class ReportsSummaryPanel(Component):
    """New and overdue reports at a glance, with links to the filtered inbox."""

    name = "feedback_reports"
    template_name = "feedback/admin/dashboard_panel.html"
    order = 50

    def get_context_data(self, parent_context):
        index_url = reverse("wagtailsnippets_feedback_problemreport:list")
        reports = ProblemReport.objects.all()
        return {
            "new_count": reports.filter(status=Status.NEW).count(),
            "overdue_count": reports.overdue().count(),
            "open_count": reports.open().count(),
            "unsent_count": unsent_notifications().count(),
            "failed_count": Notification.objects.filter(sent_at__isnull=True).exclude(last_error="").count(),
            "new_url": f"{index_url}?status={Status.NEW}",
            "overdue_url": f"{index_url}?overdue=true",
            "index_url": index_url,
        }
