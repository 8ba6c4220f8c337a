"""The mandatory information registry (8-ФЗ art. 13): the seed, each item's state at its boundaries,
the one-click review, the editor's notice, the dashboard panel, the report and its exports, reminders."""

import csv
import datetime
import io
from pathlib import Path

import openpyxl
import pytest
from django.conf import settings
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from wagtail.models import Locale, Page, PageViewRestriction

from compliance.models import ItemReview, Reminder, RequiredItem, RequiredItemPage, ReviewPeriod, Section
from compliance.services import mark_reviewed, send_reminders
from compliance.states import DUE_SOON_DAYS, State, add_months, items_for_status, statuses
from tests.factories import InfoPageFactory
from tests.feedback_helpers import staff_user
from tests.helpers import AUTHORS, EDITORS, REPORT_MODERATORS, TRANSLATORS, home_page

pytestmark = pytest.mark.django_db

REPORT_URL = "/admin/reports/mandatory-information/"
TZ = timezone.get_current_timezone()


def moment(day, hour=12):
    return datetime.datetime(day.year, day.month, day.day, hour, tzinfo=TZ)


def published_page(published_on=None, language=None, **kwargs):
    parent = home_page(language)
    page = parent.add_child(instance=InfoPageFactory.build(locale=parent.locale, **kwargs))
    if published_on is not None:
        Page.objects.filter(pk=page.pk).update(last_published_at=moment(published_on))
        page.refresh_from_db()
    return page


def local_item(pages=(), period=ReviewPeriod.MONTHLY, **kwargs):
    item = RequiredItem.objects.create(
        title=kwargs.pop("title", "Местный пункт"),
        legal_reference="постановление Администрации № 1/5, п. 3",
        review_period=period,
        **kwargs,
    )
    for page in pages:
        RequiredItemPage.objects.create(item=item, page=page)
    return item


def state_of(item, today):
    return statuses(items_for_status().filter(pk=item.pk), today)[item.pk]


# Seed --------------------------------------------------------------------------------------------


def test_the_seed_names_article_part_and_point_of_each_item():
    seeded = RequiredItem.objects.exclude(code="")
    codes = set(seeded.values_list("code", flat=True))
    # Part 1 points 1-9 of art. 13, with the subpoints that apply to a city administration and Duma.
    assert {"13.1.1.а", "13.1.1.г", "13.1.2.а", "13.1.2.б", "13.1.8.б", "13.1.9.а", "13.1.9.в"} <= codes
    assert {code.split(".")[2] for code in codes} == {str(point) for point in range(1, 10)}
    for item in seeded:
        point = item.code.split(".")[2]
        assert item.legal_reference.startswith(f"ч. 1 ст. 13, п. {point}")
        assert "№ 8-ФЗ" in item.legal_reference
        assert item.legal_text and item.section != Section.LOCAL
        assert item.responsible_group.name == EDITORS
        assert item.review_period != ReviewPeriod.ON_CHANGE or item.change_working_days


def test_vacancies_are_on_change_within_five_working_days():
    vacancies = RequiredItem.objects.get(code="13.1.8.б")
    assert vacancies.review_period == ReviewPeriod.ON_CHANGE and vacancies.change_working_days == 5
    assert "подп. «б»" in vacancies.legal_reference


def test_a_law_item_cannot_be_deleted_a_local_one_can_by_an_administrator(client):
    client.force_login(staff_user("root", superuser=True))
    law = RequiredItem.objects.get(code="13.1.1.а")
    client.post(f"/admin/snippets/compliance/requireditem/delete/{law.pk}/")
    assert RequiredItem.objects.filter(pk=law.pk).exists()
    local = local_item()
    client.post(f"/admin/snippets/compliance/requireditem/delete/{local.pk}/")
    assert not RequiredItem.objects.filter(pk=local.pk).exists()


# An editor adds a local item and marks a law item not applicable ----------------------------


def item_form(page=None, **fields):
    data = {
        "title": "Муниципальный контроль",
        "section": "local",
        "body": "administration",
        "legal_reference": "Положение о сайте, п. 4.2",
        "legal_text": "",
        "review_period": "quarterly",
        "change_working_days": "",
        "responsible_user": "",
        "responsible_group": "",
        "not_applicable_reason": "",
        "page_links-TOTAL_FORMS": "1" if page else "0",
        "page_links-INITIAL_FORMS": "0",
        "page_links-MIN_NUM_FORMS": "0",
        "page_links-MAX_NUM_FORMS": "1000",
    }
    if page:
        data.update({"page_links-0-page": str(page.pk), "page_links-0-ORDER": "1", "page_links-0-id": ""})
    data.update(fields)
    return data


