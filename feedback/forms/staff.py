"""Staff who work the report inbox, as the admin forms and filters offer them: by name, not login."""

import django_filters
from django.contrib.auth import get_user_model
from django.db.models import Q

from ..models.reports import person_name


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


class StaffFilterChoiceField(django_filters.fields.ModelChoiceField):
    """A colleague in a listing filter, shown as «Имя Фамилия» (the login when no name is filled in)."""

    def label_from_instance(self, obj):
        return person_name(obj)


class StaffFilter(django_filters.ModelChoiceFilter):
    field_class = StaffFilterChoiceField
