"""An editor finds the stale mandatory information from the dashboard and marks it reviewed, in Chromium.

The demo leaves «О городе» stale (compliance/demo.py); the dashboard panel links the stale items,
the report lists them, and «Проверено, изменений нет» makes the item current in one click. The
panel's picture in docs/img/ is refreshed with GUIDE_SCREENSHOTS=1.
"""

import os
from pathlib import Path

import pytest
from django.conf import settings
from playwright.sync_api import expect
from wagtail.users.models import UserProfile

from compliance.models import RequiredItem
from tests.feedback_helpers import staff_user
from tests.helpers import EDITORS, home_page, page_by_slug

pytestmark = pytest.mark.browser

PICTURE = Path(settings.BASE_DIR) / "docs" / "img" / "mandatory-information-panel.png"


@pytest.fixture
def editor(site_db):
    user = staff_user("browser-mandatory-editor", EDITORS)
    profile = UserProfile.get_for_user(user)
    profile.preferred_language = "ru"
    profile.save()
    item = RequiredItem.objects.get(code="13.1.1.б")
    yield user
    RequiredItem.objects.filter(pk=item.pk).update(reviewed_at=item.reviewed_at, reviewed_by=item.reviewed_by)
    item.reviews.filter(reviewed_by=user).delete()
    user.delete()


def test_an_editor_goes_from_the_dashboard_to_the_stale_item_and_reviews_it(
    browser, site_server, editor, output_path
):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    admin = context.new_page()
    admin.goto(f"{site_server.url}/admin/login/")
    admin.locator("#id_username").fill(editor.username)
    admin.locator("#id_password").fill("secret-password")
    admin.locator("form button[type=submit]").click()

    panel = admin.locator("#mandatory-information-section")
    expect(panel).to_contain_text("Обязательная информация (8-ФЗ)")
    expect(panel.locator('[data-count="stale"]')).to_have_text("1")
    if os.environ.get("GUIDE_SCREENSHOTS") == "1":
        panel.screenshot(path=str(PICTURE))
    panel.get_by_role("link", name="устарело").click()

    row = admin.locator("tr", has_text="Полномочия, задачи и функции подразделений")
    expect(row).to_contain_text("устарело")
    admin.screenshot(path=f"{output_path}/mandatory-report-stale.png", full_page=True)
    row.get_by_role("button", name="Проверено, изменений нет").click()
    expect(admin.get_by_text("отмечено, что изменений нет")).to_be_visible()
    assert RequiredItem.objects.get(code="13.1.1.б").reviewed_by_id == editor.pk
    admin.goto(f"{site_server.url}/admin/pages/{page_by_slug('about').pk}/edit/")
    expect(admin.get_by_text("Страница размещает обязательную информацию")).to_be_visible()
    admin.screenshot(path=f"{output_path}/mandatory-page-notice.png")
    context.close()


@pytest.fixture
def item_to_link(site_db):
    item = RequiredItem.objects.get(code="13.1.8.б")
    yield item
    item.page_links.all().delete()


def test_an_editor_links_two_pages_to_an_item_in_one_chooser(browser, site_server, editor, item_to_link):
    contacts, about = page_by_slug("contacts"), page_by_slug("about")
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    admin = context.new_page()
    admin.goto(f"{site_server.url}/admin/login/")
    admin.locator("#id_username").fill(editor.username)
    admin.locator("#id_password").fill("secret-password")
    admin.locator("form button[type=submit]").click()
    admin.goto(f"{site_server.url}/admin/snippets/compliance/requireditem/edit/{item_to_link.pk}/")

    admin.locator("#id_page_links-OPEN_MODAL").click()
    modal = admin.locator(".modal-content")
    modal.locator(f'a.navigate-pages[href*="/{home_page().pk}/"]').first.click()
    modal.locator(f'input[data-multiple-choice-select][value="{contacts.pk}"]').check()
    modal.locator(f'input[data-multiple-choice-select][value="{about.pk}"]').check()
    modal.locator("[data-multiple-choice-submit]").click()
    expect(admin.locator("#id_page_links-FORMS")).to_contain_text("Контакты")
    admin.locator("footer button[type=submit]", has_text="Сохранить").first.click()
    expect(admin.get_by_text("обновлен")).to_be_visible()
    linked = set(item_to_link.page_links.values_list("page_id", flat=True))
    assert linked == {contacts.pk, about.pk}
    context.close()