def test_an_editor_adds_a_local_item_with_its_page(client):
    client.force_login(staff_user("editor", EDITORS))
    page = published_page()
    response = client.post("/admin/snippets/compliance/requireditem/add/", item_form(page))
    assert response.status_code == 302
    item = RequiredItem.objects.get(title="Муниципальный контроль")
    assert item.is_local and [link.page_id for link in item.page_links.all()] == [page.pk]


def test_not_applicable_needs_a_reason(client):
    client.force_login(staff_user("editor", EDITORS))
    media = RequiredItem.objects.get(code="13.1.1.е")
    url = f"/admin/snippets/compliance/requireditem/edit/{media.pk}/"
    fields = {"title": media.title, "section": media.section, "body": media.body}
    fields |= {"legal_reference": media.legal_reference, "review_period": media.review_period}
    response = client.post(url, item_form(**fields, not_applicable="on"))
    assert response.status_code == 200 and "Напишите, почему пункт не относится" in response.text
    reason = "Администрация не учреждала средств массовой информации."
    client.post(url, item_form(**fields, not_applicable="on", not_applicable_reason=reason))
    media.refresh_from_db()
    assert media.not_applicable and media.not_applicable_reason == reason
    assert state_of(media, timezone.localdate()).state == State.NOT_APPLICABLE


# State at the boundaries ----------------------------------------------------------------------


def test_months_are_calendar_months():
    assert add_months(datetime.date(2026, 1, 31), 1) == datetime.date(2026, 2, 28)
    assert add_months(datetime.date(2026, 11, 15), 3) == datetime.date(2027, 2, 15)
    assert add_months(datetime.date(2024, 2, 29), 12) == datetime.date(2025, 2, 28)


def test_no_page_is_missing():
    assert state_of(local_item(), datetime.date(2026, 12, 1)).state == State.MISSING


def test_an_unpublished_page_is_missing():
    page = published_page(datetime.date(2026, 11, 30))
    page.unpublish()
    assert state_of(local_item([page]), datetime.date(2026, 12, 1)).state == State.MISSING


def test_a_page_behind_a_password_is_missing():
    page = published_page(datetime.date(2026, 11, 30))
    PageViewRestriction.objects.create(page=page, restriction_type="password", password="x")
    assert state_of(local_item([page]), datetime.date(2026, 12, 1)).state == State.MISSING


def test_a_page_in_another_language_only_is_missing():
    english = published_page(datetime.date(2026, 11, 30), language="en")
    assert state_of(local_item([english]), datetime.date(2026, 12, 1)).state == State.MISSING


def test_a_linked_translation_counts_through_its_live_russian_page():
    russian = published_page(datetime.date(2026, 11, 30))
    english = russian.copy_for_translation(Locale.objects.get(language_code="en"))
    status = state_of(local_item([english]), datetime.date(2026, 12, 1))
    assert status.state == State.CURRENT and [page.pk for page in status.pages] == [russian.pk]


@pytest.mark.parametrize(
    ("today", "state"),
    [
        (datetime.date(2026, 12, 10) - datetime.timedelta(days=DUE_SOON_DAYS + 1), State.CURRENT),
        (datetime.date(2026, 12, 10) - datetime.timedelta(days=DUE_SOON_DAYS), State.DUE_SOON),
        (datetime.date(2026, 12, 10), State.DUE_SOON),  # exactly on the due date: still due, not late
        (datetime.date(2026, 12, 11), State.STALE),
    ],
)
def test_state_around_the_due_date(today, state):
    item = local_item([published_page(datetime.date(2026, 11, 10))], period=ReviewPeriod.MONTHLY)
    status = state_of(item, today)
    assert status.due_date == datetime.date(2026, 12, 10)
    assert status.state == state


def test_the_latest_of_several_pages_counts():
    item = local_item([published_page(datetime.date(2025, 1, 1)), published_page(datetime.date(2026, 11, 1))])
    assert state_of(item, datetime.date(2026, 11, 20)).due_date == datetime.date(2026, 12, 1)


