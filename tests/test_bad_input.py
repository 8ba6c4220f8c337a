"""Random and malformed input to the search, the decisions registry, news and the visual-mode switch.

Property-based (hypothesis): whatever a broken client or a bot sends, the answer is a page, a
redirect or a 4xx, never a server error, and nothing is stored. The feedback form has its own
module, tests/test_bad_input_feedback.py.
"""

import json
import re
from urllib.parse import quote, urlencode

import pytest
from django.test import Client
from django.test.client import BOUNDARY, MULTIPART_CONTENT, encode_multipart
from django.utils.http import url_has_allowed_host_and_scheme
from hypothesis import given
from hypothesis import strategies as st

from home.page_cache import purge_page_cache
from home.visual_mode import COOKIE_NAME
from news.models import DecisionPage
from tests.bad_input import (
    ALLOWED_STATUSES,
    FUZZ,
    NASTY,
    any_value,
    as_header,
    exotic_text,
    huge_text,
    parameters,
    raw_query,
    russian,
)

pytestmark = pytest.mark.django_db

LANGUAGES = st.sampled_from(["ru", "en", "udm"])

# Site search


@FUZZ
@given(language=LANGUAGES, query=st.one_of(exotic_text(), huge_text), page=any_value)
def test_search_answers_any_query_with_a_results_page(client, language, query, page):
    response = client.get(f"/{language}/search/", {"q": query, "page": page})
    assert response.status_code == 200
    assert 'name="q"' in response.text


@FUZZ
@given(query_string=raw_query("q"))
def test_search_answers_a_query_in_any_bytes(client, query_string):
    response = client.get("/ru/search/", QUERY_STRING=query_string)
    assert response.status_code == 200


# The decisions registry: filters, search, sorting, pages, open-data export

REGISTRY_FILTERS = ["q", "number", "kind", "status", "year", "date_from", "date_to", "sort", "page"]


@FUZZ
@given(params=parameters(REGISTRY_FILTERS))
def test_registry_answers_any_filters_with_the_registry(client, params):
    purge_page_cache()  # a page from the page cache would come without the form to look at
    decisions_before = DecisionPage.objects.count()
    response = client.get("/ru/decisions/", params)
    assert response.status_code == 200
    form = response.context["form"]
    for errors in form.errors.values():
        assert all(russian(error) for error in errors), form.errors
    assert DecisionPage.objects.count() == decisions_before


@FUZZ
@given(params=parameters(REGISTRY_FILTERS), export=st.sampled_from(["csv", "json"]))
def test_registry_export_answers_any_filters_with_a_file(client, params, export):
    response = client.get(f"/ru/decisions/export/{export}/", params)
    assert response.status_code == 200
    if export == "json":
        assert json.loads(response.content)["count"] >= 0
    else:
        assert response.content.startswith("\ufeffnumber;kind".encode())


@FUZZ
@given(export=exotic_text(40).filter(lambda value: value.strip("/") not in {"csv", "json"}))
def test_unknown_export_format_is_not_found(client, export):
    response = client.get(f"/ru/decisions/export/{quote(export, safe='')}/")
    assert response.status_code == 404


@FUZZ
@given(query_string=st.sampled_from(REGISTRY_FILTERS).flatmap(raw_query))
def test_registry_answers_filters_in_any_bytes(client, query_string):
    assert client.get("/ru/decisions/", QUERY_STRING=query_string).status_code == 200


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"year": "99999999999999999999"}, "Год — четыре цифры"),
        ({"date_from": "99999-99-99"}, "Введите дату в виде ДД.ММ.ГГГГ"),
        ({"date_to": "31.12.99999"}, "Введите дату в виде ДД.ММ.ГГГГ"),
        ({"status": "\x00"}, "Выберите статус из списка"),
    ],
)
def test_registry_explains_impossible_filters_in_russian(client, params, message):
    response = client.get("/ru/decisions/", params)
    assert response.status_code == 200
    assert message in response.text


# News listing and other pages' query strings


@FUZZ
@given(params=parameters(["rubric", "year", "month", "page"]))
def test_news_listing_answers_any_filters(client, params):
    assert client.get("/ru/news/", params).status_code == 200


@FUZZ
@given(
    path=st.sampled_from(["/ru/", "/en/", "/udm/about/", "/ru/feedback/", "/ru/news/"]),
    params=parameters(["q", "page", "next", "lang"]),
)
def test_pages_ignore_unknown_query_parameters(client, path, params):
    assert client.get(path, params).status_code == 200


@FUZZ
@given(token=exotic_text(100).filter(lambda value: value.strip()))
def test_unknown_report_status_link_is_not_found(client, token):
    response = client.get(f"/ru/feedback/status/{quote(token, safe='')}/")
    assert response.status_code == 404


# The visual-mode switch (POST /visual-mode/, refused when the browser says it comes from another site)

