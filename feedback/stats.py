"""Statistics of «Решаем вместе» for a period: how many reports came, were published and closed,
by category and by status, and how fast the city answers (median and 90th percentile of days).

Counts are computed in the database (three grouped queries); the durations are read in one more
query, one row of three dates per report, and their percentiles taken here: the same number of
queries for 10 reports or 10,000, on SQLite and PostgreSQL alike.
"""

import datetime
import math

from django.db.models import Count, Min, Q
from django.utils import timezone

from .models import CLOSED_STATUSES, ProblemCategory, ProblemReport, Status
from .models.categories import translations_by_key

PERIODS = {"30": 30, "90": 90, "365": 365}


def percentile(values, share):
    """The ``share`` (0…1) percentile of ``values`` by linear interpolation; None when empty."""
    values = sorted(values)
    if not values:
        return None
    position = (len(values) - 1) * share
    low, high = math.floor(position), math.ceil(position)
    return values[low] + (values[high] - values[low]) * (position - low)


def days_between(start, end):
    return (end - start).total_seconds() / 86400


def summary(values):
    median, p90 = percentile(values, 0.5), percentile(values, 0.9)
    return {
        "count": len(values),
        "median": None if median is None else round(median, 1),
        "p90": None if p90 is None else round(p90, 1),
    }


def report_statistics(period=""):
    """The figures of the page for reports received in the last ``period`` days ("" for all time)."""
    reports = ProblemReport.objects.all()
    since = None
    if period in PERIODS:
        since = timezone.now() - datetime.timedelta(days=PERIODS[period])
        reports = reports.filter(created_at__gte=since)
    totals = reports.aggregate(
        received=Count("pk"),
        published=Count("pk", filter=Q(is_public=True)),
        closed=Count("pk", filter=Q(status__in=CLOSED_STATUSES)),
    )
    by_status_counts = dict(reports.values_list("status").annotate(n=Count("pk")).order_by())
    by_category_counts = dict(reports.values_list("category").annotate(n=Count("pk")).order_by())
    categories = ProblemCategory.objects.filter(pk__in=list(by_category_counts)).order_by(
        "sort_order", "name"
    )
    shown = translations_by_key(categories)
    rows = reports.annotate(
        first_change=Min("status_changes__changed_at", filter=~Q(status_changes__from_status=""))
    ).values_list("created_at", "first_change", "closed_at", "due_date")
    to_answer, to_close, closed_in_time = [], [], 0
    for created_at, first_change, closed_at, due_date in rows:
        if first_change is not None:
            to_answer.append(days_between(created_at, first_change))
        if closed_at is not None:
            to_close.append(days_between(created_at, closed_at))
            closed_in_time += timezone.localdate(closed_at) <= due_date
    return {
        "since": since,
        "totals": totals,
        "by_status": [(label, by_status_counts.get(value, 0)) for value, label in Status.choices],
        "by_category": [
            ((shown.get(category.translation_key) or category), by_category_counts[category.pk])
            for category in categories
        ],
        "to_answer": summary(to_answer),
        "to_close": summary(to_close),
        "in_time": {
            "count": len(to_close),
            "share": round(100 * closed_in_time / len(to_close)) if to_close else None,
        },
    }
