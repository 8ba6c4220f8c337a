"""The public listing's filters: every filter is a GET parameter, so each result list has its URL."""

import datetime

from django import forms
from django.conf import settings
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..models import CLOSED_STATUSES, ProblemCategory, Status
from ..models.categories import translations_by_key

OPEN, CLOSED = "open", "closed"
PERIODS = {"30": 30, "90": 90, "365": 365}
STREET_MAX_LENGTH = 100


class PublicReportFilterForm(forms.Form):
    """Category, status, period and street of the public reports; a wrong value is said, not dropped."""

    category = forms.ChoiceField(label=_("Категория"), required=False)
    status = forms.ChoiceField(
        label=_("Статус"),
        required=False,
        choices=[
            ("", _("Любой")),
            (OPEN, _("в работе (все открытые)")),
            (CLOSED, _("закрытые (все)")),
            *Status.choices,
        ],
    )
    period = forms.ChoiceField(
        label=_("Поступили"),
        required=False,
        choices=[
            ("", _("за всё время")),
            ("30", _("за последние 30 дней")),
            ("90", _("за последние 90 дней")),
            ("365", _("за последний год")),
        ],
    )
    street = forms.CharField(
        label=_("Улица или место"),
        required=False,
        max_length=STREET_MAX_LENGTH,
        help_text=_("Часть названия, например «Кирова»."),
        error_messages={"max_length": _("Сократите название улицы до 100 знаков.")},
    )

    def __init__(self, *args, categories=(), **kwargs):
        super().__init__(*args, **kwargs)
        # (id of the Russian category, name in the visitor's language)
        self.fields["category"].choices = [("", _("Все категории")), *categories]

    @property
    def is_filtered(self):
        return self.is_bound and self.is_valid() and any(self.cleaned_data.values())

    def filter(self, reports):
        if not self.is_bound or not self.is_valid():
            return reports
        data = self.cleaned_data
        if data["category"]:
            reports = reports.filter(category_id=int(data["category"]))
        status = data["status"]
        if status == OPEN:
            reports = reports.exclude(status__in=CLOSED_STATUSES)
        elif status == CLOSED:
            reports = reports.filter(status__in=CLOSED_STATUSES)
        elif status:
            reports = reports.filter(status=status)
        if data["period"]:
            since = timezone.now() - datetime.timedelta(days=PERIODS[data["period"]])
            reports = reports.filter(created_at__gte=since)
        street = data["street"].strip()
        if street:
            # SQLite compares only ASCII letters case-insensitively: try the typed case and a capital too.
            capitalised = street[:1].upper() + street[1:]
            reports = reports.filter(
                Q(public_address__icontains=street) | Q(public_address__contains=capitalised)
            )
        return reports


def category_choices():
    """The Russian categories (their ids are the filter's values), named in the visitor's language."""
    originals = ProblemCategory.objects.filter(locale__language_code=settings.LANGUAGE_CODE)
    shown = translations_by_key(originals)
    return [
        (str(category.pk), (shown.get(category.translation_key) or category).name)
        for category in originals.order_by("sort_order", "name")
    ]
