"""A resident reports a problem from a browser; a moderator answers it; the resident sees the answer."""

import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.cache import cache
from playwright.sync_api import expect
from wagtail.users.models import UserProfile

from feedback.models import ProblemReport, RateLimitEvent
from tests.feedback_helpers import image_bytes

pytestmark = pytest.mark.browser

WCAG_22_AA = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]}}


def assert_accessible(page):
    results = Axe().run(page, options=WCAG_22_AA)
    assert results.violations_count == 0, results.generate_report()


@pytest.fixture
def moderator_login(site_db):
    user, _ = get_user_model().objects.get_or_create(
        username="browser-moderator", defaults={"first_name": "Ольга"}
    )
    user.set_password("moderator-password")
    user.save()
    user.groups.add(Group.objects.get(name="Модераторы обращений"))
    profile = UserProfile.get_for_user(user)
    profile.preferred_language = "ru"  # the city's staff work in the Russian admin
    profile.save()
    return "browser-moderator", "moderator-password"


def test_resident_reports_moderator_answers_resident_sees_it(
    page, browser, site_server, site_db, moderator_login, output_path, tmp_path
):
    # The rate limits count this client (127.0.0.1) across the session's tests otherwise.
    RateLimitEvent.objects.all().delete()
    cache.clear()
    photo = tmp_path / "fonar.jpg"
    photo.write_bytes(image_bytes(size=(1200, 900)))

    page.goto(f"{site_server.url}/ru/feedback/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Решаем вместе")
    assert_accessible(page)

    # Sending an empty form: the summary gets focus and links to the first field to fix.
    page.get_by_role("button", name="Отправить сообщение").click()
    summary = page.locator("#error-summary")
    expect(summary).to_be_focused()
    expect(summary.get_by_role("link", name=re.compile("Выберите, к какой категории"))).to_be_visible()
    assert_accessible(page)
    page.screenshot(path=f"{output_path}/feedback-errors.png", full_page=True)

    page.get_by_label("Уличное освещение").check()
    page.get_by_label("Опишите проблему").fill("Не горит фонарь напротив подъезда, уже неделю темно.")
    page.get_by_label("Адрес или место").fill("ул. Кирова, 5")
    page.get_by_label("Фото", exact=True).set_input_files(str(photo))
    page.get_by_label("Как к вам обращаться").fill("Мария")
    page.get_by_label("Электронная почта", exact=True).fill("maria@example.org")
    page.get_by_label(re.compile("Я даю согласие")).check()
    page.get_by_role("button", name="Отправить сообщение").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Сообщение принято")
    number = page.locator("#report-number").inner_text()
    assert re.fullmatch(r"ГЛЗ-\d{4}-\d{6}", number)
    status_url = page.locator("#status-link").get_attribute("href")
    assert_accessible(page)
    page.screenshot(path=f"{output_path}/feedback-sent.png", full_page=True)
    report = ProblemReport.objects.get(number=number)
    assert report.photos.count() == 1

    staff = browser.new_context()
    admin = staff.new_page()
    admin.goto(f"{site_server.url}/admin/login/")
    admin.locator("#id_username").fill(moderator_login[0])
    admin.locator("#id_password").fill(moderator_login[1])
    admin.locator("form button[type=submit]").click()
    expect(admin.locator("[data-count=new]")).to_be_visible()  # the dashboard panel
    admin.goto(f"{site_server.url}/admin/snippets/feedback/problemreport/?q={number}")
    admin.get_by_role("link", name=number).click()
    expect(admin.locator(f'img[src="{report.photos.get().get_admin_url()}"]')).to_be_visible()
    admin.locator("#id_status").select_option(label="принято в работу")
    admin.locator("#id_public_answer").fill("Заявка передана электрикам, фонарь заменят до пятницы.")
    admin.locator("#id_status_comment").fill("Проверено по телефону")
    admin.screenshot(path=f"{output_path}/feedback-admin-edit.png", full_page=True)
    admin.locator("form button.action-save").first.click()
    expect(admin.locator(".messages")).to_contain_text(number)
    staff.close()

    page.goto(status_url)
    expect(page.locator("#report-status")).to_have_text("принято в работу")
    expect(page.locator("#public-answer")).to_contain_text("фонарь заменят до пятницы")
    expect(page.get_by_text("Мария")).to_have_count(0)
    expect(page.get_by_text("Проверено по телефону")).to_have_count(0)
    assert_accessible(page)
    page.screenshot(path=f"{output_path}/feedback-status.png", full_page=True)
