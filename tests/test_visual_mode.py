"""The version for the visually impaired on the server: the cookie, the endpoint, `<html>` classes, Vary."""

import re

import pytest
from django.template import Context, Template
from django.test import RequestFactory
from hypothesis import given
from hypothesis import strategies as st
from wagtail.models import Site

from home import visual_mode
from home.models import AccessibilitySettings
from home.visual_mode import COOKIE_NAME, VisualMode, parse, serialise

pytestmark = pytest.mark.django_db


def html_class(html):
    return re.search(r'<html lang="\w+" class="([^"]*)"', html).group(1).split()


def pressed_buttons(html):
    return re.findall(r'name="(\w+)" value="(\w+)"[^>]*aria-pressed="true"', html)


# Parsing the cookie


def test_parse_a_full_value():
    assert parse("scheme:black.font:3.spacing:on.images:off") == VisualMode(
        active=True, scheme="black", font=3, spacing=True, images=False
    )


def test_parse_a_partial_value_takes_defaults_for_the_rest():
    assert parse("font:2") == VisualMode(active=True, scheme=None, font=2, spacing=False, images=True)
    assert parse("font:9.spacing:on") == VisualMode(active=True, spacing=True)


@pytest.mark.parametrize(
    "value",
    ["", None, "garbage", "scheme:pink", "font:4", "font:", ":", "....", "scheme=black", "x" * 500, "шр:2"],
)
def test_parse_garbage_is_the_normal_version(value):
    assert parse(value) == visual_mode.NORMAL
    assert parse(value).html_class == ""


@given(st.text(max_size=200))
def test_parse_never_fails(value):
    assert isinstance(parse(value), VisualMode)


@given(
    st.sampled_from([None, *visual_mode.SCHEMES]),
    st.sampled_from([1, 2, 3]),
    st.booleans(),
    st.booleans(),
)
def test_serialise_round_trips(scheme, font, spacing, images):
    mode = VisualMode(active=True, scheme=scheme, font=font, spacing=spacing, images=images)
    value = serialise(mode)
    assert re.fullmatch(r"[a-z0-9:.]+", value), "only characters a cookie holds unquoted"
    assert parse(value) == mode


# The endpoint


def post_choice(client, data, **headers):
    return client.post("/visual-mode/", {"next": "/ru/about/", **data}, headers=headers)


def test_post_sets_the_cookie_and_answers_303_back_to_the_page(client):
    response = post_choice(client, {"scheme": "blue"})
    assert response.status_code == 303
    assert response.headers["Location"] == "/ru/about/"
    morsel = response.cookies[COOKIE_NAME]
    assert parse(morsel.value) == VisualMode(active=True, scheme="blue")
    assert morsel["max-age"] == 365 * 24 * 60 * 60
    assert morsel["samesite"] == "Lax"
    assert morsel["path"] == "/"
    assert morsel["domain"] == ""
    assert morsel["secure"] == ""
    assert morsel["httponly"] is True


def test_cookie_is_secure_in_production(client, settings):
    settings.SESSION_COOKIE_SECURE = True
    assert post_choice(client, {"font": "2"}).cookies[COOKIE_NAME]["secure"] is True


def test_choices_add_up_across_posts(client):
    post_choice(client, {"font": "3"})
    post_choice(client, {"spacing": "on"})
    post_choice(client, {"images": "off"})
    assert parse(client.cookies[COOKIE_NAME].value) == VisualMode(
        active=True, font=3, spacing=True, images=False
    )


def test_normal_version_deletes_the_cookie(client):
    post_choice(client, {"scheme": "black"})
    response = post_choice(client, {"reset": "1"})
    assert response.status_code == 303
    assert response.cookies[COOKIE_NAME].value == ""
    assert response.cookies[COOKIE_NAME]["max-age"] == 0
    assert html_class(client.get("/ru/about/").text) == []


def test_get_is_not_allowed(client):
    assert client.get("/visual-mode/").status_code == 405


@pytest.mark.parametrize(
    "next_url",
    ["https://evil.example/", "//evil.example/ru/", "http://evil.ru", "javascript:alert(1)", "", "\\\\x"],
)
def test_a_foreign_next_goes_to_the_home_page(client, next_url):
    response = client.post("/visual-mode/", {"scheme": "black", "next": next_url})
    assert response.status_code == 303
    assert response.headers["Location"] == "/"


@pytest.mark.parametrize("next_url", ["0", "about/", "ru/about/", "?q=1", "#top"])
def test_a_relative_next_goes_to_the_home_page(client, next_url):
    # Regression: a relative address was resolved under /visual-mode/, a page that does not exist.
    response = client.post("/visual-mode/", {"font": "2", "next": next_url})
    assert response.status_code == 303
    assert response.headers["Location"] == "/"


def test_a_local_next_keeps_its_query(client):
    response = client.post("/visual-mode/", {"font": "2", "next": "/ru/search/?q=%D0%93"})
    assert response.headers["Location"] == "/ru/search/?q=%D0%93"


@pytest.mark.parametrize(
    "headers",
    [
        {"sec-fetch-site": "cross-site", "origin": "https://evil.example"},
        {"sec-fetch-site": "same-site", "origin": "https://evil.testserver"},
        {"origin": "https://evil.example"},
        {"origin": "null"},
    ],
)
def test_another_site_cannot_change_the_mode(headers):
    from django.test import Client

    response = Client(enforce_csrf_checks=True).post(
        "/visual-mode/", {"font": "2", "next": "/ru/"}, headers=headers
    )
    assert response.status_code == 403
    assert COOKIE_NAME not in response.cookies


