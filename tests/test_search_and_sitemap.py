"""Site search, sitemap.xml and robots.txt."""

import re
from urllib.parse import urlencode

import defusedxml.ElementTree as ET
import pytest

from tests.factories import InfoPageFactory
from tests.helpers import home_page, site_root_url

pytestmark = pytest.mark.django_db

SITEMAP_NS = {"sm": "http://www.sitemaps.org/schemas/sitemap/0.9"}


def test_search_finds_the_seed_words(client):
    response = client.get("/ru/search/", {"q": "Ассоциация новаторских городов"})
    assert response.status_code == 200
    assert 'href="/ru/about/innovative-cities/"' in response.text
    assert "найдено страниц: 0" not in response.text


def test_search_in_english_finds_english_pages_only(client):
    html = client.get("/en/search/", {"q": "Association"}).text
    assert 'href="/en/about/innovative-cities/"' in html
    assert "/ru/" not in html.split('class="search-results"')[1]


def test_search_leaves_out_untranslated_copies(client):
    html = client.get("/udm/search/", {"q": "Ассоциация"}).text
    assert "найдено страниц: 0" in html


def test_search_paginates_ten_a_page(client):
    for number in range(12):
        page = InfoPageFactory(
            parent=home_page(), title=f"Сугробоуборка, часть {number}", slug=f"musor-{number}"
        )
        page.save_revision().publish()
    first = client.get("/ru/search/", {"q": "Сугробоуборка"}).text
    second = client.get("/ru/search/", {"q": "Сугробоуборка", "page": 2}).text
    assert first.count('class="search-results__item"') == 10
    assert second.count('class="search-results__item"') == 2
    assert f'href="?{urlencode({"q": "Сугробоуборка"})}&amp;page=2"' in first


@pytest.mark.parametrize("page_param", ["999", "abc", "-1"])
def test_search_survives_odd_page_numbers(client, page_param):
    assert client.get("/ru/search/", {"q": "Глазов", "page": page_param}).status_code == 200


@pytest.mark.parametrize("query", ['"', "'", '"unterminated', "\\", "\\'\"", "NEAR(", "*"])
def test_search_syntax_characters_are_text_not_a_server_error(client, query):
    # Regression: SQLite's FTS5 took quotes and backslashes as its own syntax and failed.
    response = client.get("/ru/search/", {"q": query})
    assert response.status_code == 200
    assert "найдено страниц: 0" in response.text


@pytest.mark.parametrize("query", ["\x00", "a\x00b", "\x00\x1b[31m"])
def test_search_drops_nul_and_control_characters(client, query):
    # Regression: PostgreSQL refuses NUL characters in a query; they were a server error.
    response = client.get("/ru/search/", {"q": query})
    assert response.status_code == 200
    assert "\x00" not in response.text and "\x1b" not in response.text


def test_search_still_finds_a_word_written_next_to_quotes_and_a_nul(client):
    response = client.get("/ru/search/", {"q": '"Ассоциация\x00 новаторских'})
    assert 'href="/ru/about/innovative-cities/"' in response.text


def test_empty_search_shows_the_form_only(client):
    response = client.get("/ru/search/")
    assert response.status_code == 200
    assert "search-count" not in response.text


@pytest.mark.parametrize(
    ("language", "query"), [("ru", "Глазов"), ("en", "Glazov"), ("udm", "Глазов"), ("ru", "")]
)
def test_search_pages_are_not_for_search_engines(client, language, query):
    for _ in range(2):  # as rendered, and from the page cache when it is kept there
        response = client.get(f"/{language}/search/", {"q": query} if query else {})
        assert response.status_code == 200
        assert response["X-Robots-Tag"] == "noindex"
        assert len(re.findall(r'<meta name="robots" content="noindex">', response.text)) == 1
    # Other pages may be indexed.
    page = client.get(f"/{language}/")
    assert "X-Robots-Tag" not in page.headers
    assert 'name="robots"' not in page.text


def test_search_results_are_never_kept_in_the_page_cache(client):
    for n in range(3):
        for _ in range(2):
            response = client.get("/ru/search/", {"q": f"вода {n}", "utm_x": str(n)})
            assert response.headers["X-Cache"] == "BYPASS"
            assert "private" in response["Cache-Control"]
    # The empty search page is the same for everyone: that one is kept.
    assert [client.get("/ru/search/?utm_x=1").headers["X-Cache"] for _ in range(3)][-1] == "HIT"
    assert client.get("/ru/search/").headers["X-Cache"] == "HIT"


def test_sitemap_lists_every_language(client):
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    locations = [loc.text for loc in ET.fromstring(response.content).findall("sm:url/sm:loc", SITEMAP_NS)]
    root = site_root_url()
    for language in ("ru", "en", "udm"):
        assert f"{root}/{language}/" in locations
        assert f"{root}/{language}/about/innovative-cities/" in locations
    assert len(locations) == len(set(locations))


def test_robots_txt_points_to_the_sitemap(client):
    response = client.get("/robots.txt")
    assert response["Content-Type"].startswith("text/plain")
    assert "Sitemap: http://testserver/sitemap.xml" in response.text
    assert "Disallow: /admin/" in response.text
