"""Security headers on every kind of response: the Content-Security-Policy, Permissions-Policy and the rest.

What a browser does with the policy (no violation on any page) is checked in tests/browser/test_csp.py.
"""

import hashlib
import json
import re
from base64 import b64encode
from pathlib import Path

import pytest
import wagtail_localize
from django.conf import settings
from django.contrib.auth.models import Group
from django.http import HttpResponse
from django.test import RequestFactory

from site_glazov.security import AdminInlineScriptNonceMiddleware, is_wagtail_inline_script
from tests.feedback_helpers import FORM_URL, form_data
from tests.helpers import home_page, page_by_slug
from tests.test_production_settings import DATABASE, STRONG_SECRET, production_settings

pytestmark = pytest.mark.django_db

NEWS_ITEM = "/ru/news/glazov-associaciya-novatorskih-gorodov/"
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)([^>]*)>(.*?)</script>", re.S)


def csp(response):
    """The Content-Security-Policy header as {directive: [sources]}."""
    header = response.headers["Content-Security-Policy"]
    directives = (part.split() for part in header.split(";") if part.strip())
    return {name: sources for name, *sources in directives}


def executable_inline_scripts(html):
    """(attributes, text) of each inline <script> a browser would run (JSON data blocks are not run)."""
    return [
        (attributes, text)
        for attributes, text in INLINE_SCRIPT.findall(html)
        if "application/json" not in attributes and "text/template" not in attributes
    ]


@pytest.fixture
def editor(client, django_user_model):
    user = django_user_model.objects.create_user(username="csp-editor", password="x")
    user.groups.add(Group.objects.get(name="Редакторы"))
    client.force_login(user)
    return client


def assert_common_headers(response):
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert response.headers["Cross-Origin-Opener-Policy"] == "same-origin"
    permissions = response.headers["Permissions-Policy"]
    for feature in (
        "camera",
        "microphone",
        "geolocation",
        "payment",
        "usb",
        "browsing-topics",
        "interest-cohort",
    ):
        assert f"{feature}=()" in permissions
    # HSTS is production's alone: over plain HTTP in development it would lock a developer's browser out.
    assert "Strict-Transport-Security" not in response.headers


def assert_public_policy(policy):
    assert policy["default-src"] == ["'self'"]
    assert policy["script-src"] == ["'self'"]
    assert policy["style-src"] == ["'self'"]
    assert policy["img-src"] == ["'self'", "data:"]
    assert policy["font-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["base-uri"] == ["'self'"]
    assert policy["form-action"] == ["'self'"]
    assert policy["frame-ancestors"] == ["'self'"]


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/ru/", 200),
        (NEWS_ITEM, 200),
        ("/ru/decisions/?status=in_force&year=2016", 200),
        ("/ru/search/?q=Глазов", 200),
        (FORM_URL, 200),
        ("/ru/no-such-page/", 404),
        ("/en/news/", 200),
    ],
)
def test_public_responses_carry_the_strict_policy_and_the_other_headers(client, path, status):
    response = client.get(path)
    assert response.status_code == status
    assert_public_policy(csp(response))
    assert_common_headers(response)
    assert executable_inline_scripts(response.content.decode()) == []


def test_a_page_served_from_the_page_cache_carries_the_same_headers(client):
    first = client.get(NEWS_ITEM)
    second = client.get(NEWS_ITEM)
    assert second.headers["X-Cache"] == "HIT"
    assert csp(second) == csp(first)
    assert_public_policy(csp(second))
    assert_common_headers(second)


def test_the_feedback_form_sent_with_errors_keeps_the_policy_and_has_no_inline_script(client):
    response = client.post(FORM_URL, form_data(description=""))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="error-summary"' in html
    assert_public_policy(csp(response))
    assert_common_headers(response)
    # The focus script that moves to the error summary is a file, not inline code.
    assert "js/feedback-form.js" in html
    assert executable_inline_scripts(html) == []


