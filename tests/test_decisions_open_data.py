"""Open data: the registry, or any filtered part of it, as CSV (UTF-8 with BOM) and JSON."""

import csv
import datetime
import io
import json

import pytest
from django.contrib.auth.models import Group
from wagtail.models import Locale, Page, PageViewRestriction

from news.listings import EXPORT_COLUMNS
from tests.factories import DecisionPageFactory
from tests.helpers import EDITORS, decision_registry

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


@pytest.fixture
def hidden_acts(acts):
    """Acts no visitor may open, each amended and repealed by a public act and amending a public one.

    A draft never published, an act published and then unpublished, one open to a staff group only,
    and one in a language the site no longer serves (its locale is left in the database).
    """
    base, _amending = acts
    registry = decision_registry()
    draft = DecisionPageFactory(parent=registry, title="Черновик изменений", number="№ 901-ч", live=False)
    unpublished = DecisionPageFactory(parent=registry, title="Снятое с сайта", number="№ 902-с")
    unpublished.unpublish()
    private = DecisionPageFactory(parent=registry, title="Для служебного пользования", number="№ 903-д")
    restriction = PageViewRestriction.objects.create(
        page=private, restriction_type=PageViewRestriction.GROUPS
    )
    restriction.groups.set([Group.objects.get(name=EDITORS)])
    foreign = DecisionPageFactory(parent=registry, title="На неподдерживаемом языке", number="№ 904-н")
    hidden = [draft, unpublished, private, foreign]
    for act in hidden:
        act.amends.set([base])
        act.save()
    public_act = DecisionPageFactory(
        parent=registry,
        title="О порядке благоустройства",
        number="№ 60",
        date_adopted=datetime.date(2023, 5, 2),
    )
    public_act.amends.set([base, *hidden])
    public_act.repeals.set(hidden)
    public_act.save()
    # Last: saving the act again would put its locale back.
    Page.objects.filter(pk=foreign.pk).update(locale=Locale.objects.create(language_code="de"))
    return base, public_act, hidden


def test_exports_name_only_public_acts_in_every_column(client, hidden_acts):
    _base, _public_act, hidden = hidden_acts
    csv_text = client.get("/ru/decisions/export/csv/").content.decode("utf-8-sig")
    json_text = client.get("/ru/decisions/export/json/").content.decode("utf-8")
    for act in hidden:
        for text in (csv_text, json_text):
            assert act.number not in text and act.title not in text
    rows = {row["number"]: row for row in csv.DictReader(io.StringIO(csv_text), delimiter=";")}
    assert rows["№ 60"]["amends"] == "01.02.2019 № 10"
    assert rows["№ 60"]["repeals"] == ""
    items = {item["number"]: item for item in json.loads(json_text)["items"]}
    assert items["№ 60"]["amends"] == ["01.02.2019 № 10"] and items["№ 60"]["repeals"] == []
    assert set(items) == set(rows) and {"№ 10", "№ 44", "№ 60"} <= set(items)


def test_registry_pages_link_only_to_public_acts(client, hidden_acts):
    base, public_act, hidden = hidden_acts
    registry_html = client.get("/ru/decisions/").text
    base_html = client.get(base.url).text
    public_html = client.get(public_act.url).text
    assert "О порядке благоустройства" in registry_html
    assert "№ 60" in base_html  # the public amending act is named on the act it amends
    assert "О правилах благоустройства" in public_html
    for act in hidden:
        for html in (registry_html, base_html, public_html):
            assert act.number not in html and act.title not in html
