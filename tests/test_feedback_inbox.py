"""The staff inbox in the Wagtail admin, tried over HTTP as each group: listing, filters, export, editing."""

import csv
import datetime
import io

import openpyxl
import pytest
from django.core import mail
from django.utils import timezone

from feedback.models import ProblemReport, Status, StatusChange
from tests.feedback_helpers import FORM_URL, category, form_data, make_report, staff_user

pytestmark = pytest.mark.django_db

LIST_URL = "/admin/snippets/feedback/problemreport/"
CATEGORIES_URL = "/admin/snippets/feedback/problemcategory/"


def edit_url(report):
    return f"{LIST_URL}edit/{report.pk}/"


def inspect_url(report):
    return f"{LIST_URL}inspect/{report.pk}/"


def delete_url(report):
    return f"{LIST_URL}delete/{report.pk}/"


@pytest.fixture
def moderator():
    return staff_user("moderator", "Модераторы обращений")


@pytest.fixture
def report():
    return make_report(photos=2)


def refused(response):
    """Wagtail answers a logged-in user without permission by redirecting to the dashboard."""
    return response.status_code == 403 or (
        response.status_code == 302 and response.headers["Location"] == "/admin/"
    )


def edit_data(report, **overrides):
    data = {
        "category": report.category_id,
        "status": report.status,
        "assignee": report.assignee_id or "",
        "due_date": report.due_date.isoformat(),
        "duplicate_of": report.duplicate_of_id or "",
        "public_answer": report.public_answer,
        "internal_note": report.internal_note,
        "status_comment": "",
    }
    data.update(overrides)
    return data


def test_anonymous_visitors_are_sent_to_the_login_page(client, report):
    for url in (LIST_URL, inspect_url(report), edit_url(report), CATEGORIES_URL):
        response = client.get(url)
        assert response.status_code == 302
        assert response.headers["Location"].startswith("/admin/login/")


@pytest.mark.parametrize("group", ["Авторы", "Редакторы", "Переводчики"])
def test_other_staff_groups_cannot_see_the_inbox(client, report, group):
    client.force_login(staff_user("someone", group))
    for url in (LIST_URL, inspect_url(report), edit_url(report)):
        assert refused(client.get(url)), url
    assert "Сообщения жителей" not in client.get("/admin/").text


def test_moderator_sees_the_listing_with_the_working_columns(client, moderator, report):
    client.force_login(moderator)
    html = client.get("/admin/").text
    assert "Решаем вместе" in html  # the menu group
    response = client.get(LIST_URL)
    assert response.status_code == 200
    html = response.text
    assert report.number in html
    assert "Уличное освещение" in html
    assert report.address in html
    assert "новое" in html
    for heading in ("Поступило", "Категория", "Статус", "Ответственный", "Срок ответа"):
        assert heading in html
    # Reports only come from residents; nobody can add one here.
    assert f"{LIST_URL}add/" not in html
    assert refused(client.get(f"{LIST_URL}add/"))


def test_inspect_and_edit_show_the_report_photos_and_history(client, moderator, report):
    client.force_login(moderator)
    for url in (inspect_url(report), edit_url(report)):
        html = client.get(url).text
        for photo in report.photos.all():
            assert f'src="{photo.get_admin_url()}"' in html
        assert report.description in html
        assert report.email in html and report.phone in html
        assert "версия 2026-01" in html


def test_moderator_cannot_delete_but_a_superuser_can(client, moderator, report):
    client.force_login(moderator)
    assert refused(client.get(delete_url(report)))
    assert refused(client.post(delete_url(report)))
    assert ProblemReport.objects.filter(pk=report.pk).exists()
    client.force_login(staff_user("root", superuser=True))
    assert client.get(delete_url(report)).status_code == 200
    client.post(delete_url(report))
    assert not ProblemReport.objects.filter(pk=report.pk).exists()


