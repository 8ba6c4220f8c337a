"""The 403 and 500 pages speak the visitor's language: the address's, else the browser's, else Russian.

A server error may come from anywhere, so the page is rendered without the database or context
processors; a text not yet translated is shown in Russian and marked `lang="ru"`.
"""

import re

import pytest
from django.test import Client

from home import views

pytestmark = pytest.mark.django_db

CYRILLIC = re.compile(r"[\u0400-\u04ff]")
PART = re.compile(r'<(?:h1|p|a)\b(?:[^>]*?\slang="([^"]+)")?[^>]*>(.*?)</(?:h1|p|a)>', re.S)


@pytest.fixture
def broken_search(monkeypatch):
    def fail(_query):
        raise RuntimeError("the search backend is down")

    monkeypatch.setattr(views, "search_terms", fail)
    return Client(raise_request_exception=False)


def body_parts(html):
    """(lang or None, text) of each heading, paragraph and link of the page's <main>."""
    main = html.split("<main", 1)[1]
    return [
        (lang or None, re.sub(r"<[^>]+>", "", text).strip())
        for lang, text in re.findall(
            r'<(?:h1|p|a)\b(?:[^>]*?\slang="([^"]+)")?[^>]*>(.*?)</(?:h1|p|a)>', main, re.S
        )
    ]


@pytest.mark.parametrize("language", ["ru", "en", "udm"])
def test_server_error_page_is_in_the_language_of_the_address(broken_search, language):
    response = broken_search.get(f"/{language}/search/", {"q": "бюджет"})
    assert response.status_code == 500
    html = response.text
    assert f'<html lang="{language}">' in html
    assert f'href="/{language}/"' in html
    parts = body_parts(html)
    assert len(parts) >= 4 and all(text for _lang, text in parts)
    if language == "en":
        # English text, or Russian marked as Russian where no translation exists yet.
        assert [text for lang, text in parts if CYRILLIC.search(text) and lang != "ru"] == []
        assert any(not CYRILLIC.search(text) for _lang, text in parts)
    if language == "ru":
        assert "Ошибка на сервере" in html and all(lang is None for lang, _text in parts)


@pytest.mark.parametrize("accept, language", [("en-GB,en;q=0.9", "en"), ("udm", "udm"), ("de, fr", "ru")])
def test_server_error_outside_the_languages_follows_the_browser(monkeypatch, accept, language):
    def fail(*_args, **_kwargs):
        raise RuntimeError("broken")

    monkeypatch.setattr(views, "reverse", fail)  # robots.txt (no language prefix) fails
    response = Client(raise_request_exception=False).get("/robots.txt", HTTP_ACCEPT_LANGUAGE=accept)
    assert response.status_code == 500
    assert f'<html lang="{language}">' in response.text
    assert f'href="/{language}/"' in response.text


def test_the_address_wins_over_the_browser(broken_search):
    response = broken_search.get("/en/search/", {"q": "x"}, HTTP_ACCEPT_LANGUAGE="ru")
    assert '<html lang="en">' in response.text


@pytest.mark.parametrize("language", ["ru", "en", "udm"])
def test_a_refused_visitor_gets_the_403_page_in_the_language_of_the_address(monkeypatch, language):
    from django.core.exceptions import PermissionDenied

    def refuse(_query):
        raise PermissionDenied

    monkeypatch.setattr(views, "search_terms", refuse)
    response = Client().get(f"/{language}/search/", {"q": "бюджет"})
    assert response.status_code == 403
    assert f'<html lang="{language}">' in response.text
    assert f'href="/{language}/"' in response.text
    parts = body_parts(response.text)
    assert [text for lang, text in parts if language == "en" and CYRILLIC.search(text) and lang != "ru"] == []
    assert "403 Forbidden" not in response.text  # not Django's bare English page
