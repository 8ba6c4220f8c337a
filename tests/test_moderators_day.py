"""A moderator's day in the inbox, over HTTP as the moderator and as each other staff group.

Sorting by arrival and deadline, the deadlines panel on the dashboard, colleagues named by name,
no due date in the past, no «Удалить» or menus the user cannot use, the title the guide names.
"""

import csv
import datetime
import io
import json
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone

from feedback.models import Notification, ProblemReport, Status
from tests.feedback_helpers import make_report, staff_user
from tests.helpers import GROUPS, REPORT_MODERATORS

pytestmark = pytest.mark.django_db

LIST_URL = "/admin/snippets/feedback/problemreport/"
BULK_DELETE_URL = "/admin/bulk/feedback/problemreport/delete/"
BULK_STATUS_URL = "/admin/bulk/feedback/problemreport/change_status/"
OTHER_GROUPS = [group for group in GROUPS if group != REPORT_MODERATORS]


@pytest.fixture
def moderator():
    return staff_user("moderator", REPORT_MODERATORS)


def set_dates(report, *, due_in=None, arrived_days_ago=None):
    today = timezone.localdate()
    values = {}
    if due_in is not None:
        values["due_date"] = today + datetime.timedelta(days=due_in)
    if arrived_days_ago is not None:
        values["created_at"] = timezone.now() - datetime.timedelta(days=arrived_days_ago)
    ProblemReport.objects.filter(pk=report.pk).update(**values)


def order_of(html, reports):
    """The reports' numbers in the order the page shows them."""
    return sorted((report.number for report in reports), key=html.index)


def menu_links(html):
    """(label, url) of every link in the admin's sidebar menu."""
    props = re.search(r'id="wagtail-sidebar-props"[^>]*>(.*?)</script>', html, re.S).group(1)
    found = []

    def walk(node):
        if isinstance(node, dict):
            if node.get("_type") == "wagtail.sidebar.LinkMenuItem":
                found.append((node["_args"][0]["label"], node["_args"][0]["url"]))
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(json.loads(props))
    return found


def deadlines_panel(html):
    match = re.search(r'id="feedback-deadlines-section".*?</section>', html, re.S)
    return match.group(0) if match else None


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


# Sorting


def test_the_inbox_sorts_by_deadline_and_by_arrival(client, moderator):
    first, second, third = make_report(), make_report(), make_report()
    set_dates(first, due_in=10, arrived_days_ago=1)
    set_dates(second, due_in=-2, arrived_days_ago=30)
    set_dates(third, due_in=4, arrived_days_ago=5)
    client.force_login(moderator)
    html = client.get(LIST_URL).text
    assert "ordering=due_date" in html and "ordering=created_at" in html  # sortable column headings
    by_deadline = [second.number, third.number, first.number]
    assert (
        order_of(client.get(LIST_URL, {"ordering": "due_date"}).text, [first, second, third]) == by_deadline
    )
    assert order_of(client.get(LIST_URL, {"ordering": "-due_date"}).text, [first, second, third]) == list(
        reversed(by_deadline)
    )
    by_arrival = [second.number, third.number, first.number]
    assert (
        order_of(client.get(LIST_URL, {"ordering": "created_at"}).text, [first, second, third]) == by_arrival
    )
    assert order_of(client.get(LIST_URL).text, [first, second, third]) == list(reversed(by_arrival))


# The deadlines panel


def test_the_dashboard_lists_overdue_reports_and_those_due_within_three_days(client, moderator):
    late, today, in_three, in_four = make_report(), make_report(), make_report(), make_report()
    closed_late = make_report()
    set_dates(late, due_in=-2)
    set_dates(today, due_in=0)
    set_dates(in_three, due_in=3)
    set_dates(in_four, due_in=4)
    set_dates(closed_late, due_in=-5)
    ProblemReport.objects.filter(pk=closed_late.pk).update(status=Status.RESOLVED)
    client.force_login(moderator)
    panel = deadlines_panel(client.get("/admin/").text)
    assert panel is not None
    listed = [late, today, in_three]
    assert order_of(panel, listed) == [report.number for report in listed]  # soonest first
    for report in listed:
        assert f'<a href="{LIST_URL}edit/{report.pk}/">{report.number}</a>' in panel
    assert in_four.number not in panel and closed_late.number not in panel
    assert "просрочено, дней: 2" in panel and "сегодня" in panel and "осталось дней: 3" in panel
    until = (timezone.localdate() + datetime.timedelta(days=3)).strftime("%d.%m.%Y")
    assert f"наступит до {until}" in panel


def test_the_deadlines_panel_says_when_nothing_is_due(client, moderator):
    set_dates(make_report(), due_in=20)
    client.force_login(moderator)
    assert "Сообщений с истекающим сроком ответа нет." in deadlines_panel(client.get("/admin/").text)


@pytest.mark.parametrize("group", GROUPS)
def test_the_deadlines_panel_is_only_for_those_who_work_the_inbox(client, group):
    report = make_report()
    set_dates(report, due_in=-1)
    client.force_login(staff_user("member", group))
    html = client.get("/admin/").text
    assert (deadlines_panel(html) is not None) is (group == REPORT_MODERATORS)
    assert (report.number in html) is (group == REPORT_MODERATORS)


# Colleagues by name


