"""The dashboard panel: how many mandatory information items are missing, stale or due soon."""

from django.urls import reverse
from wagtail.admin.ui.components import Component

from .states import DUE_SOON_DAYS, counts


class MandatoryInformationPanel(Component):
    name = "mandatory_information"
    template_name = "compliance/admin/dashboard_panel.html"
    order = 45

    def get_context_data(self, parent_context):
        return {
            "counts": counts(),
            "report_url": reverse("compliance_report"),
            "due_soon_days": DUE_SOON_DAYS,
        }
