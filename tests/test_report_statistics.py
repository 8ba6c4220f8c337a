"""The statistics page: counts by category and status, median and 90th percentile of days to the
first action and to closing, the share closed in time, each with its sample size; constant queries."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from feedback.models import ProblemReport, Status, StatusChange
from feedback.services import publish_report
from feedback.stats import percentile, report_statistics
from tests.feedback_helpers import category, make_report

pytestmark = pytest.mark.django_db

STATS = "/ru/feedback/reports/stats/"


def report_at(days_ago, first_action_after=None, closed_after=None, name="Уличное освещение", public=False):
    """A report received ``days_ago`` days ago, acted on and closed that many days after."""
    report = make_report(category=category(name))
    created = timezone.now() - datetime.timedelta(days=days_ago)
    values = {"created_at": created, "due_date": timezone.localdate(created) + datetime.timedelta(days=30)}
    if closed_after is not None:
        values.update(status=Status.RESOLVED, closed_at=created + datetime.timedelta(days=closed_after))
    ProblemReport.objects.filter(pk=report.pk).update(**values)
    if first_action_after is not None:
        StatusChange.objects.create(
            report=report,
            changed_at=created + datetime.timedelta(days=first_action_after),
            from_status=Status.NEW,
            to_status=Status.ACCEPTED,
        )
        StatusChange.objects.create(  # a later change does not count as the first
            report=report,
            changed_at=created + datetime.timedelta(days=first_action_after + 5),
            from_status=Status.ACCEPTED,
            to_status=Status.PLANNED,
        )
    if public:
        publish_report(report, by=None, public_text="Текст.", public_address="ул. Ленина, 1")
    return report


@pytest.fixture
def fixture_reports():
    # first action after 1, 2, 3, 10 days; closed after 4 and 40 days (one late); one untouched.
    report_at(60, first_action_after=1, closed_after=4, public=True)
    report_at(50, first_action_after=2, closed_after=40, name="Дороги и ямы")
    report_at(20, first_action_after=3)
    report_at(10, first_action_after=10, public=True)
    report_at(5)


def test_the_figures_match_the_hand_computed_ones(fixture_reports):
    stats = report_statistics()
    assert stats["totals"] == {"received": 5, "published": 2, "closed": 2}
    assert stats["to_answer"] == {"count": 4, "median": 2.5, "p90": 7.9}  # 1 2 3 10
    assert stats["to_close"] == {"count": 2, "median": 22.0, "p90": 36.4}  # 4 40
    assert stats["in_time"] == {"count": 2, "share": 50}
    assert {c.name: n for c, n in stats["by_category"]} == {"Уличное освещение": 4, "Дороги и ямы": 1}
    assert dict(stats["by_status"])["решено"] == 2 and dict(stats["by_status"])["новое"] == 3


def test_a_period_counts_only_the_reports_received_in_it(fixture_reports):
    stats = report_statistics("30")
    assert stats["totals"]["received"] == 3
    assert stats["to_close"]["count"] == 0 and stats["in_time"]["share"] is None


def test_percentiles_interpolate():
    assert percentile([], 0.5) is None
    assert percentile([7], 0.9) == 7
    assert percentile([1, 2, 3, 10], 0.5) == 2.5


def test_the_page_shows_the_figures_as_tables_with_the_explanation(client, fixture_reports):
    html = client.get(STATS).text
    assert '<td id="stats-received">5</td>' in html
    assert '<td id="stats-closed">2</td>' in html
    assert "<caption>" in html and "Как считаются цифры" in html
    assert "Закрыто в срок: 50% из 2 закрытых сообщений." in html
    assert "<script" not in html[html.index("<main") : html.index("</main>")]
    assert "Пётр" not in html and "petr@example.org" not in html
    assert 'href="/ru/feedback/reports/stats/"' in client.get("/ru/feedback/reports/").text


def queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_constant_queries_at_two_sizes(client):
    report_at(3, first_action_after=1, closed_after=2)
    client.get(STATS)  # warm the site's chrome
    few = queries(client, STATS + "?period=90")
    for days in range(30):
        report_at(days % 20 + 1, first_action_after=1, closed_after=days % 7 + 1)
    # Another period: not in the page cache yet (the cached page follows within PAGE_CACHE_SECONDS).
    assert queries(client, STATS + "?period=365") == few


def test_the_csv_has_the_same_figures(client, fixture_reports):
    import csv
    import io

    response = client.get(STATS + "csv/")
    assert response.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0] == ["section", "item", "value", "sample_size"]
    figures = {(row[0], row[1]): (row[2], row[3]) for row in rows[1:]}
    assert figures[("totals", "received")] == ("5", "")
    assert figures[("days_to_answer", "median")] == ("2.5", "4")
    assert figures[("days_to_close", "p90")] == ("36.4", "2")
    assert figures[("closed_in_time", "percent")] == ("50", "2")
    assert figures[("category", "Дороги и ямы")] == ("1", "")
    assert 'href="csv/"' in client.get(STATS).text