def test_on_change_items_are_confirmed_quarterly():
    page = published_page(datetime.date(2026, 9, 1))
    item = local_item([page], period=ReviewPeriod.ON_CHANGE, change_working_days=5)
    assert state_of(item, datetime.date(2026, 11, 1)).due_date == datetime.date(2026, 12, 1)


def test_the_review_restarts_the_clock_without_a_revision():
    page = published_page(datetime.date(2026, 1, 1))
    item = local_item([page])
    assert state_of(item, datetime.date(2026, 12, 1)).state == State.STALE
    revisions = page.revisions.count()
    editor = staff_user("editor", EDITORS)
    mark_reviewed(item, editor, now=moment(datetime.date(2026, 12, 1)))
    status = state_of(item, datetime.date(2026, 12, 1))
    assert status.state == State.CURRENT and status.due_date == datetime.date(2027, 1, 1)
    assert page.revisions.count() == revisions
    page.refresh_from_db()
    assert page.last_published_at == moment(datetime.date(2026, 1, 1))
    review = ItemReview.objects.get(item=item)
    assert review.reviewed_by == editor


# The one-click review over HTTP ---------------------------------------------------------------


def test_an_editor_marks_an_item_reviewed_in_one_click(client):
    editor = staff_user("editor", EDITORS)
    client.force_login(editor)
    item = local_item([published_page(datetime.date(2026, 1, 1))])
    response = client.post(f"/admin/mandatory-information/{item.pk}/reviewed/", {"next": REPORT_URL})
    assert response.status_code == 302 and response["Location"] == REPORT_URL
    item.refresh_from_db()
    assert item.reviewed_by == editor and item.reviewed_at is not None
    assert state_of(item, timezone.localdate()).state == State.CURRENT


def test_the_review_does_not_redirect_to_another_site(client):
    client.force_login(staff_user("editor", EDITORS))
    item = local_item([published_page()])
    response = client.post(
        f"/admin/mandatory-information/{item.pk}/reviewed/", {"next": "https://evil.example/"}
    )
    assert response["Location"] == REPORT_URL


def test_the_review_is_post_only(client):
    client.force_login(staff_user("editor", EDITORS))
    item = local_item([published_page()])
    assert client.get(f"/admin/mandatory-information/{item.pk}/reviewed/").status_code == 405
    item.refresh_from_db()
    assert item.reviewed_at is None


# The editor's notice --------------------------------------------------------------------------


def test_a_linked_page_says_in_its_edit_view_what_it_serves_and_when(client):
    client.force_login(staff_user("editor", EDITORS))
    page = published_page(datetime.date(2026, 1, 1))
    local_item([page], title="Вакансии подведомственных учреждений")
    response = client.get(f"/admin/pages/{page.pk}/edit/")
    assert response.status_code == 200
    text = response.content.decode()
    assert "Страница размещает обязательную информацию «Вакансии подведомственных учреждений»" in text
    assert "постановление Администрации № 1/5, п. 3" in text


def test_an_unlinked_page_has_no_notice(client):
    client.force_login(staff_user("editor", EDITORS))
    response = client.get(f"/admin/pages/{published_page().pk}/edit/")
    assert "обязательную информацию" not in response.content.decode()


# Dashboard and report -------------------------------------------------------------------------


def dashboard_count(response, state):
    text = response.content.decode()
    marker = f'data-count="{state}">'
    return int(text.split(marker)[1].split("<")[0])


def test_the_dashboard_counts_missing_stale_and_due_soon(client):
    client.force_login(staff_user("editor", EDITORS))
    before = client.get("/admin/")
    missing = dashboard_count(before, "missing")
    assert missing == RequiredItem.objects.filter(not_applicable=False).count() - dashboard_count(
        before, "stale"
    ) - dashboard_count(before, "due_soon") - dashboard_count(before, "current")
    local_item([published_page(datetime.date(2020, 1, 1))])
    after = client.get("/admin/")
    assert dashboard_count(after, "stale") == dashboard_count(before, "stale") + 1
    assert f"{REPORT_URL}?state=stale" in after.content.decode()


def test_the_report_filters_by_state(client):
    client.force_login(staff_user("editor", EDITORS))
    local_item([published_page(datetime.date(2020, 1, 1))], title="Устаревший пункт")
    local_item([published_page(timezone.localdate())], title="Свежий пункт")
    stale = client.get(REPORT_URL, {"state": "stale"}).content.decode()
    assert "Устаревший пункт" in stale and "Свежий пункт" not in stale
    current = client.get(REPORT_URL, {"state": "current"}).content.decode()
    assert "Свежий пункт" in current and "Устаревший пункт" not in current


