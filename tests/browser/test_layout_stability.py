"""Nothing moves while a page loads: every page type, in every visual mode, stays below 0.05 CLS.

The web fonts are what arrives last, so the check makes them late on purpose: Chromium gets the
font files only after it has painted the page for the first time, as on a slow mobile connection.
The layout shifts are summed by a PerformanceObserver (Cumulative Layout Shift, as Lighthouse
counts it for a page load). The classes of the visitor's mode must be on `<html>` already at that
first paint: a page that first showed the normal version and then switched would flash.
"""

import pytest

from tests.browser.visual_modes import AXE_TARGETS, MODES, use_mode

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("site_db")]

# web.dev's "good" is 0.1; the issue asks for less than half of that.
CLS_LIMIT = 0.05
# Lighthouse's phone in every mode (narrow lines rewrap the most), and a desktop window in the normal version.
PHONE, DESKTOP = {"width": 412, "height": 823}, {"width": 1280, "height": 900}

RECORDER = """
window.__layoutShift = 0;
window.__classAtFirstPaint = null;
new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) window.__layoutShift += entry.value;
}).observe({type: "layout-shift", buffered: true});
new PerformanceObserver((list) => {
    if (window.__classAtFirstPaint === null && list.getEntries().length) {
        window.__classAtFirstPaint = document.documentElement.className;
    }
}).observe({type: "paint", buffered: true});
"""
PAINTED = "() => window.__classAtFirstPaint !== null && window.__fresh === undefined"
SETTLED = """async () => {
    await document.fonts.ready;
    await new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)));
    const now = document.documentElement.className;
    return {shift: window.__layoutShift, classes: window.__classAtFirstPaint, now};
}"""


class LateFonts:
    """Holds back every font request until `release()`."""

    def __init__(self, page):
        self.held = []
        page.route("**/*.woff2", self.hold)

    def hold(self, route):
        self.held.append(route)

    def release(self):
        for route in self.held:
            route.continue_()
        self.held.clear()


def measure(page, fonts, navigate):
    """Run `navigate`, let the new document paint without its fonts, then give them; its CLS."""
    if page.url.startswith("http"):
        page.evaluate("window.__fresh = false")  # marks the document that is about to go
    navigate()
    page.wait_for_function(PAINTED)
    fonts.release()
    page.wait_for_load_state("load")
    return page.evaluate(SETTLED)


def test_the_font_holder_catches_a_real_shift(browser, site_server):
    """The check sees a late font move text when the font is shown as soon as it arrives (`swap`)."""
    context = browser.new_context(viewport=PHONE)
    context.add_init_script(RECORDER)
    page = context.new_page()
    fonts = LateFonts(page)

    # The site's faces with swap instead of its own setting, as pt-sans.css had them before.
    def with_swap(route):
        route.fulfill(body=route.fetch().text().replace("optional", "swap"), content_type="text/css")

    page.route("**/pt-sans*.css", with_swap)
    result = measure(page, fonts, lambda: page.goto(site_server.url + "/ru/news/", wait_until="commit"))
    context.close()
    assert result["shift"] >= CLS_LIMIT, result


@pytest.mark.parametrize("target", AXE_TARGETS, ids=lambda target: target.name)
def test_page_type_does_not_move_while_loading_in_any_mode(browser, site_server, target):
    context = browser.new_context()
    context.add_init_script(RECORDER)
    page = context.new_page()
    fonts = LateFonts(page)
    url = site_server.url + target.url_path()
    failures = {}
    for mode in MODES:
        use_mode(context, page, mode, site_server.url)
        for viewport in [PHONE, DESKTOP] if mode == MODES[0] else [PHONE]:
            page.set_viewport_size(viewport)
            where = f"{mode.name} @ {viewport['width']}px"
            results = {"load": measure(page, fonts, lambda: page.goto(url, wait_until="commit"))}
            if target.prepare:
                results["after the visitor's action"] = measure(page, fonts, lambda: target.prepare(page))
            for step, result in results.items():
                if result["shift"] >= CLS_LIMIT:
                    failures[f"{where}, {step}"] = f"CLS {result['shift']:.3f}"
                if result["classes"] != result["now"]:
                    failures[f"{where}, {step}"] = f"painted as {result['classes']!r}, then {result['now']!r}"
    context.close()
    assert failures == {}
