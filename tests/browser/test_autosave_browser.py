"""Typing in the page editor saves nothing; a save that fails says so, and nothing says «Сохранён»."""

import os
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import expect
from wagtail.models import Page

from tests.feedback_helpers import staff_user
from tests.helpers import EDITORS, home_page

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("site_db")]

TITLE = "Новая страница, которую никто не сохранял"


@pytest.fixture
def editor(browser, site_server):
    user = staff_user("autosave-browser-editor", EDITORS)
    client = Client()
    client.force_login(user)
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": site_server.url}])
    yield context.new_page()
    context.close()
    user.delete()


def saved_indicator(page):
    return page.get_by_text("Сохранён", exact=True)


def test_typing_a_title_creates_no_page(editor, site_server):
    editor.goto(f"{site_server.url}/admin/pages/add/home/infopage/{home_page().pk}/")
    # Autosave posts the form in the background (and pauses, not stops, on a validation error).
    saves = []
    editor.on("request", lambda request: request.method == "POST" and saves.append(request.url))
    editor.locator("#id_title").press_sequentially(TITLE, delay=20)
    editor.locator("#id_title").press("Tab")
    editor.wait_for_timeout(6000)  # Wagtail's autosave saved within a few seconds of the last change
    assert saves == []
    assert not Page.objects.filter(title=TITLE).exists()
    expect(saved_indicator(editor)).not_to_be_visible()


def test_a_failed_save_says_it_failed_and_creates_nothing(editor, site_server):
    editor.goto(f"{site_server.url}/admin/pages/add/home/infopage/{home_page().pk}/")
    editor.locator("#id_title").fill(TITLE)
    # A date the server refuses: the page must not be unpublished before it exists.
    editor.get_by_role("button", name="Статус").first.click()
    editor.get_by_role("button", name="Установить расписание").click()
    editor.locator("[name=expire_at]").fill("2000-01-01 10:00")
    editor.locator("[name=expire_at]").press("Tab")
    editor.get_by_role("button", name="Сохранить расписание").press("Enter")
    editor.get_by_role("button", name="Сохранить черновик").click()
    editor.wait_for_load_state()
    expect(editor.get_by_text("Страница не может быть создана из-за ошибок при проверке.")).to_be_visible()
    expect(editor.get_by_text("Неверное расписание")).to_be_visible()
    expect(editor.get_by_text("несохраненные изменения")).to_be_visible()
    expect(saved_indicator(editor)).not_to_be_visible()
    if os.environ.get("GUIDE_SCREENSHOTS") == "1":  # refresh the guide's picture when asked
        editor.screenshot(path=str(Path(settings.BASE_DIR) / "docs" / "img" / "editor-save-failed.png"))
    assert not Page.objects.filter(title=TITLE).exists()
