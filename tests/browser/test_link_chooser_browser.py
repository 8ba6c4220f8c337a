"""An editor picks the act a decision repeals by searching its number in the chooser, and saves."""

import datetime

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import expect
from wagtail.models import Locale

from news.models import DecisionPage
from tests.factories import DecisionPageFactory
from tests.feedback_helpers import staff_user
from tests.helpers import EDITORS, decision_registry

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("site_db")]


@pytest.fixture
def editor_page(browser, site_server):
    user = staff_user("chooser-editor", EDITORS)
    client = Client()
    client.force_login(user)
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": site_server.url,
            }
        ]
    )
    yield context.new_page()
    context.close()
    user.delete()


@pytest.fixture
def acts():
    registry = decision_registry()
    old = DecisionPageFactory(
        parent=registry,
        title="О порядке уборки снега",
        number="№ 9123",
        date_adopted=datetime.date(2026, 11, 26),
    )
    old.save_revision().publish()
    english = old.copy_for_translation(Locale.objects.get(language_code="en"), copy_parents=True, alias=True)
    new = DecisionPageFactory(
        parent=registry, title="Об отмене порядка уборки снега", number="№ 9200", live=False
    )
    new.save_revision()
    yield old, english, new
    for page in (new, english, old):
        DecisionPage.objects.filter(pk=page.pk).delete()


def test_an_editor_picks_the_repealed_act_by_its_number_and_saves(
    editor_page, site_server, acts, output_path
):
    old, english, new = acts
    editor_page.goto(f"{site_server.url}/admin/pages/{new.pk}/edit/")
    field = editor_page.locator("[data-source-links]", has=editor_page.locator("#id_repeals"))
    field.scroll_into_view_if_needed()
    field.get_by_role("button", name="Добавить решение").click()

    modal = editor_page.locator(".modal-dialog")
    expect(modal.get_by_role("heading", name="Выбор решения Думы")).to_be_visible()
    modal.locator("#id_q").fill("9123")
    row = modal.locator("tbody tr")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("О порядке уборки снега")
    for requisite in ("Решение", "26.11.2026", "№ 9123", "в силе"):
        expect(row).to_contain_text(requisite)
    # Neither the English copy nor the act being edited can be ticked.
    expect(modal.locator(f'input[name="id"][value="{english.pk}"]')).to_have_count(0)
    editor_page.screenshot(path=f"{output_path}/link-chooser-search.png")
    row.locator('input[name="id"]').check()
    # The button docs/news-and-decisions.md names.
    expect(modal.locator("[data-multiple-choice-submit]")).to_have_value("Подтверждение выбора")
    modal.locator("[data-multiple-choice-submit]").click()

    expect(modal).to_be_hidden()
    expect(field).to_contain_text("Решение от 26.11.2026 № 9123 «О порядке уборки снега» (в силе)")
    editor_page.screenshot(path=f"{output_path}/link-chooser-chosen.png")
    with editor_page.expect_response(lambda r: r.request.method == "POST" and "/edit/" in r.url) as saved:
        editor_page.get_by_role("button", name="Сохранить черновик").click()
    assert saved.value.status in (200, 302)
    editor_page.wait_for_load_state("networkidle")

    draft = DecisionPage.objects.get(pk=new.pk).get_latest_revision_as_object()
    assert list(draft.repeals.all()) == [old]
    editor_page.reload()
    field = editor_page.locator("[data-source-links]", has=editor_page.locator("#id_repeals"))
    expect(field).to_contain_text("№ 9123 «О порядке уборки снега»")


def test_the_chooser_never_offers_the_act_being_edited(editor_page, site_server, acts):
    old, _english, _new = acts
    editor_page.goto(f"{site_server.url}/admin/pages/{old.pk}/edit/")
    field = editor_page.locator("[data-source-links]", has=editor_page.locator("#id_amends"))
    field.get_by_role("button", name="Добавить решение").click()
    modal = editor_page.locator(".modal-dialog")
    modal.locator("#id_q").fill("уборки снега")
    expect(modal.locator("tbody tr")).to_have_count(1)
    expect(modal.locator("tbody tr")).to_contain_text("Об отмене порядка уборки снега")
    expect(modal.locator(f'input[name="id"][value="{old.pk}"]')).to_have_count(0)
