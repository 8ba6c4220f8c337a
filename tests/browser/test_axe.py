"""axe-core on every page type, in every visual mode, at desktop and phone widths: zero violations.

One test per page type loops over the modes and widths in one browser context, which keeps the
matrix fast. Other page types join by adding to AXE_TARGETS in tests/browser/visual_modes.py.
"""

import pytest

from tests.browser.visual_modes import AXE_TARGETS, MODES, WIDTHS, axe_violations, use_mode

# site_db lets the server thread read the demo content while the test runs.
pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("site_db")]


@pytest.mark.parametrize("target", AXE_TARGETS, ids=lambda target: target.name)
def test_page_type_has_no_wcag_violations_in_any_mode(browser, site_server, target):
    context = browser.new_context()
    page = context.new_page()
    path = target.url_path()
    failures = {}
    for mode in MODES:
        use_mode(context, page, mode, site_server.url)
        page.set_viewport_size({"width": WIDTHS[0], "height": 900})
        response = page.goto(site_server.url + path)
        assert response.status == target.status, f"{path} in {mode.name}"
        if target.prepare:
            target.prepare(page)
        # The server's HTML does not depend on the width: resize the same page rather than reload it.
        for width in WIDTHS:
            page.set_viewport_size({"width": width, "height": 900})
            violations = axe_violations(page)
            if violations:
                failures[f"{mode.name} @ {width}px"] = violations
            if width == 320:
                overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
                if overflow > 0:
                    failures[f"{mode.name} @ {width}px"] = [f"scrolls sideways by {overflow}px"]
    context.close()
    assert failures == {}