@pytest.mark.parametrize(
    "headers",
    [
        {"sec-fetch-site": "same-origin", "origin": "http://testserver"},
        {"origin": "http://testserver"},
        {},
    ],
)
def test_the_sites_own_pages_change_the_mode_without_a_csrf_cookie(headers):
    """The panel carries no CSRF token, so pages set no cookie and stay in the page cache."""
    from django.test import Client

    response = Client(enforce_csrf_checks=True).post(
        "/visual-mode/", {"font": "2", "next": "/ru/"}, headers=headers
    )
    assert response.status_code == 303
    assert parse(response.cookies[COOKIE_NAME].value).font == 2


def test_pages_set_no_csrf_cookie(client):
    response = client.get("/ru/about/")
    assert "csrfmiddlewaretoken" not in response.text
    assert not response.cookies


def test_script_gets_json_with_the_new_classes_and_a_message(client):
    response = post_choice(client, {"font": "2"}, accept="application/json")
    assert response.status_code == 200
    data = response.json()
    assert data["html_class"] == "vm vm-scheme-white vm-font-2"
    assert data["font"] == 2
    assert data["active"] is True
    assert "Шрифт крупный" in data["message"]
    assert COOKIE_NAME in response.cookies


def test_script_message_is_in_the_language_of_the_page(client):
    english = client.post(
        "/visual-mode/", {"font": "3", "next": "/en/about/"}, headers={"accept": "application/json"}
    )
    assert "Very large text" in english.json()["message"]
    russian = client.post(
        "/visual-mode/",
        {"font": "3", "next": "/ru/about/"},
        headers={"accept": "application/json", "accept-language": "en"},
    )
    assert "Шрифт очень крупный" in russian.json()["message"]


# Rendering the mode


def test_normal_version_has_no_mode_classes_and_a_closed_panel(client):
    html = client.get("/ru/").text
    assert html_class(html) == []
    assert '<details class="container vm-panel__details">' in html
    assert pressed_buttons(html) == [("reset", "1")]


def test_server_renders_the_mode_on_html(client):
    client.cookies[COOKIE_NAME] = "scheme:brown.font:3.spacing:on.images:off"
    html = client.get("/ru/about/").text
    assert html_class(html) == ["vm", "vm-scheme-brown", "vm-font-3", "vm-spacing", "vm-images-off"]
    assert 'vm-panel__details" open' in html
    assert sorted(pressed_buttons(html)) == [
        ("font", "3"),
        ("images", "off"),
        ("scheme", "brown"),
        ("spacing", "on"),
    ]


def test_garbage_cookie_renders_the_normal_version(client):
    client.cookies[COOKIE_NAME] = "<script>alert(1)</script>"
    response = client.get("/ru/")
    assert response.status_code == 200
    assert html_class(response.text) == []


def test_site_default_scheme_applies_until_the_visitor_chooses(client):
    settings = AccessibilitySettings.for_site(Site.objects.get(is_default_site=True))
    settings.default_scheme = "blue"
    settings.save()
    client.cookies[COOKIE_NAME] = "font:2"
    html = client.get("/ru/").text
    assert "vm-scheme-blue" in html_class(html)
    assert ("scheme", "blue") in pressed_buttons(html)
    client.cookies[COOKIE_NAME] = "scheme:black.font:2"
    assert "vm-scheme-black" in html_class(client.get("/ru/").text)


def test_normal_version_does_not_read_the_site_setting(client, django_assert_max_num_queries):
    # Warm up the per-process caches (site, locales) so only the page's own queries count.
    client.get("/ru/about/")
    with django_assert_max_num_queries(40) as normal:
        client.get("/ru/about/")
    client.cookies[COOKIE_NAME] = "font:2"
    with django_assert_max_num_queries(40) as accessible:
        client.get("/ru/about/")
    settings_queries = [q for q in accessible.captured_queries if "accessibilitysettings" in q["sql"]]
    assert settings_queries
    assert not [q for q in normal.captured_queries if "accessibilitysettings" in q["sql"]]


@pytest.mark.parametrize("path", ["/ru/", "/ru/about/", "/ru/search/?q=Глазов", "/ru/no-such-page/"])
def test_html_responses_vary_on_the_cookie(client, path):
    response = client.get(path)
    assert "Cookie" in [v.strip() for v in response.headers["Vary"].split(",")]


def test_robots_txt_does_not_vary(client):
    assert "Cookie" not in client.get("/robots.txt").headers.get("Vary", "")


def test_panel_is_right_after_the_skip_link(client):
    html = client.get("/ru/about/").text
    body = html[html.index("<body") :]
    assert body.index('class="skip-link"') < body.index('id="vm-panel-entry"') < body.index("<header")
    assert ">Версия для слабовидящих<" in html


def test_panel_buttons_have_full_names_where_the_text_is_one_letter(client):
    html = client.get("/ru/").text
    for name in ("Шрифт крупный", "Тёмно-синий текст на голубом фоне", "Чёрный текст на белом фоне"):
        assert f'<span class="visually-hidden">{name}</span>' in html
    assert html.count("<fieldset") == 4
    assert html.count("<legend") == 4


def test_vary_middleware_leaves_other_responses_alone():
    from django.http import HttpResponse, JsonResponse

    middleware = visual_mode.VisualModeVaryMiddleware(lambda request: JsonResponse({}))
    assert not middleware(RequestFactory().get("/")).has_header("Vary")
    middleware = visual_mode.VisualModeVaryMiddleware(lambda request: HttpResponse("<p>"))
    assert middleware(RequestFactory().get("/"))["Vary"] == "Cookie"


def test_template_tag_outside_a_request_is_the_normal_version():
    assert Template("{% load visual_mode_tags %}[{% visual_mode_class %}]").render(Context({})) == "[]"