def test_the_report_filters_by_section_and_responsible(client):
    editor = staff_user("editor", EDITORS)
    client.force_login(editor)
    local_item(title="Пункт редактора", responsible_user=editor)
    mine = client.get(REPORT_URL, {"responsible_user": editor.pk}).content.decode()
    assert "Пункт редактора" in mine and "Вакантные должности" not in mine
    personnel = client.get(REPORT_URL, {"section": "personnel"}).content.decode()
    assert "Вакантные должности муниципальной службы" in personnel and "Пункт редактора" not in personnel


def csv_rows(response):
    body = b"".join(response.streaming_content)
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig")), delimiter=";"))


def test_the_csv_export_neutralises_formulas_and_lists_states(client):
    client.force_login(staff_user("editor", EDITORS))
    page = published_page(datetime.date(2020, 1, 1), title='=HYPERLINK("http://evil.example")')
    local_item([page], title="=1+1", responsible_user=staff_user("someone"))
    rows = csv_rows(client.get(REPORT_URL, {"export": "csv"}))
    assert rows[0][:5] == ["Пункт", "Основание", "Раздел", "Чья информация", "Состояние"]
    row = next(row for row in rows if row[0] == "'=1+1")
    assert row[4] == "устарело"
    assert len(rows) == RequiredItem.objects.count() + 1


def test_the_xlsx_export_keeps_formulas_as_text(client):
    client.force_login(staff_user("editor", EDITORS))
    local_item([published_page(timezone.localdate())], title="=1+1")
    response = client.get(REPORT_URL, {"export": "xlsx", "state": "current"})
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = list(sheet.iter_rows(values_only=True))
    number = next(number for number, row in enumerate(rows) if row[0] == "=1+1")
    assert rows[number][4] == "актуально"
    assert all(row[4] == "актуально" for row in rows[1:])
    assert sheet.cell(row=number + 1, column=1).data_type == "s"
    assert isinstance(rows[number][5], datetime.date)  # the due date as a date cell


@pytest.mark.parametrize("export", ["", "csv", "xlsx"])
def test_the_report_runs_in_constant_queries(client, django_assert_max_num_queries, export):
    client.force_login(staff_user("editor", EDITORS))
    params = {"export": export} if export else {}

    def queries():
        client.get(REPORT_URL, params)  # warm the caches of sites and content types (pages were added)
        with CaptureQueriesContext(connection) as captured:
            assert client.get(REPORT_URL, params).status_code == 200
        return len(captured)

    def add_items(count):
        for number in range(count):
            pages = [published_page(datetime.date(2026, 1, 1)), published_page()]
            local_item(pages, title=f"Пункт {number}", responsible_user=staff_user(f"owner-{count}-{number}"))

    add_items(2)
    few = queries()
    add_items(15)
    assert queries() == few
    # The state filter reads the items' pages once more to choose them: four queries, whatever the size.
    with django_assert_max_num_queries(few + 4):
        client.get(REPORT_URL, {**params, "state": "stale"})


# Reminders ------------------------------------------------------------------------------------


def test_reminders_go_once_a_week_before_and_once_when_stale():
    owner = staff_user("owner")
    item = local_item([published_page(datetime.date(2026, 11, 10))], responsible_user=owner)
    due = datetime.date(2026, 12, 10)
    assert send_reminders(due - datetime.timedelta(days=DUE_SOON_DAYS + 1)) == 0
    assert send_reminders(due - datetime.timedelta(days=DUE_SOON_DAYS)) == 1
    assert mail.outbox[-1].to == ["owner@example.org"]
    assert "до 10.12.2026" in mail.outbox[-1].subject and item.title in mail.outbox[-1].subject
    assert send_reminders(due - datetime.timedelta(days=3)) == 0
    assert send_reminders(due) == 0
    assert send_reminders(due + datetime.timedelta(days=1)) == 1
    assert "устарела" in mail.outbox[-1].subject
    assert send_reminders(due + datetime.timedelta(days=2)) == 0
    assert list(Reminder.objects.filter(item=item).values_list("kind", flat=True).order_by("kind")) == [
        "due_soon",
        "stale",
    ]


