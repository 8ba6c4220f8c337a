"""The panel «Версия для слабовидящих» as residents use it: without JavaScript, with it, by keyboard."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.visual_modes import axe_violations, html_classes

# site_db lets the server thread read the demo content while the test runs.
pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("site_db")]

BUTTONS = [
    # (accessible name, the class it must put on <html>)
    ("Выкл изображения", "vm-images-off"),
    ("Шрифт крупный", "vm-font-2"),
    ("Шрифт очень крупный", "vm-font-3"),
    ("Вкл увеличенный интервал", "vm-spacing"),
    ("Белый текст на чёрном фоне", "vm-scheme-black"),
    ("Тёмно-синий текст на голубом фоне", "vm-scheme-blue"),
    ("Коричневый текст на бежевом фоне", "vm-scheme-brown"),
    ("Чёрный текст на белом фоне", "vm-scheme-white"),
    ("Шрифт обычный", "vm-font-1"),
]


def panel_button(page, name):
    return page.get_by_role("button", name=name, exact=True)


def open_panel(page):
    details = page.locator(".vm-panel__details")
    if details.get_attribute("open") is None:
        page.locator("#vm-panel-entry").click()


@pytest.fixture
def no_js(browser):
    context = browser.new_context(java_script_enabled=False, viewport={"width": 1280, "height": 900})
    yield context
    context.close()


@pytest.fixture
def with_js(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    yield context
    context.close()


def test_without_javascript_each_button_changes_the_server_sent_classes(no_js, site_server):
    page = no_js.new_page()
    page.goto(site_server.url + "/ru/about/")
    assert html_classes(page) == []
    for name, expected_class in BUTTONS:
        open_panel(page)
        with page.expect_navigation():
            panel_button(page, name).click()
        assert page.url == site_server.url + "/ru/about/", "sent back to the same page"
        assert expected_class in html_classes(page), name
        assert panel_button(page, name).get_attribute("aria-pressed") == "true"
    # Spacing off and images on again.
    undo = [("Выкл увеличенный интервал", "vm-spacing"), ("Вкл изображения", "vm-images-off")]
    for name, gone_class in undo:
        with page.expect_navigation():
            panel_button(page, name).click()
        assert gone_class not in html_classes(page)


def test_without_javascript_the_mode_survives_navigation_and_a_new_tab(no_js, site_server):
    page = no_js.new_page()
    page.goto(site_server.url + "/ru/")
    open_panel(page)
    for name in ("Белый текст на чёрном фоне", "Шрифт очень крупный", "Вкл увеличенный интервал"):
        with page.expect_navigation():
            panel_button(page, name).click()
    expected = ["vm", "vm-scheme-black", "vm-font-3", "vm-spacing"]
    assert html_classes(page) == expected

    for link in ("О городе", "Ассоциация новаторских городов", "Главная"):
        with page.expect_navigation():
            page.get_by_role("link", name=link, exact=True).first.click()
        assert html_classes(page) == expected, link
    tab = no_js.new_page()
    tab.goto(site_server.url + "/ru/contacts/")
    assert html_classes(tab) == expected
    assert tab.locator(".vm-panel__details").get_attribute("open") is not None

    with tab.expect_navigation():
        panel_button(tab, "Обычная версия").click()
    assert html_classes(tab) == []
    page.goto(site_server.url + "/ru/")
    assert html_classes(page) == []


def test_with_javascript_the_page_stays_and_focus_stays_on_the_button(with_js, site_server):
    page = with_js.new_page()
    page.goto(site_server.url + "/ru/about/")
    page.evaluate("window.notReloaded = true")
    open_panel(page)
    button = panel_button(page, "Шрифт очень крупный")
    button.click()
    expect(page.locator("html")).to_have_class(re.compile(r"\bvm-font-3\b"))
    assert page.evaluate("window.notReloaded") is True
    expect(button).to_be_focused()
    expect(button).to_have_attribute("aria-pressed", "true")
    expect(panel_button(page, "Обычная версия")).to_have_attribute("aria-pressed", "false")
    status = page.locator("[data-vm-status]")
    expect(status).to_have_attribute("role", "status")
    expect(status).to_contain_text("Шрифт очень крупный")

    panel_button(page, "Белый текст на чёрном фоне").click()
    expect(page.locator("html")).to_have_class(re.compile(r"\bvm-scheme-black\b"))
    assert page.evaluate("window.notReloaded") is True
    # The cookie was set by the same request: the next page comes from the server in the mode.
    page.goto(site_server.url + "/ru/contacts/")
    assert {"vm-scheme-black", "vm-font-3"} <= set(html_classes(page))

    # Images are rendered by the server: the page reloads and focus comes back to the button.
    panel_button(page, "Выкл изображения").click()
    expect(page.locator("html")).to_have_class(re.compile(r"\bvm-images-off\b"))
    expect(panel_button(page, "Выкл изображения")).to_be_focused()

    panel_button(page, "Обычная версия").click()
    expect(page.locator("html")).not_to_have_class(re.compile(r"\bvm\b"))
    expect(panel_button(page, "Обычная версия")).to_be_focused()


def test_keyboard_skip_link_then_panel_entry_then_its_controls(with_js, site_server):
    page = with_js.new_page()
    page.goto(site_server.url + "/ru/about/")
    page.keyboard.press("Tab")
    expect(page.locator(".skip-link")).to_be_focused()
    page.keyboard.press("Tab")
    entry = page.locator("#vm-panel-entry")
    expect(entry).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator(".vm-panel__details")).to_have_attribute("open", "")
    page.keyboard.press("Tab")
    expect(panel_button(page, "Выкл изображения")).to_be_focused()
    for _ in range(3):  # images on, font 1, font 2
        page.keyboard.press("Tab")
    large = panel_button(page, "Шрифт крупный")
    expect(large).to_be_focused()
    page.keyboard.press("Space")
    expect(page.locator("html")).to_have_class(re.compile(r"\bvm-font-2\b"))
    expect(large).to_be_focused()
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    expect(page.locator("html")).to_have_class(re.compile(r"\bvm-font-3\b"))
    # Space on the entry closes the panel again.
    entry.focus()
    page.keyboard.press("Space")
    expect(page.locator(".vm-panel__details")).not_to_have_attribute("open", "")


def test_keyboard_reaches_the_end_of_the_page_without_a_trap(with_js, site_server):
    page = with_js.new_page()
    page.goto(site_server.url + "/ru/about/")
    page.locator("#vm-panel-entry").click()
    seen = []
    for _ in range(80):
        page.keyboard.press("Tab")
        focused = page.evaluate(
            "document.activeElement === document.body ? 'BODY' : "
            "(document.activeElement.textContent || document.activeElement.name || '').trim()"
        )
        seen.append(focused)
        if focused == "adm@glazov-gov.ru":
            break
    assert "adm@glazov-gov.ru" in seen, seen
    assert "Обычная версия" in seen
    assert len(set(seen)) == len(seen), "no element is focused twice on the way down"


@pytest.mark.parametrize("path", ["/ru/", "/ru/about/", "/ru/accessibility/", "/ru/search/?q=Глазов"])
def test_reflow_at_320px_with_the_largest_font(browser, site_server, path):
    context = browser.new_context(viewport={"width": 320, "height": 640})
    context.add_cookies(
        [{"name": "glazov_visual_mode", "value": "scheme:blue.font:3.spacing:on", "url": site_server.url}]
    )
    page = context.new_page()
    page.goto(site_server.url + path)
    assert html_classes(page)[:3] == ["vm", "vm-scheme-blue", "vm-font-3"]
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    assert page.evaluate("getComputedStyle(document.documentElement).fontSize") == "32px"
    context.close()


TARGETS_SCRIPT = """() => {
    const inText = (el) => el.tagName === 'A' && el.closest('.rich-text p, .rich-text li, .page-updated');
    const controls = 'a[href], button, input:not([type=hidden]), summary, select, textarea';
    return [...document.querySelectorAll(controls)]
        .filter((el) => el.getClientRects().length && !inText(el) && !el.closest('.skip-link:not(:focus)'))
        .filter((el) => !el.classList.contains('skip-link'))
        .map((el) => { const r = el.getBoundingClientRect();
            return {text: (el.textContent || el.name).trim().slice(0, 40), w: r.width, h: r.height}; });
}"""


@pytest.mark.parametrize("width", [1280, 320])
def test_every_control_is_at_least_44px_in_the_accessible_mode(browser, site_server, width):
    context = browser.new_context(viewport={"width": width, "height": 900})
    context.add_cookies([{"name": "glazov_visual_mode", "value": "font:1", "url": site_server.url}])
    page = context.new_page()
    small = []
    for path in ("/ru/", "/ru/about/", "/ru/search/?q=Глазов", "/udm/about/"):
        page.goto(site_server.url + path)
        small += [(path, c) for c in page.evaluate(TARGETS_SCRIPT) if c["w"] < 43.5 or c["h"] < 43.5]
    context.close()
    assert small == []


def test_images_off_gives_every_content_image_its_text(browser, site_server):
    context = browser.new_context()
    page = context.new_page()
    page.goto(site_server.url + "/ru/accessibility/")
    alts = page.locator("main img").evaluate_all("images => images.map((img) => img.alt)")
    assert alts, "the statement page shows an image"
    context.add_cookies([{"name": "glazov_visual_mode", "value": "images:off", "url": site_server.url}])
    page.reload()
    assert page.locator("main img").count() == 0
    replacements = page.locator("main .image-off").all_inner_texts()
    assert replacements == [f"Изображение: {alt}" for alt in alts if alt]
    context.close()


@pytest.mark.parametrize("mode", ["", "scheme:black.font:2"])
def test_focus_is_visible_and_not_covered(browser, site_server, mode):
    # Reduced motion: Bootstrap's smooth scrolling would otherwise still be moving when we measure.
    context = browser.new_context(viewport={"width": 1280, "height": 720}, reduced_motion="reduce")
    if mode:
        context.add_cookies([{"name": "glazov_visual_mode", "value": mode, "url": site_server.url}])
    page = context.new_page()
    page.goto(site_server.url + "/ru/about/")
    if not mode:
        page.locator("#vm-panel-entry").click()
    problems = []
    for _ in range(40):
        page.keyboard.press("Tab")
        state = page.evaluate(
            """() => { const el = document.activeElement; if (el === document.body) return null;
            const s = getComputedStyle(el);
            const r = el.getBoundingClientRect();
            const top = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
            return {text: (el.textContent || el.name).trim().slice(0, 30), style: s.outlineStyle,
                    width: parseFloat(s.outlineWidth),
                    covered: !(top && (el === top || el.contains(top) || top.contains(el)))}; }"""
        )
        if state is None:  # past the last control, focus left the page
            break
        if state["style"] == "none" or state["width"] < 2 or state["covered"]:
            problems.append(state)
    context.close()
    assert problems == []


def test_axe_catches_a_real_violation(with_js):
    """The matrix would be worthless if axe could not fail: show it does on a broken page."""
    page = with_js.new_page()
    page.set_content(
        '<html lang="ru"><body><main><img src="x.png"><p style="color:#bbb">Текст</p></main></body></html>'
    )
    violations = " ".join(axe_violations(page))
    assert "image-alt" in violations
    assert "color-contrast" in violations


def test_forced_colours_keep_the_pressed_state_visible(browser, site_server):
    context = browser.new_context(forced_colors="active")
    context.add_cookies([{"name": "glazov_visual_mode", "value": "font:2", "url": site_server.url}])
    page = context.new_page()
    page.goto(site_server.url + "/ru/")
    pressed = panel_button(page, "Шрифт крупный")
    other = panel_button(page, "Шрифт обычный")

    def background(locator):
        return locator.evaluate("(el) => getComputedStyle(el).backgroundColor")

    assert background(pressed) != background(other)
    pressed.focus()
    assert pressed.evaluate("(el) => getComputedStyle(el).outlineStyle") != "none"
    context.close()


SCHEME_COLOURS = {
    # scheme: (text, background) as computed styles give them
    "white": ("rgb(0, 0, 0)", "rgb(255, 255, 255)"),
    "black": ("rgb(255, 255, 255)", "rgb(0, 0, 0)"),
    "blue": ("rgb(6, 52, 98)", "rgb(157, 209, 255)"),
    "brown": ("rgb(77, 75, 67)", "rgb(247, 243, 214)"),
}


@pytest.mark.parametrize("scheme", SCHEME_COLOURS)
def test_the_photo_fields_choose_button_takes_the_schemes_colours(browser, site_server, scheme):
    """axe does not look into ::file-selector-button: in the black scheme it was white on near-white."""
    context = browser.new_context()
    context.add_cookies([{"name": "glazov_visual_mode", "value": f"scheme:{scheme}", "url": site_server.url}])
    page = context.new_page()
    page.goto(site_server.url + "/ru/feedback/")
    button = page.locator("#id_photos").evaluate(
        """(input) => {
            const style = getComputedStyle(input, "::file-selector-button");
            return [style.color, style.backgroundColor];
        }"""
    )
    context.close()
    assert tuple(button) == SCHEME_COLOURS[scheme]
