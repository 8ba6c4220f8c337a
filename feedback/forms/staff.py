"""Staff who work the report inbox, as the admin forms and filters offer them."""

from django.contrib.auth import get_user_model
from django.db.models import Q


def staff_who_work_reports():
    """Users a report can be assigned to: «Модераторы обращений» and superusers."""
    return (
        get_user_model()
        .objects.filter(
            Q(is_superuser=True) | Q(groups__permissions__codename="change_problemreport"), is_active=True
        )
        .distinct()
        .order_by("first_name", "last_name", "username")
    )
