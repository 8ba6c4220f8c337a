"""The Wagtail dashboard panels: new and overdue reports counted, and the reports due soon listed."""

import datetime

from django.urls import reverse
from django.utils import timezone
from wagtail.admin.ui.components import Component

from .models import Notification, ProblemReport, Status
from .tasks import unsent_notifications

# The moderators' horizon: reports whose answer is due within this many days are listed.
DUE_SOON_DAYS = 3


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


class DeadlinesPanel(Component):
    """Open reports whose answer is overdue or due within DUE_SOON_DAYS, soonest first, each a link."""

    name = "feedback_deadlines"
    template_name = "feedback/admin/deadlines_panel.html"
    order = 60
    limit = 20

    def get_context_data(self, parent_context):
        today = timezone.localdate()
        until = today + datetime.timedelta(days=DUE_SOON_DAYS)
        due = (
            ProblemReport.objects.open()
            .filter(due_date__lte=until)
            .select_related("category", "assignee")
            .order_by("due_date", "created_at")
        )
        reports = list(due[: self.limit + 1])
        for report in reports:
            report.days_left = (report.due_date - today).days
            report.days_late = -report.days_left
        return {
            "reports": reports[: self.limit],
            "more": len(reports) > self.limit,
            "until": until,
            "overdue_url": reverse("wagtailsnippets_feedback_problemreport:list") + "?overdue=true",
        }