def test_the_assignee_is_named_by_name_in_list_filter_form_and_export(client, moderator):
    maria = staff_user("mpetrova", REPORT_MODERATORS)
    maria.first_name, maria.last_name = "Мария", "Петрова"
    maria.save()
    nameless = staff_user("ivanov7", REPORT_MODERATORS)
    nameless.first_name = ""
    nameless.save()
    report = make_report()
    ProblemReport.objects.filter(pk=report.pk).update(assignee=maria)
    client.force_login(moderator)

    listing = client.get(LIST_URL).text
    assert "Мария Петрова" in listing and "mpetrova" not in listing  # the column and the filter
    assert re.search(rf'<option value="{maria.pk}"[^>]*>\s*Мария Петрова\s*</option>', listing)
    assert re.search(rf'<option value="{nameless.pk}"[^>]*>\s*ivanov7\s*</option>', listing)  # no name: login

    form = client.get(f"{LIST_URL}edit/{report.pk}/").text
    assert re.search(rf'<option value="{maria.pk}" selected>\s*Мария Петрова\s*</option>', form)
    assert "mpetrova" not in form

    response = client.get(LIST_URL, {"export": "csv"})
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    row = next(row for row in csv.reader(io.StringIO(text), delimiter=";") if row[0] == report.number)
    assert "Мария Петрова" in row and "mpetrova" not in text

    client.post(
        f"{LIST_URL}edit/{report.pk}/", edit_data(ProblemReport.objects.get(pk=report.pk), status="accepted")
    )
    client.force_login(maria)
    history = client.get(f"{LIST_URL}inspect/{report.pk}/").text
    assert "Moderator" in history and ">moderator<" not in history  # who changed it: by name


# Due dates


def test_a_due_date_cannot_move_into_the_past(client, moderator):
    report = make_report()
    client.force_login(moderator)
    yesterday = (timezone.localdate() - datetime.timedelta(days=1)).isoformat()
    response = client.post(
        f"{LIST_URL}edit/{report.pk}/",
        edit_data(report, due_date=yesterday, status=Status.ACCEPTED, public_answer="Выедем в среду."),
    )
    assert response.status_code == 200
    assert "Срок ответа нельзя перенести в прошлое" in response.text
    assert timezone.localdate().strftime("%d.%m.%Y") in response.text
    form = response.context["form"]
    assert form["due_date"].value() == yesterday  # what was typed stays in the form
    assert "Выедем в среду." in response.text
    stored = ProblemReport.objects.get(pk=report.pk)
    assert (stored.due_date, stored.status) == (report.due_date, Status.NEW)
    assert not Notification.objects.filter(report=report, kind=Notification.Kind.STATUS).exists()


def test_an_overdue_report_keeps_its_date_and_a_later_date_is_taken(client, moderator):
    report = make_report()
    set_dates(report, due_in=-4)
    report.refresh_from_db()
    client.force_login(moderator)
    response = client.post(f"{LIST_URL}edit/{report.pk}/", edit_data(report, internal_note="Ждём подрядчика"))
    assert response.status_code == 302  # the past date it already had is not the moderator's doing
    later = (timezone.localdate() + datetime.timedelta(days=7)).isoformat()
    response = client.post(f"{LIST_URL}edit/{report.pk}/", edit_data(report, due_date=later))
    assert response.status_code == 302
    assert ProblemReport.objects.get(pk=report.pk).due_date.isoformat() == later


# Bulk actions


@pytest.mark.parametrize("group", [REPORT_MODERATORS, None])
def test_bulk_delete_is_offered_only_to_who_may_delete(client, group):
    make_report()
    user = staff_user("member", group) if group else staff_user("root", superuser=True)
    client.force_login(user)
    html = client.get(LIST_URL).text
    assert f'href="{BULK_STATUS_URL}"' in html
    assert (f'href="{BULK_DELETE_URL}"' in html) is (group is None)


@pytest.mark.parametrize("group", OTHER_GROUPS)
def test_other_groups_get_no_inbox_and_no_bulk_actions(client, group):
    report = make_report()
    client.force_login(staff_user("member", group))
    response = client.get(LIST_URL)
    assert response.status_code in (302, 403)
    client.post(f"{BULK_DELETE_URL}?id={report.pk}")
    assert ProblemReport.objects.filter(pk=report.pk).exists()


# Menus


@pytest.mark.parametrize("group", GROUPS)
def test_the_menu_holds_only_what_the_user_can_open(client, group):
    client.force_login(staff_user("member", group))
    links = menu_links(client.get("/admin/").text)
    labels = [label for label, _url in links]
    assert ("Новости" in labels) is (group != REPORT_MODERATORS)
    assert ("Сообщения жителей" in labels) is (group == REPORT_MODERATORS)
    for label, url in links:
        if url.startswith("/admin/"):
            assert client.get(url).status_code == 200, (label, url)


def test_a_moderator_sees_no_news_menu_and_no_translation_report(client, moderator):
    client.force_login(moderator)
    html = client.get("/admin/").text
    assert "Новости и решения" not in html
    assert "/admin/localize/reports/" not in html and "/admin/news_pages/" not in html


# The title


def test_the_inbox_title_is_the_one_the_guide_names(client, moderator):
    client.force_login(moderator)
    html = client.get(LIST_URL).text
    title = re.search(r"<h1[^>]*>\s*(.*?)\s*</h1>", html, re.S).group(1)
    assert title == "Сообщения жителей"
    assert re.search(r"<title>\s*Сообщения жителей", html)
    guide = (Path(settings.BASE_DIR) / "docs" / "moderators.md").read_text(encoding="utf-8")
    assert f"**Решаем вместе → {title}**" in guide
    assert f"«{title}»" in guide
