"""The public listing of published reports: newest first, GET filters with stable URLs, pagination,
each item's facts; a page per report; links from the form and the home page; the demo reports."""

import datetime
import re

import pytest
from django.core.management import call_command
from django.utils import timezone

from feedback.models import ProblemReport, Status
from feedback.public import REPORTS_PER_PAGE
from feedback.services import change_status, publish_report
from tests.feedback_helpers import category, make_report

pytestmark = pytest.mark.django_db

LISTING = "/ru/feedback/reports/"


def published(days_ago=0, text="Яма на дороге.", address="ул. Ленина, 12", status=None, answer=None, **kw):
    report = make_report(**kw)
    if days_ago:
        ProblemReport.objects.filter(pk=report.pk).update(
            created_at=timezone.now() - datetime.timedelta(days=days_ago)
        )
        report.refresh_from_db()
    if status or answer:
        change_status(report, status or report.status, by=None, public_answer=answer)
    return publish_report(report, by=None, public_text=text, public_address=address)


def numbers(html):
    return re.findall(r"ГЛЗ-\d{4}-\d{6}", html)


def test_newest_first_with_number_category_status_dates_place_text_and_answer(client):
    old = published(days_ago=10, text="Старая яма.", status=Status.RESOLVED, answer="Заделали.")
    new = published(text="Новая яма.", address="ул. Кирова, 5")
    html = client.get(LISTING).text
    assert numbers(html).index(new.number) < numbers(html).index(old.number)
    item = html[html.index(old.number) :]
    for shown in ("Уличное освещение", "решено", "Старая яма.", "Заделали.", "ул. Ленина, 12", "Поступило"):
        assert shown in item, shown
    assert timezone.localdate(old.created_at).isoformat() in item


def test_filters_by_category_status_period_and_street(client):
    lights = published(address="ул. Кирова, 5")
    roads = published(category=category("Дороги и ямы"), address="ул. Ленина, 12")
    closed = published(days_ago=100, status=Status.RESOLVED, address="ул. Сибирская, 1")

    def shown(query):
        return set(numbers(client.get(LISTING + "?" + query).text))

    assert shown(f"category={category('Дороги и ямы').pk}") == {roads.number}
    assert shown("status=closed") == {closed.number}
    assert shown("status=open") == {lights.number, roads.number}
    assert shown("status=resolved") == {closed.number}
    assert shown("period=30") == {lights.number, roads.number}
    assert shown("street=Кирова") == {lights.number}
    assert shown("street=кирова") == {lights.number}  # as people type it


def test_a_wrong_filter_is_said_not_hidden(client):
    published()
    response = client.get(LISTING + "?status=nonsense&period=7")
    assert response.status_code == 200
    assert "Исправьте отмеченные поля" in response.text


def test_pagination_keeps_the_filters_and_never_fails(client):
    for _ in range(REPORTS_PER_PAGE + 1):
        published(address="ул. Кирова, 5")
    first = client.get(LISTING + "?street=Кирова")
    assert len(set(numbers(first.text))) == REPORTS_PER_PAGE
    assert "?street=%D0%9A%D0%B8%D1%80%D0%BE%D0%B2%D0%B0&amp;page=2" in first.text
    second = client.get(LISTING + "?street=Кирова&page=2")
    assert len(set(numbers(second.text))) == 1
    assert client.get(LISTING + "?page=99").status_code == 200


def test_the_listing_needs_no_script(client):
    published()
    html = client.get(LISTING).text
    main = html[html.index("<main") : html.index("</main>")]
    assert "<script" not in main
    assert 'method="get"' in main


def test_the_listing_answers_in_constant_queries(client, django_assert_max_num_queries):
    published()
    client.get(LISTING)  # warm the chrome's caches

    def count():
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as queries:
            client.get(LISTING + "?period=365")
        return len(queries)

    few = count()
    for _ in range(8):
        published()
    assert count() <= few


def test_the_report_page_and_its_number_url(client):
    report = published(text="Сломана скамейка.")
    response = client.get(f"/ru/feedback/reports/{report.number}/")
    assert response.status_code == 200
    assert "Сломана скамейка." in response.text
    assert client.get("/ru/feedback/reports/ГЛЗ-2000-000001/").status_code == 404
    listing = client.get(LISTING).text
    assert "/ru/feedback/reports/%D0%93%D0%9B%D0%97-" in listing  # each item links to its page


def test_the_home_page_links_to_the_reports(client):
    assert 'href="/ru/feedback/reports/"' in client.get("/ru/").text


def test_the_english_listing_marks_russian_text(client):
    report = published(text="Яма на дороге.")
    html = client.get("/en/feedback/reports/").text
    assert '<div class="report-item__text" lang="ru">' in html
    assert f'<span lang="ru">{report.number}</span>' in html


def test_demo_reports_are_published_with_answers_and_load_once(client):
    call_command("load_demo_reports", verbosity=0)
    call_command("load_demo_reports", verbosity=0)
    demo = ProblemReport.objects.filter(email__startswith="demo-resident-")
    assert demo.count() == 3 and all(report.is_public for report in demo)
    assert demo.exclude(public_answer="").count() == 2
    html = client.get(LISTING).text
    assert len(numbers(html)) >= 3 and "8 912" not in html and "Ольга" not in html