def test_status_change_is_recorded_and_the_resident_is_told(
    client, moderator, report, django_capture_on_commit_callbacks
):
    client.force_login(moderator)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            edit_url(report),
            edit_data(
                report,
                status=Status.ACCEPTED,
                assignee=moderator.pk,
                public_answer="Передали заявку в МУП «ЖКУ», фонарь заменят до пятницы.",
                internal_note="Звонил мастеру, ждёт лампы со склада.",
                status_comment="Подтверждено выездом",
            ),
        )
    assert response.status_code == 302, response.context["form"].errors if response.context else ""
    report.refresh_from_db()
    assert report.status == Status.ACCEPTED
    assert report.assignee == moderator
    assert report.public_answer_at is not None
    change = report.status_changes.order_by("changed_at", "pk").last()
    assert (change.from_status, change.to_status) == (Status.NEW, Status.ACCEPTED)
    assert change.changed_by == moderator
    assert change.comment == "Подтверждено выездом"

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [report.email]
    assert "принято в работу" in message.subject
    assert "фонарь заменят до пятницы" in message.body
    assert "ждёт лампы" not in message.body  # the internal note stays inside
    assert report.token in message.body
    # The history is visible on the report.
    html = client.get(inspect_url(report)).text
    assert "Подтверждено выездом" in html and moderator.first_name in html


def test_public_answer_alone_also_reaches_the_resident(
    client, moderator, report, django_capture_on_commit_callbacks
):
    client.force_login(moderator)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(edit_url(report), edit_data(report, public_answer="Посмотрим на месте в четверг."))
    assert [message.to for message in mail.outbox] == [[report.email]]
    assert report.status_changes.count() == 1  # no status change, no history entry


def test_saving_without_changes_sends_nothing(client, moderator, report, django_capture_on_commit_callbacks):
    client.force_login(moderator)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(edit_url(report), edit_data(report, internal_note="Только для своих"))
    assert mail.outbox == []


def test_duplicate_needs_the_original(client, moderator, report):
    client.force_login(moderator)
    response = client.post(edit_url(report), edit_data(report, status=Status.DUPLICATE))
    assert response.status_code == 200
    assert "выберите исходное сообщение" in response.text
    original = make_report()
    response = client.post(
        edit_url(report), edit_data(report, status=Status.DUPLICATE, duplicate_of=original.pk)
    )
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.duplicate_of == original and report.closed_at is not None
    assert original.number in client.get(inspect_url(report)).text


def make_overdue(report, days=3):
    ProblemReport.objects.filter(pk=report.pk).update(
        due_date=timezone.localdate() - datetime.timedelta(days=days)
    )


def test_overdue_reports_stand_out_and_filter(client, moderator):
    late, on_time, closed_late = make_report(), make_report(), make_report()
    make_overdue(late)
    make_overdue(closed_late)
    ProblemReport.objects.filter(pk=closed_late.pk).update(status=Status.RESOLVED)
    client.force_login(moderator)

    html = client.get(LIST_URL).text
    assert html.count("просрочено</span>") == 1
    html = client.get(LIST_URL, {"overdue": "true"}).text
    assert late.number in html and on_time.number not in html and closed_late.number not in html


def test_filters_by_status_category_assignee_and_date(client, moderator):
    lights, roads = make_report(), make_report(category=category("Дороги и ямы"))
    ProblemReport.objects.filter(pk=roads.pk).update(status=Status.PLANNED, assignee=moderator)
    old = make_report()
    ProblemReport.objects.filter(pk=old.pk).update(created_at=timezone.now() - datetime.timedelta(days=60))
    client.force_login(moderator)

    def numbers(params):
        html = client.get(LIST_URL, params).text
        return {report.number for report in (lights, roads, old) if report.number in html}

    assert numbers({"status": Status.PLANNED}) == {roads.number}
    assert numbers({"category": category("Дороги и ямы").pk}) == {roads.number}
    assert numbers({"assignee": moderator.pk}) == {roads.number}
    since = (timezone.localdate() - datetime.timedelta(days=7)).isoformat()
    assert numbers({"created_at_from": since}) == {lights.number, roads.number}


def test_search_by_number_address_and_text(client, moderator):
    one = make_report(address="ул. Первомайская, 31", description="Упало дерево на детскую площадку.")
    two = make_report(address="ул. Сибирская, 2", description="Открытый люк посреди тротуара.")
    client.force_login(moderator)

    def found(query):
        html = client.get(LIST_URL, {"q": query}).text
        return {report.number for report in (one, two) if report.number in html}

    assert found(one.number) == {one.number}
    assert found("Сибирская") == {two.number}
    assert found("люк") == {two.number}


