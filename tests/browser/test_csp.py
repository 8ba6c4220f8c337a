"""Chromium enforces the Content-Security-Policy, and no page of the portal or of its admin breaks it.

A violation is caught two ways: the console message Chromium prints when it blocks something, and
the `securitypolicyviolation` event, recorded in every frame (the admin's preview is an iframe).
The first test proves the recorder sees a real violation, so the others cannot pass by not looking.
"""

from dataclasses import dataclass, field

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from playwright.sync_api import expect
from wagtail.users.models import UserProfile

from tests.browser.visual_modes import AXE_TARGETS
from tests.helpers import home_page, page_by_slug

# site_db lets the server thread read the demo content while the test runs.
pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("site_db")]

RECORDER = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
    window.__cspViolations.push(
        `${event.effectiveDirective} blocked ${event.blockedURI} (${event.sourceFile}:${event.lineNumber})`
    );
}, true);
"""
NEWS_ITEM = "glazov-associaciya-novatorskih-gorodov"
PASSWORD = "csp-test-password"


@dataclass
class Watched:
    """A browser page whose CSP violations are recorded."""

    page: object
    console: list = field(default_factory=list)

    def violations(self):
        """Everything blocked since the last call: console reports and the events of every frame."""
        found, self.console[:] = list(self.console), []
        for frame in self.page.frames:
            found += frame.evaluate("window.__cspViolations ? window.__cspViolations.splice(0) : []")
        return found

    def visit(self, url, status=200):
        response = self.page.goto(url)
        assert response.status == status, url
        assert "content-security-policy" in response.headers, url
        self.page.wait_for_load_state("networkidle")
        return response


@pytest.fixture
def watched(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.add_init_script(RECORDER)
    # An edit view releases its editing session by a beacon as it closes, which would reach the server
    # after the test has given up the database; editing sessions are not what these tests look at.
    context.route("**/admin/editing-sessions/**", lambda route: route.abort())
    page = context.new_page()
    result = Watched(page)
    page.on(
        "console",
        lambda message: (
            result.console.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    yield result
    context.close()


def staff_user(username, group_name):
    """A staff member with a known password, working in the Russian admin."""
    user, _ = get_user_model().objects.get_or_create(username=username, defaults={"first_name": username})
    user.set_password(PASSWORD)
    user.save()
    user.groups.add(Group.objects.get(name=group_name))
    profile = UserProfile.get_for_user(user)
    profile.preferred_language = "ru"
    profile.save()
    return user


def log_in(watched, base_url, username):
    page = watched.page
    watched.visit(f"{base_url}/admin/login/")
    assert watched.violations() == [], "the login page"
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("form button[type=submit]").click()
    expect(page).to_have_url(f"{base_url}/admin/")


def test_the_recorder_sees_an_injected_inline_script_being_refused(watched, site_server):
    watched.visit(f"{site_server.url}/ru/")
    watched.page.evaluate(
        """() => {
            const script = document.createElement("script");
            script.textContent = "window.__injected = true;";
            document.body.append(script);
        }"""
    )
    assert watched.page.evaluate("window.__injected === undefined"), "the policy let an inline script run"
    violations = watched.violations()
    assert any(line.startswith("script-src-elem blocked inline") for line in violations), violations
    assert any("Content Security Policy" in line for line in violations), "no console report"


@pytest.mark.parametrize("target", AXE_TARGETS, ids=lambda target: target.name)
def test_public_page_type_has_no_csp_violation(watched, site_server, target):
    response = watched.visit(site_server.url + target.url_path(), status=target.status)
    assert "'unsafe-inline'" not in response.headers["content-security-policy"]
    if target.prepare:
        target.prepare(watched.page)
        watched.page.wait_for_load_state("networkidle")
    assert watched.violations() == []


def test_feedback_form_with_errors_and_the_visual_mode_panel_have_no_csp_violation(watched, site_server):
    page = watched.page
    watched.visit(f"{site_server.url}/ru/feedback/")
    page.get_by_role("button", name="Отправить сообщение").click()
    # The focus script, now a file of its own, still runs: the summary has focus.
    expect(page.locator("#error-summary")).to_be_focused()
    assert watched.violations() == [], "the form sent with errors"

    page.locator("#vm-panel-entry").click()
    page.get_by_role("button", name="Белый текст на чёрном фоне", exact=True).click()
    expect(page.locator("html")).to_have_class("vm vm-scheme-black vm-font-1")  # switched by fetch, no reload
    with page.expect_navigation():  # images off: the page reloads to put text in their place
        page.get_by_role("button", name="Выкл изображения", exact=True).click()
    expect(page.locator("html")).to_contain_class("vm-images-off")
    page.wait_for_load_state("networkidle")
    assert watched.violations() == [], "the visual mode panel"


def test_the_browser_switches_off_features_the_portal_never_uses(watched, site_server):
    watched.visit(f"{site_server.url}/ru/feedback/")
    allowed = watched.page.evaluate("document.featurePolicy.allowedFeatures()")
    for feature in ("camera", "microphone", "geolocation", "payment", "usb", "browsing-topics"):
        assert feature not in allowed
    assert "fullscreen" in allowed  # not everything is off: only what the header lists


def test_editor_works_in_the_admin_with_no_csp_violation(watched, site_server):
    staff_user("csp-editor", "Редакторы")
    base = site_server.url
    page = watched.page
    log_in(watched, base, "csp-editor")
    failures = {}

    def check(step):
        violations = watched.violations()
        if violations:
            failures[step] = violations

    expect(page.get_by_role("heading", level=1)).to_be_visible()
    check("dashboard")

    watched.visit(f"{base}/admin/pages/{home_page().pk}/")
    expect(page.get_by_role("link", name="Новости").first).to_be_visible()
    check("page explorer")

    news = page_by_slug(NEWS_ITEM)
    watched.visit(f"{base}/admin/pages/{news.pk}/edit/")
    editor = page.locator(".public-DraftEditor-content").first
    expect(editor).to_be_visible()  # Draftail has started
    editor.click()  # focused only: a typed word would be autosaved as a draft for the tests after this one
    page.locator("#id_image-chooser .w-dropdown__toggle").click()
    page.locator("#id_image-chooser .chosen [data-chooser-action-choose]").click()
    expect(page.locator(".modal-content")).to_be_visible()  # the image chooser, loaded by fetch
    page.get_by_role("tab", name="Загрузка").click()  # the upload form inside the modal
    expect(page.locator(".modal-content input[type=file]")).to_be_attached()
    page.get_by_role("button", name="Закрыть").click()
    expect(page.locator(".modal-content")).to_be_hidden()
    page.locator('[data-side-panel-toggle="preview"]').click()
    expect(page.frame_locator("iframe#w-preview-iframe").locator("h1")).to_contain_text("Ассоциацию")
    check("news page editor: Draftail, image chooser, preview")

    watched.visit(f"{base}/admin/pages/{page_by_slug(NEWS_ITEM, 'en').pk}/edit/")
    expect(page.locator(".js-translation-editor [role=tablist]")).to_be_visible()  # the React app has started
    check("wagtail-localize translation editor")

    watched.visit(f"{base}/ru/news/{NEWS_ITEM}/")
    userbar = page.locator("wagtail-userbar")
    userbar.locator("#wagtail-userbar-trigger").click()
    expect(userbar.get_by_role("menuitem").first).to_be_visible()
    check("public page with the Wagtail userbar")

    assert failures == {}


def test_moderator_works_in_the_report_inbox_with_no_csp_violation(watched, site_server):
    from tests.feedback_helpers import make_report

    report = make_report(photos=1)
    staff_user("csp-moderator", "Модераторы обращений")
    base = site_server.url
    page = watched.page
    log_in(watched, base, "csp-moderator")
    failures = {}

    def check(step):
        violations = watched.violations()
        if violations:
            failures[step] = violations

    expect(page.locator("[data-count=new]")).to_be_visible()
    check("dashboard with the reports panel")

    watched.visit(f"{base}/admin/snippets/feedback/problemreport/")
    expect(page.get_by_role("link", name=report.number)).to_be_visible()
    check("report inbox")

    page.get_by_role("link", name=report.number).click()
    expect(page.locator(".feedback-photos img")).to_be_visible()
    check("a report")

    assert failures == {}
