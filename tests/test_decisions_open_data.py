"""Open data: the registry, or any filtered part of it, as CSV (UTF-8 with BOM) and JSON."""

import csv
import datetime
import io
import json

import pytest

from news.views import EXPORT_COLUMNS
from tests.factories import DecisionPageFactory
from tests.helpers import decision_registry

pytestmark = pytest.mark.django_db

COLUMNS = [
    "number",
    "kind",
    "date_adopted",
    "title",
    "status",
    "status_label",
    "effective_date",
    "lost_force_date",
    "adopting_body",
    "publication_source",
    "publication_date",
    "url",
    "document_url",
    "amends",
    "repeals",
]


@pytest.fixture
def acts():
    registry = decision_registry()
    base = DecisionPageFactory(
        parent=registry,
        title="О правилах благоустройства",
        number="№ 10",
        date_adopted=datetime.date(2019, 2, 1),
    )
    amending = DecisionPageFactory(
        parent=registry, title="О внесении изменений", number="№ 44", date_adopted=datetime.date(2022, 4, 5)
    )
    amending.amends.set([base])
    amending.save()
    return base, amending


def test_csv_opens_in_excel_with_cyrillic_and_documented_columns(client, acts):
    response = client.get("/ru/decisions/export/csv/")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="glazov-duma-decisions-')
    assert response.content.startswith(b"\xef\xbb\xbf")  # the BOM Excel needs to read UTF-8
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert list(rows[0].keys()) == COLUMNS == EXPORT_COLUMNS
    by_number = {row["number"]: row for row in rows}
    amending = by_number["№ 44"]
    assert amending["title"] == "О внесении изменений"
    assert amending["kind"] == "Решение"
    assert amending["date_adopted"] == "2022-04-05"
    assert amending["status"] == "in_force"
    assert amending["status_label"] == "в силе"
    assert amending["amends"] == "01.02.2019 № 10"
    assert amending["url"] == f"http://testserver{acts[1].url}"
    demo = by_number["№ 1-демо"]
    assert demo["document_url"].startswith("http://testserver/documents/")
    assert demo["document_url"].endswith(".pdf")


def test_csv_export_follows_the_filters(client, acts):
    rows = list(
        csv.DictReader(
            io.StringIO(
                client.get("/ru/decisions/export/csv/", {"year": "2022"}).content.decode("utf-8-sig")
            ),
            delimiter=";",
        )
    )
    assert [row["number"] for row in rows] == ["№ 44"]


def test_json_export(client, acts):
    response = client.get("/ru/decisions/export/json/", {"date_from": "2019-01-01"})
    assert response["Content-Type"] == "application/json"
    data = json.loads(response.content)
    assert data["count"] == 2
    assert data["columns"] == COLUMNS
    assert [item["number"] for item in data["items"]] == ["№ 44", "№ 10"]
    first = data["items"][0]
    assert list(first.keys()) == COLUMNS
    assert first["amends"] == ["01.02.2019 № 10"]
    assert first["repeals"] == []
    assert first["effective_date"] == ""
