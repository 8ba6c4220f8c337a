from django.urls import path
from wagtail import hooks

from .admin_views import SubscriptionCountsView, counts_menu_item


@hooks.register("register_admin_urls")
def register_counts_url():
    return [path("subscriptions/", SubscriptionCountsView.as_view(), name="subscriptions_counts")]


hooks.register("register_reports_menu_item", counts_menu_item)
