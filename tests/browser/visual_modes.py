"""What the browser tests of public pages share: the page types, the visual modes, helpers.

`AXE_TARGETS` is the one registry of public page types: axe, the CSP check, the HTML validator,
the layout-shift check and the language-of-parts check all walk it. To put a new page type under
every check, add an `AxeTarget` to it (a Russian path, and if the page needs a visitor's action
first, e.g. a form sent with errors, a `prepare(page)` function that does not depend on the language).
"""

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from urllib.parse import urlsplit

import axe_playwright_python

from home.visual_mode import COOKIE_NAME

WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
AXE_OPTIONS = {"runOnly": {"type": "tag", "values": WCAG_TAGS}}
WIDTHS = [1280, 320]


@dataclass(frozen=True)
class AxeTarget:
    """A page type for the axe matrix: where it is and what to do there before checking."""

    name: str
    path: str | Callable[[], str]
    prepare: Callable | None = None
    status: int = 200

    def url_path(self, language="ru"):
        """The path in a language (the same page under /en/ or /udm/).

        A callable path is resolved only when the test runs (it may need the database).
        """
        path = self.path() if callable(self.path) else self.path
        return re.sub(r"^/ru/", f"/{language}/", path)


@dataclass(frozen=True)
class Mode:
    """A visual mode as the visitor's browser holds it: the cookie, and the system colour preference."""

    name: str
    cookie: str = ""
    color_scheme: str = "light"


AXE_TARGETS = [
    AxeTarget("home", "/ru/"),
    AxeTarget("info", "/ru/about/"),
    AxeTarget("info-with-image", "/ru/accessibility/"),
    AxeTarget("untranslated-copy", "/udm/about/innovative-cities/"),
    AxeTarget("search-results", "/ru/search/?q=Глазов"),
    AxeTarget("not-found", "/ru/no-such-page/", status=404),
    AxeTarget("news-list", "/ru/news/"),
    AxeTarget("news-item", "/ru/news/glazov-associaciya-novatorskih-gorodov/"),
    AxeTarget("decisions-registry", "/ru/decisions/?status=in_force&year=2016"),
    AxeTarget("decision", "/ru/decisions/o-vstuplenii-v-associaciyu-novatorskih-gorodov/"),
    AxeTarget("feedback-form", "/ru/feedback/"),
    AxeTarget(
        "feedback-form-with-errors",
        "/ru/feedback/",
        prepare=lambda page: page.locator(".feedback-form .btn-primary[type=submit]").click(),
    ),
    AxeTarget("report-status", lambda: _report_status_path()),
    AxeTarget("public-reports", lambda: _public_reports_path()),
    AxeTarget("public-reports-filtered", lambda: _public_reports_path("?status=open&street=Ленина")),
    AxeTarget("public-report", lambda: _public_report_path()),
    AxeTarget("report-statistics", lambda: _public_reports_path("stats/")),
    AxeTarget(
        "feedback-form-similar",
        lambda: _public_reports_path() and "/ru/feedback/",
        prepare=lambda page: _check_similar(page),
    ),
]


def _check_similar(page):
    """Choose the first category, type the published report's street and ask for similar reports."""
    page.locator("[name=category]").first.check()
    page.locator("[name=address]").fill("ул. Ленина, 5")
    page.locator("[name=check_similar]").click()


def _published_report():
    from feedback.models import ProblemReport, Status
    from feedback.services import change_status, publish_report
    from tests.feedback_helpers import make_report

    report = ProblemReport.objects.public().first()
    if report is None:
        report = make_report(photos=1, latitude="58.139312", longitude="52.658047")
        change_status(report, Status.PLANNED, by=None, public_answer="Ремонт запланирован на июнь.")
        photos = [photo.pk for photo in report.photos.all()]
        publish_report(
            report,
            by=None,
            public_text="Яма у остановки.",
            public_address="ул. Ленина, 12",
            public_photo_ids=photos,
        )
    return report


def _public_reports_path(query=""):
    _published_report()
    return "/ru/feedback/reports/" + query


def _public_report_path():
    return urlsplit(_published_report().get_public_url()).path


# The site's languages, Russian (the source) first.
LANGUAGES = ["ru", "en", "udm"]


def _report_status_path():
    from tests.feedback_helpers import make_report

    return urlsplit(make_report().get_status_url()).path


# The normal version (light and dark system theme), and each scheme at font sizes 1 and 3
# with spacing on and images off.
MODES = [
    Mode("normal"),
    Mode("normal-dark", color_scheme="dark"),
    *(
        Mode(f"{scheme}-font{font}", f"scheme:{scheme}.font:{font}.spacing:on.images:off")
        for scheme in ("white", "black", "blue", "brown")
        for font in (1, 3)
    ),
]


@cache
def axe_source():
    """axe-core as shipped inside axe-playwright-python (offline, no download)."""
    return (Path(axe_playwright_python.__file__).parent / "axe.min.js").read_text()


def use_mode(context, page, mode, base_url):
    """Switch a browser context to a visual mode (the cookie) and the page to its colour preference."""
    context.clear_cookies(name=COOKIE_NAME)
    if mode.cookie:
        context.add_cookies([{"name": COOKIE_NAME, "value": mode.cookie, "url": base_url}])
    page.emulate_media(color_scheme=mode.color_scheme)


def axe_violations(page):
    """axe-core's WCAG 2.2 A/AA violations on the page, as short readable lines.

    axe is injected once per loaded page, so checking it again at another width costs one run.
    """
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(axe_source())
    results = page.evaluate("(options) => axe.run(document, options)", AXE_OPTIONS)
    return [
        f"{violation['id']} ({violation['impact']}): {[node['target'] for node in violation['nodes']][:5]}"
        for violation in results["violations"]
    ]


def html_classes(page):
    return page.evaluate("document.documentElement.className").split()