def test_export_to_csv_and_xlsx(client, moderator):
    report = make_report()
    make_overdue(report)
    client.force_login(moderator)

    response = client.get(LIST_URL, {"export": "csv"})
    assert response.status_code == 200
    rows = list(
        csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig")), delimiter=";")
    )
    assert rows[0][:3] == ["Номер", "Поступило", "Категория"]
    row = next(row for row in rows if row[0] == report.number)
    assert "Уличное освещение" in row and "новое" in row and "да" in row
    assert report.email not in ",".join(row)  # contacts are not exported

    response = client.get(LIST_URL, {"export": "xlsx"})
    assert response.status_code == 200
    workbook = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    values = [[cell.value for cell in row] for row in workbook.active.iter_rows()]
    assert values[0][0] == "Номер"
    assert any(row[0] == report.number for row in values[1:])


def test_export_holds_a_report_sent_with_control_characters(client, moderator):
    # Regression: control characters pasted or forged into the form reached the XLSX export,
    # which Excel's format cannot hold: the moderators' download failed with a server error.
    response = client.post(
        FORM_URL, form_data(description="Яма\x01 на дороге\x0b у остановки", address="ул.\x1b Мира, 1")
    )
    assert response.status_code == 302
    report = ProblemReport.objects.get()
    assert (report.description, report.address) == ("Яма  на дороге  у остановки", "ул.  Мира, 1")
    client.force_login(moderator)
    response = client.get(LIST_URL, {"export": "xlsx"})
    assert response.status_code == 200
    workbook = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    assert any(row[0].value == report.number for row in workbook.active.iter_rows())


def test_dashboard_panel_counts_new_and_overdue_for_moderators_only(client, moderator):
    make_report()
    late = make_report()
    make_overdue(late)
    ProblemReport.objects.filter(pk=late.pk).update(status=Status.ACCEPTED)
    client.force_login(moderator)
    html = client.get("/admin/").text
    assert 'data-count="new">1<' in html
    assert 'data-count="overdue">1<' in html
    assert "?overdue=true" in html
    client.force_login(staff_user("author", "Авторы"))
    assert "data-count" not in client.get("/admin/").text


def test_editors_manage_categories_and_moderators_do_not(client):
    client.force_login(staff_user("editor", "Редакторы"))
    assert client.get(CATEGORIES_URL).status_code == 200
    assert client.get(f"{CATEGORIES_URL}add/").status_code == 200
    client.force_login(staff_user("moderator2", "Модераторы обращений"))
    assert refused(client.get(f"{CATEGORIES_URL}add/"))


def test_history_keeps_every_change_in_order(client, moderator, report):
    client.force_login(moderator)
    for status in (Status.ACCEPTED, Status.PLANNED, Status.RESOLVED):
        report.refresh_from_db()
        client.post(edit_url(report), edit_data(report, status=status))
    steps = list(StatusChange.objects.filter(report=report).values_list("from_status", "to_status"))
    assert steps == [
        ("", Status.NEW),
        (Status.NEW, Status.ACCEPTED),
        (Status.ACCEPTED, Status.PLANNED),
        (Status.PLANNED, Status.RESOLVED),
    ]
    report.refresh_from_db()
    assert report.closed_at is not None


def test_date_range_filter_has_an_upper_bound_too(client, moderator):
    recent, old = make_report(), make_report()
    ProblemReport.objects.filter(pk=old.pk).update(created_at=timezone.now() - datetime.timedelta(days=60))
    client.force_login(moderator)
    until = (timezone.localdate() - datetime.timedelta(days=30)).isoformat()
    html = client.get(LIST_URL, {"created_at_to": until}).text
    assert old.number in html and recent.number not in html


@pytest.mark.parametrize("count", [3, 30])
def test_listing_queries_do_not_grow_with_the_number_of_reports(
    client, moderator, count, django_assert_max_num_queries
):
    for index in range(count):
        report = make_report()
        if index % 2:
            ProblemReport.objects.filter(pk=report.pk).update(assignee=moderator)
    client.force_login(moderator)
    client.get(LIST_URL)  # warm the per-user caches (permissions, profile)
    with django_assert_max_num_queries(15):
        assert client.get(LIST_URL).status_code == 200
