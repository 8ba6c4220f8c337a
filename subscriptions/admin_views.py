"""«Отчёты → Подписки»: how many confirmed subscribers each topic has, and how many requests wait.

Counts only, never an address: only administrators (subscriptions.view_subscription_counts, given
to no group) open it. Addresses are reachable by nobody in the admin; a resident manages theirs
from the link in any e-mail.
"""

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView
from wagtail.admin.menu import MenuItem
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from . import services
from .models import Subscription

PERMISSION = "subscriptions.view_subscription_counts"


def may_see_counts(user):
    return user.is_active and user.has_perm(PERMISSION)


def topic_counts():
    """[(topic in Russian, confirmed immediate, confirmed daily, waiting for confirmation)], by topic."""
    rows = (
        Subscription.objects.values("topic", "rubric", "decision_kind", "decision")
        .annotate(
            immediate=Count(
                "pk", filter=Q(confirmed_at__isnull=False, frequency=Subscription.Frequency.IMMEDIATE)
            ),
            daily=Count("pk", filter=Q(confirmed_at__isnull=False, frequency=Subscription.Frequency.DAILY)),
            waiting=Count("pk", filter=Q(confirmed_at__isnull=True)),
        )
        .order_by("topic", "rubric", "decision_kind", "decision")
    )
    result = []
    for row in rows:
        sample = Subscription(
            topic=row["topic"],
            rubric_id=row["rubric"],
            decision_kind_id=row["decision_kind"],
            decision_id=row["decision"],
        )
        result.append(
            {
                "topic": services.describe(sample, "ru"),
                "immediate": row["immediate"],
                "daily": row["daily"],
                "waiting": row["waiting"],
            }
        )
    return result


class SubscriptionCountsView(WagtailAdminTemplateMixin, TemplateView):
    template_name = "subscriptions/admin/counts.html"
    page_title = gettext_lazy("Подписки")
    header_icon = "mail"

    def dispatch(self, request, *args, **kwargs):
        if not may_see_counts(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_breadcrumbs_items(self):
        return [*self.breadcrumbs_items, {"url": "", "label": self.page_title}]

    def get_context_data(self, **kwargs):
        confirmed = Subscription.objects.confirmed()
        return super().get_context_data(
            **kwargs,
            rows=topic_counts(),
            addresses=confirmed.values("address_key").distinct().count(),
        )


class SubscriptionCountsMenuItem(MenuItem):
    def is_shown(self, request):
        return may_see_counts(request.user)


def counts_menu_item():
    return SubscriptionCountsMenuItem(
        gettext_lazy("Подписки"), reverse("subscriptions_counts"), icon_name="mail", order=910
    )
