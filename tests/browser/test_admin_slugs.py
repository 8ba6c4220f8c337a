"""The admin writes a page's address in Latin while the editor types its Russian title."""

import re

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import expect

from tests.feedback_helpers import staff_user
from tests.helpers import home_page

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("site_db")]


@pytest.fixture
def editor_page(browser, site_server):
    user = staff_user("slug-editor", "Редакторы")
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
    context.route("**/admin/editing-sessions/**", lambda route: route.abort())
    yield context.new_page()
    context.close()
    user.delete()


def test_the_slug_follows_the_title_in_latin(editor_page, site_server):
    editor_page.goto(f"{site_server.url}/admin/pages/add/home/infopage/{home_page().pk}/")
    editor_page.locator("#id_title").press_sequentially("В Глазове открылся сквер «Юность»")
    editor_page.locator("#id_title").blur()
    expect(editor_page.locator("#id_slug")).to_have_value("v-glazove-otkrylsia-skver-iunost")


def test_a_slug_typed_in_cyrillic_turns_latin_when_the_field_is_left(editor_page, site_server):
    editor_page.goto(f"{site_server.url}/admin/pages/add/home/infopage/{home_page().pk}/")
    expect(editor_page).to_have_url(re.compile(r"/admin/pages/add/"))
    # The tab that holds the slug, found by its panel rather than by a label or a heading that
    # depends on the admin's language.
    panel = editor_page.locator("#id_slug").evaluate("field => field.closest('[role=tabpanel]').id")
    editor_page.locator(f'[role="tab"][aria-controls="{panel}"]').click()
    expect(editor_page.locator("#id_slug")).to_be_visible()
    editor_page.locator("#id_slug").fill("щедрый вечер")
    editor_page.locator("#id_slug").blur()
    expect(editor_page.locator("#id_slug")).to_have_value("shchedryi-vecher")


@pytest.mark.parametrize("model", ["rubric", "decisionkind"])
def test_snippet_codes_typed_in_cyrillic_turn_latin(editor_page, site_server, model):
    editor_page.goto(f"{site_server.url}/admin/snippets/news/{model}/add/")
    editor_page.locator("#id_slug").fill("Благоустройство дворов")
    editor_page.locator("#id_slug").blur()
    expect(editor_page.locator("#id_slug")).to_have_value("blagoustroistvo-dvorov")
