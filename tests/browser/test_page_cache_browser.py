"""The page cache as residents meet it: a cached page switches to the chosen visual mode at once."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.visual_modes import html_classes

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("site_db")]


@pytest.fixture
def contexts(browser):
    opened = []

    def new_context(**options):
        context = browser.new_context(viewport={"width": 1280, "height": 900}, **options)
        opened.append(context)
        return context.new_page()

    yield new_context
    for context in opened:
        context.close()


def warm(page, url):
    """Visit a page until it comes from the cache in the normal version."""
    page.goto(url)
    response = page.goto(url)
    assert response.headers["x-cache"] == "HIT"
    assert html_classes(page) == []


def test_switching_the_mode_on_a_cached_page_shows_it_at_once(contexts, site_server):
    neighbour = contexts()
    about, contacts = site_server.url + "/ru/about/", site_server.url + "/ru/contacts/"
    warm(neighbour, about)
    warm(neighbour, contacts)

    # Without JavaScript the panel posts and the same address is loaded again, now in the mode.
    no_js = contexts(java_script_enabled=False)
    assert no_js.goto(about).headers["x-cache"] == "HIT"
    no_js.locator("#vm-panel-entry").click()
    with no_js.expect_navigation():
        no_js.get_by_role("button", name="Шрифт крупный", exact=True).click()
    assert "vm-font-2" in html_classes(no_js)

    # With JavaScript the classes change in place, and the next cached page arrives in the mode.
    resident = contexts()
    assert resident.goto(about).headers["x-cache"] == "HIT"
    resident.locator("#vm-panel-entry").click()
    resident.get_by_role("button", name="Белый текст на чёрном фоне", exact=True).click()
    expect(resident.locator("html")).to_have_class(re.compile(r"\bvm-scheme-black\b"))
    resident.goto(contacts)
    assert "vm-scheme-black" in html_classes(resident)
    resident.reload()
    assert "vm-scheme-black" in html_classes(resident)

    # The neighbour's cached normal pages are untouched.
    for url in (about, contacts):
        response = neighbour.goto(url)
        assert response.headers["x-cache"] == "HIT"
        assert html_classes(neighbour) == []
