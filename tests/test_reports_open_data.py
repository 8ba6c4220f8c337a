"""Public reports as RSS (all, per category) and as anonymised open data: CSV (UTF-8 with BOM, `;`)
and JSON, with the columns docs/moderators.md documents."""

import csv
import io
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from django.conf import settings

from feedback.models import Status
from feedback.public import EXPORT_COLUMNS
from feedback.services import change_status, publish_report
from tests.feedback_helpers import category, make_report

pytestmark = pytest.mark.django_db

COLUMNS = [
    "number",
    "category",
    "status",
    "status_label",
    "created_at",
    "published_at",
    "answered_at",
    "closed_at",
    "due_date",
    "address",
    "latitude",
    "longitude",
    "text",
    "answer",
    "url",
]


@pytest.fixture
def reports():
    lights = make_report(latitude="58.139312", longitude="52.658047")
    change_status(lights, Status.RESOLVED, by=None, public_answer="Фонарь заменили.")
    publish_report(
        lights, by=None, public_text='=HYPERLINK("x") не горит фонарь', public_address="ул. Кирова, 5"
    )
    roads = make_report(category=category("Дороги и ямы"))
    publish_report(roads, by=None, public_text="Яма у остановки.", public_address="ул. Ленина, 12")
    hidden = make_report(description="Неопубликованное сообщение")
    return lights, roads, hidden


def rss_items(response):
    return list(ET.fromstring(response.content).iter("item"))  # noqa: S314 - our own response


def csv_rows(response):
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))


def test_the_columns_are_the_documented_ones():
    assert EXPORT_COLUMNS == COLUMNS
    doc = (Path(settings.BASE_DIR) / "docs" / "moderators.md").read_text(encoding="utf-8")
    for column in COLUMNS:
        assert f"| `{column}` |" in doc, column


def test_csv_opens_in_excel_and_holds_only_published_reports(client, reports):
    lights, roads, _hidden = reports
    response = client.get("/ru/feedback/reports/export/csv/")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="glazov-reports-')
    assert response.content.startswith(b"\xef\xbb\xbf")
    rows = csv_rows(response)
    assert list(rows[0]) == COLUMNS
    by_number = {row["number"]: row for row in rows}
    assert set(by_number) == {lights.number, roads.number}
    row = by_number[lights.number]
    assert (row["latitude"], row["longitude"]) == ("58.139", "52.658")
    assert row["status"] == "resolved" and row["status_label"] == "решено"
    assert row["answer"] == "Фонарь заменили."
    assert row["text"].startswith("'=HYPERLINK")  # a formula is text in Excel
    assert row["url"].endswith(f"/ru/feedback/reports/{lights.number}/".replace("ГЛЗ", "%D0%93%D0%9B%D0%97"))


def test_csv_follows_the_listing_filters(client, reports):
    _lights, roads, _hidden = reports
    rows = csv_rows(client.get(f"/ru/feedback/reports/export/csv/?category={category('Дороги и ямы').pk}"))
    assert [row["number"] for row in rows] == [roads.number]


def test_json_has_metadata_columns_and_items(client, reports):
    lights, roads, _hidden = reports
    data = client.get("/ru/feedback/reports/export/json/").json()
    assert data["columns"] == COLUMNS and data["count"] == 2
    assert {item["number"] for item in data["items"]} == {lights.number, roads.number}
    assert all(list(item) == COLUMNS for item in data["items"])
    item = next(item for item in data["items"] if item["number"] == lights.number)
    assert item["closed_at"] and item["answered_at"] and item["latitude"] == "58.139"


def test_rss_lists_published_reports_all_and_per_category(client, reports):
    lights, roads, _hidden = reports
    response = client.get("/ru/feedback/reports/feed/")
    assert response.status_code == 200 and response["Content-Type"].startswith("application/rss+xml")
    titles = [item.findtext("title") for item in rss_items(response)]
    assert len(titles) == 2 and any(lights.number in title for title in titles)
    per_category = client.get(f"/ru/feedback/reports/feed/{category('Дороги и ямы').pk}/")
    items = rss_items(per_category)
    assert [roads.number in item.findtext("title") for item in items] == [True]
    assert "Яма у остановки." in items[0].findtext("description")
    assert client.get("/ru/feedback/reports/feed/999999/").status_code == 404


def test_the_listing_links_the_feed_and_the_exports(client, reports):
    html = client.get("/ru/feedback/reports/").text
    assert 'type="application/rss+xml"' in html
    assert 'href="/ru/feedback/reports/export/csv/"' in html
    assert 'href="/ru/feedback/reports/export/json/"' in html
