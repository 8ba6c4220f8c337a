"""What the browser tests of public pages share: the page types, the visual modes, helpers.

`AXE_TARGETS` is the one registry of public page types: axe, the CSP check, the HTML validator,
the layout-shift check and the language-of-parts check all walk it. To put a new page type under
every check, add an `AxeTarget` to it (a Russian path, and if the page needs a visitor's action
first, e.g. a form sent with errors, a `prepare(page)` function that does not depend on the language).

`ERROR_TARGETS` are the error pages a browser cannot simply be sent to (400, 403 for a form without
its CSRF token and for a refused visitor, 413, 500): each is asked for over HTTP with the request
that causes it, and the HTML validator and the language-of-parts check take the answer as the
server sent it (`error_page`).
"""

import contextlib
import http.client
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from unittest import mock
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


# The registry's filter form with values it cannot take: shown with its errors.
REGISTRY_WITH_ERRORS = "/ru/decisions/?year=99999999999999999999&date_from=99999-99-99&status=nope"

AXE_TARGETS = [
    AxeTarget("home", "/ru/"),
    AxeTarget("info", "/ru/about/"),
    AxeTarget("info-with-image", "/ru/accessibility/"),
    AxeTarget("mandatory-information", "/ru/about/mandatory-information/"),
    AxeTarget("untranslated-copy", "/udm/about/innovative-cities/"),
    AxeTarget("search-results", "/ru/search/?q=Глазов"),
    AxeTarget("not-found", "/ru/no-such-page/", status=404),
    AxeTarget("news-list", "/ru/news/"),
    AxeTarget("news-item", "/ru/news/glazov-associaciya-novatorskih-gorodov/"),
    AxeTarget("decisions-registry", "/ru/decisions/?status=in_force&year=2016"),
    AxeTarget("decisions-registry-with-errors", REGISTRY_WITH_ERRORS),
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


@dataclass(frozen=True)
class ErrorTarget:
    """An error page and the request that causes it.

    `ask(base_url, path, cookies)` sends that request (with the visitor's cookies, a dict) and gives
    (status, headers, body) as they came.
    """

    name: str
    path: str
    status: int
    ask: Callable

    def url_path(self, language="ru"):
        return re.sub(r"^/ru/", f"/{language}/", self.path)


def _http(base_url, method, path, headers=None, body=b"", cookies=None):
    """One request as a browser (or a broken one) would send it; the answer as it came."""
    headers = dict(headers or {})
    if cookies:
        headers["Cookie"] = "; ".join(f"{name}={value}" for name, value in cookies.items())
    host, port = base_url.removeprefix("http://").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=60)
    try:
        connection.putrequest(method, path)
        for name, value in headers.items():
            connection.putheader(name, value)
        connection.endheaders(body or None)
        response = connection.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        connection.close()


def _csrf_cookie(base_url, path):
    _status, headers, _body = _http(base_url, "GET", path)
    return re.search(r"csrftoken=([^;]+)", headers.get("Set-Cookie", "")).group(1)


def _cut_upload(base_url, path, cookies):
    """The report form's upload stopped halfway (the connection dropped): «could not read the request»."""
    token = _csrf_cookie(base_url, path)
    boundary = "glazov-boundary"
    body = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="csrfmiddlewaretoken"\r\n\r\n{token}\r\n'
        f'--{boundary}\r\nContent-Disposition: form-data; name="description"\r\n\r\n'
        "Не горит фонарь у дома 5, вечером"
    ).encode()
    headers = {
        "Content-Type": f"multipart/form-data; boundary={boundary}",
        "Content-Length": str(len(body)),
        "X-CSRFToken": token,
        "Referer": base_url + path,
    }
    return _http(base_url, "POST", path, headers, body, {**cookies, "csrftoken": token})


def _without_csrf(base_url, path, cookies):
    """The form sent from a page opened long ago (no CSRF cookie): «the form was not sent»."""
    body = b"description=test"
    headers = {"Content-Type": "application/x-www-form-urlencoded", "Content-Length": str(len(body))}
    return _http(base_url, "POST", path, headers, body, cookies)


def _too_large(base_url, path, cookies):
    """An upload over MAX_REQUEST_BODY_BYTES, refused from its headers (HTTP 413).

    The limit is lowered to 1 MB for the request: Django's development server reads a refused body
    to its end, so a real 60 MB one would only be slow. That server (wsgiref) also refuses the
    `Connection: close` the answer carries for gunicorn (a hop-by-hop header), so it is let through.
    """
    from django.test import override_settings

    body = b"x" * (1024 * 1024 + 1)
    headers = {"Content-Type": "multipart/form-data; boundary=x", "Content-Length": str(len(body))}
    with (
        override_settings(MAX_REQUEST_BODY_BYTES=1024 * 1024),
        mock.patch("wsgiref.handlers.is_hop_by_hop", return_value=False),
    ):
        return _http(base_url, "POST", path, headers, body, cookies)


def _server_error(base_url, path, cookies):
    """Search fails inside (its backend is down): the 500 page."""
    with mock.patch("home.views.search_terms", side_effect=RuntimeError("search is down")):
        return _http(base_url, "GET", path, cookies=cookies)


def _forbidden(base_url, path, cookies):
    """A view refuses the visitor (PermissionDenied): the 403 page."""
    from django.core.exceptions import PermissionDenied

    with mock.patch("home.views.search_terms", side_effect=PermissionDenied):
        return _http(base_url, "GET", path, cookies=cookies)


ERROR_TARGETS = [
    ErrorTarget("bad-request", "/ru/feedback/", 400, _cut_upload),
    ErrorTarget("csrf-failure", "/ru/feedback/", 403, _without_csrf),
    ErrorTarget("forbidden", "/ru/search/?q=%D0%B1%D1%8E%D0%B4%D0%B6%D0%B5%D1%82", 403, _forbidden),
    ErrorTarget("request-too-large", "/ru/feedback/", 413, _too_large),
    ErrorTarget("server-error", "/ru/search/?q=%D0%B1%D1%8E%D0%B4%D0%B6%D0%B5%D1%82", 500, _server_error),
]


@contextlib.contextmanager
def error_page(page, base_url, target, language, mode):
    """Ask for the error page over HTTP (in the visual mode) and show the browser exactly that answer.

    Yields the HTML the server sent; the page shows it at its address, with its headers (CSP included).
    """
    url = base_url + target.url_path(language)
    cookies = {COOKIE_NAME: mode.cookie} if mode.cookie else {}
    status, headers, body = target.ask(base_url, target.url_path(language), cookies)
    assert status == target.status, (target.name, language, status, body[:300])
    kept = {
        name: value
        for name, value in headers.items()
        if name.lower() not in {"content-length", "connection", "transfer-encoding", "set-cookie"}
    }

    def fulfil(route):
        if route.request.resource_type == "document":
            route.fulfill(status=status, headers=kept, body=body)
        else:
            route.continue_()

    def matches(address):
        return address == url

    page.route(matches, fulfil)
    try:
        response = page.goto(url)
        assert response.status == target.status
        yield body.decode()
    finally:
        page.unroute(matches, fulfil)


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
