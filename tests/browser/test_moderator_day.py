"""A moderator works a report from its arrival to the answer in the admin, counting the clicks.

The report arrives due in two days, so the dashboard lists it under the deadlines; the moderator
takes it from there, accepts it with an answer, then closes it as resolved. The resident's
status page shows the final answer. The clicks are printed (run with -s) for docs/moderators.md.
"""

import datetime
from urllib.parse import urlsplit

import pytest
from django.utils import timezone
from playwright.sync_api import expect
from wagtail.users.models import UserProfile

from feedback.models import Notification, ProblemReport, Status
from tests.browser.staff_day import Clicks
from tests.feedback_helpers import make_report, staff_user
from tests.helpers import REPORT_MODERATORS

pytestmark = pytest.mark.browser


@pytest.fixture
def moderator(site_db):
    user = staff_user("browser-day-moderator", REPORT_MODERATORS)
    user.first_name, user.last_name = "Ольга", "Смирнова"
    user.save()
    profile = UserProfile.get_for_user(user)
    profile.preferred_language = "ru"
    profile.save()
    yield user
    user.delete()


def test_a_moderator_works_a_report_from_arrival_to_answer(
    page, browser, site_server, moderator, output_path
):
    report = make_report(description="Не горит фонарь у школы № 2, детям темно идти.")
    ProblemReport.objects.filter(pk=report.pk).update(
        due_date=timezone.localdate() + datetime.timedelta(days=2)
    )
    clicks = Clicks()
    staff = browser.new_context(viewport={"width": 1280, "height": 900})
    admin = staff.new_page()

    admin.goto(f"{site_server.url}/admin/login/")
    clicks("login: name", admin.locator("#id_username").fill, moderator.username)
    clicks("login: password", admin.locator("#id_password").fill, "secret-password")
    clicks("login: «Войти»", admin.locator("form button[type=submit]").click)

    # The dashboard lists the report under the deadlines, as a link to it.
    deadlines = admin.locator("#feedback-deadlines-section")
    expect(deadlines).to_contain_text(report.number)
    expect(deadlines).to_contain_text("осталось дней: 2")
    admin.screenshot(path=f"{output_path}/moderator-dashboard.png", full_page=True)
    clicks("dashboard: the report's number", deadlines.get_by_role("link", name=report.number).click)

    expect(admin.get_by_text(report.description)).to_be_visible()
    clicks("status: «принято в работу»", admin.locator("#id_status").select_option, label="принято в работу")
    clicks("assignee: own name", admin.locator("#id_assignee").select_option, label="Ольга Смирнова")
    clicks(
        "answer",
        admin.locator("#id_public_answer").fill,
        "Заявка передана электрикам, фонарь заменят до пятницы.",
    )
    admin.screenshot(path=f"{output_path}/moderator-accept.png", full_page=True)
    clicks("«Сохранить»", admin.locator("form button.action-save").first.click)
    expect(admin.locator(".messages")).to_contain_text(report.number)

    # Saving leads back to the list; sorted by deadline, it shows who works the report, by name.
    expect(admin.get_by_role("heading", name="Сообщения жителей", level=1)).to_be_attached()
    clicks("sort by «Срок ответа»", admin.get_by_role("link", name="Срок ответа").click)
    row = admin.locator("tr", has_text=report.number)
    expect(row).to_contain_text("Ольга Смирнова")
    expect(row).to_contain_text("принято в работу")
    admin.screenshot(path=f"{output_path}/moderator-list.png", full_page=True)

    # The lamp is replaced: the answer and the final status.
    clicks("list: the report's number", row.get_by_role("link", name=report.number).click)
    clicks("status: «решено»", admin.locator("#id_status").select_option, label="решено")
    clicks(
        "answer", admin.locator("#id_public_answer").fill, "Фонарь заменён 5 декабря. Спасибо за сообщение!"
    )
    clicks("status comment", admin.locator("#id_status_comment").fill, "Электрики отчитались фото")
    clicks("«Сохранить»", admin.locator("form button.action-save").first.click)
    expect(admin.locator(".messages")).to_contain_text(report.number)
    staff.close()
    print(f"\nModerator, arrival to answer: {clicks.report()}")

    report.refresh_from_db()
    assert report.status == Status.RESOLVED and report.assignee == moderator
    steps = list(report.status_changes.values_list("to_status", "changed_by"))
    assert steps == [(Status.NEW, None), (Status.ACCEPTED, moderator.pk), (Status.RESOLVED, moderator.pk)]
    assert Notification.objects.filter(report=report, kind=Notification.Kind.STATUS).count() == 2

    page.goto(site_server.url + urlsplit(report.get_status_url()).path)
    expect(page.locator("#report-status")).to_have_text("решено")
    expect(page.locator("#public-answer")).to_contain_text("Фонарь заменён 5 декабря.")
    expect(page.get_by_text("Электрики отчитались")).to_have_count(0)
    page.screenshot(path=f"{output_path}/moderator-resident-status.png", full_page=True)