def test_the_admin_login_page_has_the_admin_policy(client):
    response = client.get("/admin/login/")
    assert response.status_code == 200
    policy = csp(response)
    assert policy["script-src"] == ["'self'"]  # nothing inline on the login page, so not even a nonce
    assert policy["style-src"] == ["'self'", "'unsafe-inline'"]
    assert policy["img-src"] == ["'self'", "data:", "blob:"]
    assert policy["object-src"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'self'"]
    assert_common_headers(response)


@pytest.mark.parametrize(
    "path",
    [
        "/admin/",
        "/admin/pages/",
        "/admin/snippets/news/decisionkind/",
    ],
)
def test_admin_pages_allow_no_inline_script_or_eval(editor, path):
    response = editor.get(path)
    assert response.status_code == 200
    script_src = csp(response)["script-src"]
    assert "'unsafe-inline'" not in script_src
    assert "'unsafe-eval'" not in script_src
    assert [source for source in script_src if not source.startswith("'nonce-")] == ["'self'"]
    assert_common_headers(response)


@pytest.mark.parametrize(
    "slug",
    [
        "glazov-associaciya-novatorskih-gorodov",  # news: date-time picker, image chooser
        "o-vstuplenii-v-associaciyu-novatorskih-gorodov",  # decision: date pickers, document chooser
        None,  # the home page: an inline panel of featured links with page choosers
    ],
    ids=["news-item", "decision", "home"],
)
def test_every_inline_script_of_a_page_editor_carries_the_nonce_of_its_header(editor, slug):
    page = page_by_slug(slug) if slug else home_page()
    response = editor.get(f"/admin/pages/{page.pk}/edit/")
    assert response.status_code == 200
    nonces = [source for source in csp(response)["script-src"] if source.startswith("'nonce-")]
    assert len(nonces) == 1
    nonce = nonces[0][len("'nonce-") : -1]
    scripts = executable_inline_scripts(response.content.decode())
    assert len(scripts) >= 3  # Wagtail 8 still starts these widgets inline
    for attributes, text in scripts:
        assert f'nonce="{nonce}"' in attributes, text
    assert int(response.headers["Content-Length"]) == len(response.content)


def test_a_new_nonce_for_each_request(editor):
    page = page_by_slug("glazov-associaciya-novatorskih-gorodov")
    first = csp(editor.get(f"/admin/pages/{page.pk}/edit/"))["script-src"]
    second = csp(editor.get(f"/admin/pages/{page.pk}/edit/"))["script-src"]
    assert first != second


@pytest.mark.parametrize(
    "script",
    [
        'new ImageChooser("id_image", {"modalUrl": "/admin/images/chooser/"});',
        'new PageChooser("id_links-0-page", {"modelNames": ["wagtailcore.page"], "canChooseRoot": false, '
        '"userPerms": null, "modalUrl": "/admin/choose-page/", "parentId": 3});',
        'new SnippetChooser("id_kind", {"modalUrl": "/admin/snippets/choose/news/decisionkind/"});',
        'initDateTimeChooser("id_date", {"dayOfWeekStart": 1, "format": "Y-m-d H:i", "parentID": "body"});',
        'initDateChooser("id_date_adopted", {"dayOfWeekStart": 1, "format": "Y-m-d"});',
        'createTaskChooser("id_task");',
        '\n        (function() {\n            var panel = new InlinePanel(JSON.parse("{\\u0022type\\u0022: '
        '\\u0022InlinePanel\\u0022}"));\n        })();\n    ',
    ],
)
def test_wagtails_own_inline_scripts_are_recognised(script):
    assert is_wagtail_inline_script(script)


@pytest.mark.parametrize(
    "script",
    [
        "alert(document.cookie);",
        'new ImageChooser("id_image", {"modalUrl": "/admin/images/chooser/"}); alert(1);',
        'new ImageChooser("id_image", {"modalUrl": alert(1)});',
        'new ImageChooser("id_image", {"a": 1}); fetch("https://evil.example/"); f({"b": 2});',
        'initDateChooser("id" + alert(1), {"format": "Y-m-d"});',
        'new Function("alert(1)")("id", {});',
        '(function() { var panel = new InlinePanel(JSON.parse("{}")); alert(1); })();',
        'new ImageChooser("id_image", {"modalUrl": "<!--<script>"});',
    ],
)
def test_any_other_inline_script_is_not_recognised(script):
    assert not is_wagtail_inline_script(script)


def test_the_nonce_goes_only_to_recognised_scripts_and_only_in_the_admin():
    wagtail_script = '<script>initDateChooser("id_x", {"format": "Y-m-d"});</script>'
    injected = "<script>alert(1)</script>"
    html = f"<html><body>{wagtail_script}{injected}</body></html>"

    def get_response(request):
        response = HttpResponse(html)
        response["Content-Length"] = str(len(response.content))
        return response

    middleware = AdminInlineScriptNonceMiddleware(get_response)
    request = RequestFactory().get("/admin/pages/1/edit/")
    request.csp_nonce = "abc123"
    response = middleware(request)
    content = response.content.decode()
    assert '<script nonce="abc123">initDateChooser(' in content
    assert "<script>alert(1)</script>" in content
    assert response["Content-Length"] == str(len(response.content))

    public = RequestFactory().get("/ru/")
    public.csp_nonce = "abc123"
    assert AdminInlineScriptNonceMiddleware(get_response)(public).content.decode() == html


def test_the_known_wagtail_localize_script_still_has_the_recognised_digest():
    """Upgrading wagtail-localize may change its «select all languages» script: then update the digest."""
    template = (
        Path(wagtail_localize.__file__).parent / "templates/wagtail_localize/admin/submit_translation.html"
    )
    texts = re.findall(r'<script type="text/javascript">(.*?)</script>', template.read_text(), re.S)
    assert len(texts) == 1
    assert is_wagtail_inline_script(texts[0]), b64encode(hashlib.sha256(texts[0].encode()).digest())


SECURITY_SETTINGS = [
    "CONTENT_SECURITY_POLICY",
    "ADMIN_CONTENT_SECURITY_POLICY",
    "ADMIN_CSP_PREFIX",
    "PERMISSIONS_POLICY",
    "SECURE_REFERRER_POLICY",
    "SECURE_CROSS_ORIGIN_OPENER_POLICY",
    "SECURE_CONTENT_TYPE_NOSNIFF",
    "MIDDLEWARE",
]


def test_production_settings_send_the_same_policies():
    production = production_settings(SECURITY_SETTINGS, SECRET_KEY=STRONG_SECRET, DATABASE_URL=DATABASE)
    here = json.loads(json.dumps({name: getattr(settings, name) for name in SECURITY_SETTINGS}, default=str))
    assert production == here
    assert "site_glazov.security.ContentSecurityPolicyMiddleware" in production["MIDDLEWARE"]