VISUAL_FIELDS = ["scheme", "font", "spacing", "images", "reset", "next"]
NEXT_URLS = st.one_of(
    exotic_text(),
    st.sampled_from(
        [
            "//evil.example/",
            "https://evil.example/",
            "/\\evil.example",
            "\\\\evil.example",
            "javascript:alert(1)",
            "/ru/\r\nLocation: https://evil.example/",
            "\x00/ru/",
            "/ru/about/?a=b#c",
            "http:///evil.example",
            "/" + "a" * 5000,
        ]
    ),
)
ACCEPT = st.one_of(
    st.sampled_from(
        ["application/json", "text/html", "*/*", "", "application/json; q=0", "application/jsonp"]
    ),
    exotic_text(40),
)
COOKIE_VALUES = st.one_of(exotic_text(200), st.sampled_from(["scheme:black.font:3", "font:9" * 40]))


def visual_body(kind, fields):
    """(body, content type) for the endpoint: a browser form, a script's JSON, or raw bytes."""
    if kind == "form":
        return urlencode(fields, doseq=True), "application/x-www-form-urlencoded"
    if kind == "json":
        return json.dumps(fields), "application/json"
    if kind == "multipart":
        return encode_multipart(BOUNDARY, fields), MULTIPART_CONTENT
    return b"\xff\xfe" + repr(fields).encode(), "application/octet-stream"


def assert_cookie_and_location_are_ours(response):
    morsel = response.cookies.get(COOKIE_NAME)
    if morsel is not None and morsel.value:
        # Only a value the site itself writes, never what the visitor sent.
        assert re.fullmatch(r"[a-z0-9:.]+", morsel.value), morsel.value
    if response.status_code == 303:
        location = response.headers["Location"]
        assert location.startswith("/") and not location.startswith("//")
        assert url_has_allowed_host_and_scheme(location, allowed_hosts={"testserver"})


@FUZZ
@given(
    method=st.sampled_from(["GET", "HEAD", "PUT", "PATCH", "DELETE", "OPTIONS", "POST", "POST", "POST"]),
    fields=st.fixed_dictionaries({}, optional=dict.fromkeys(VISUAL_FIELDS, any_value)),
    next_url=NEXT_URLS,
    kind=st.sampled_from(["form", "json", "multipart", "bytes"]),
    accept=ACCEPT,
    cookie=COOKIE_VALUES,
)
def test_visual_mode_answers_any_request_without_an_error(
    client, method, fields, next_url, kind, accept, cookie
):
    body, content_type = visual_body(kind, {**fields, "next": next_url})
    response = client.generic(
        method,
        "/visual-mode/",
        body,
        content_type=content_type,
        HTTP_ACCEPT=as_header(accept),
        HTTP_COOKIE=as_header(f"{COOKIE_NAME}={cookie}"),
    )
    assert response.status_code in ALLOWED_STATUSES
    if method == "POST":
        assert response.status_code in {200, 303}
    else:
        assert response.status_code == 405
    assert_cookie_and_location_are_ours(response)


SITES = st.sampled_from([None, "same-origin", "none", "same-site", "cross-site", "", "SAME-ORIGIN"])
ORIGINS = st.one_of(
    st.none(),
    st.sampled_from(["http://testserver", "https://testserver", "https://evil.example", "null", ""]),
    exotic_text(40),
)


def cross_site(fetch_site, origin):
    """What the browser's own headers say (Fetch Metadata first, else Origin)."""
    if fetch_site is not None:
        return fetch_site not in {"same-origin", "none"}
    return origin is not None and origin != "http://testserver"


@FUZZ
@given(
    fields=st.fixed_dictionaries({}, optional=dict.fromkeys(VISUAL_FIELDS, any_value)),
    fetch_site=SITES,
    origin=ORIGINS,
    accept=st.sampled_from(["application/json", "text/html"]),
)
def test_visual_mode_refuses_other_sites_by_the_browsers_headers(fields, fetch_site, origin, accept):
    # The switch has no CSRF token (pages set no cookie): another site's post is refused from
    # Sec-Fetch-Site, else Origin, with Django's CSRF answer (403), and changes nothing.
    client = Client(enforce_csrf_checks=True)
    headers = {"accept": accept}
    if fetch_site is not None:
        headers["sec-fetch-site"] = fetch_site
    if origin is not None:
        headers["origin"] = as_header(origin)
    response = client.post("/visual-mode/", fields, headers=headers)
    if cross_site(fetch_site, as_header(origin) if origin is not None else None):
        assert response.status_code == 403
        assert COOKIE_NAME not in response.cookies
    else:
        assert response.status_code in {200, 303}
        assert_cookie_and_location_are_ours(response)


@pytest.mark.parametrize("value", NASTY)
def test_visual_mode_never_echoes_a_nasty_value_into_the_cookie(client, value):
    response = client.post("/visual-mode/", {"scheme": value, "font": value, "next": value})
    assert response.status_code == 303
    assert_cookie_and_location_are_ours(response)