def test_a_review_starts_a_new_cycle_of_reminders():
    owner = staff_user("owner")
    item = local_item([published_page(datetime.date(2026, 11, 10))], responsible_user=owner)
    assert send_reminders(datetime.date(2026, 12, 11)) == 1
    mark_reviewed(item, owner, now=moment(datetime.date(2026, 12, 11)))
    assert send_reminders(datetime.date(2027, 1, 5)) == 1  # due 11.01.2027, a week before


def test_the_group_then_the_editors_are_reminded_when_nobody_is_named():
    editor = staff_user("editor", EDITORS)
    local_item([published_page(datetime.date(2020, 1, 1))])
    call_command("send_mandatory_reminders", verbosity=0)
    assert any(message.to == [editor.email] or editor.email in message.to for message in mail.outbox)


def test_the_daily_jobs_of_the_worker_send_the_reminders_once():
    owner = staff_user("owner")
    local_item([published_page(datetime.date(2020, 1, 1))], responsible_user=owner)
    # The tests' task backend runs a task as it is queued, as the worker would.
    call_command("enqueue_daily_tasks", stdout=io.StringIO())
    assert [message.to for message in mail.outbox if "Обязательная информация" in message.subject] == [
        [owner.email]
    ]
    call_command("enqueue_daily_tasks", stdout=io.StringIO())  # the next morning's run: nothing again
    assert sum("Обязательная информация" in message.subject for message in mail.outbox) == 1


def test_a_failed_mail_is_not_recorded_and_goes_out_next_time(settings):
    owner = staff_user("owner")
    item = local_item([published_page(datetime.date(2020, 1, 1))], responsible_user=owner)
    settings.EMAIL_BACKEND = "tests.test_mandatory_information.FailingBackend"
    assert send_reminders(datetime.date(2026, 12, 1)) == 0
    assert not Reminder.objects.filter(item=item).exists()
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert send_reminders(datetime.date(2026, 12, 1)) == 1
    assert Reminder.objects.filter(item=item, kind="stale").exists()


class FailingBackend:
    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise OSError("connection refused")


def test_an_author_sees_the_notice_but_not_the_report(client):
    client.force_login(staff_user("author", AUTHORS))
    page = published_page(datetime.date(2026, 1, 1))
    local_item([page], title="Порядок приёма граждан")
    text = client.get(f"/admin/pages/{page.pk}/edit/").content.decode()
    assert "«Порядок приёма граждан»" in text
    assert REPORT_URL not in client.get("/admin/").content.decode()  # neither panel nor menu item
    assert client.get(REPORT_URL).status_code in (302, 403)


@pytest.mark.parametrize("group", [TRANSLATORS, REPORT_MODERATORS])
def test_translators_and_moderators_see_no_registry_anywhere(client, group):
    client.force_login(staff_user("member", group))
    text = client.get("/admin/").content.decode()
    assert REPORT_URL not in text and "/admin/snippets/compliance/" not in text
    item = local_item([published_page()])
    response = client.post(f"/admin/mandatory-information/{item.pk}/reviewed/")
    assert response.status_code == 403 or response["Location"] == "/admin/"  # Wagtail's «no access»
    item.refresh_from_db()
    assert item.reviewed_at is None


def test_the_guide_lists_every_seeded_item_with_the_law_wording():
    guide = (Path(settings.BASE_DIR) / "docs" / "mandatory-information.md").read_text(encoding="utf-8")
    for item in RequiredItem.objects.exclude(code=""):
        assert item.legal_text in guide, item.code
        assert item.title in guide, item.code


def test_the_demo_links_a_few_pages_and_leaves_the_rest_missing():
    found = {item.code: status.state for item, status in zip_statuses()}
    assert found["13.1.1.а"] == found["13.1.2.а"] == found["13.1.3"] == State.CURRENT
    assert found["13.1.1.б"] == State.STALE
    assert sum(state == State.MISSING for state in found.values()) == len(found) - 4


def zip_statuses():
    items = list(items_for_status().exclude(code=""))
    found = statuses(items)
    return [(item, found[item.pk]) for item in items]


def test_the_review_button_carries_the_csrf_token(client):
    client.force_login(staff_user("editor", EDITORS))
    item = local_item([published_page(datetime.date(2020, 1, 1))])
    text = client.get(REPORT_URL, {"state": "stale"}).content.decode()
    form = text[text.index(f'action="/admin/mandatory-information/{item.pk}/reviewed/"') :]
    form = form[: form.index("</form>")]
    assert 'name="csrfmiddlewaretoken" value="' in form and 'value=""' not in form.split("csrf")[1][:40]
