"""Full-text search understands Russian word forms on PostgreSQL; SQLite keeps plain search for development.

On PostgreSQL the search index and the queries use the «russian» text search configuration
(SEARCH_CONFIG in settings): «решения» finds «решение», «ямы» finds «яма». That configuration
stems Latin-script words with PostgreSQL's English stemmer, so English pages get English word
forms too. The pages below never contain the word searched for in that form.
"""

import datetime
import io

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.utils import timezone
from wagtail.rich_text import RichText

from tests.factories import DecisionPageFactory, InfoPageFactory, NewsPageFactory
from tests.helpers import decision_registry, home_page, news_index

pytestmark = pytest.mark.django_db

on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="Russian stemming is PostgreSQL's full-text search; run with DATABASE_URL=postgres://…",
)
on_sqlite = pytest.mark.skipif(
    connection.vendor != "sqlite", reason="the development database's plain search (SQLite only)"
)


def publish(page):
    page.save_revision().publish()
    return page


@pytest.fixture
def snow_page():
    return publish(
        InfoPageFactory(
            parent=home_page(),
            title="График уборки снега",
            slug="snow-removal",
            body=[("paragraph", RichText("<p>Администрация приняла решение о новом графике уборки.</p>"))],
        )
    )


@pytest.fixture
def pothole_news():
    return publish(
        NewsPageFactory(
            parent=news_index(),
            title="На улице Кирова засыпали выбоину",
            slug="kirova-road",
            lead="Дорожники засыпали глубокую яму у остановки.",
            date=timezone.make_aware(datetime.datetime(2026, 3, 2, 10, 0)),
        )
    )


@pytest.fixture
def decision():
    return publish(
        DecisionPageFactory(
            parent=decision_registry(),
            title="Об утверждении правил благоустройства",
            slug="blagoustroistvo",
            full_text="<p>Настоящее решение вступает в силу после официального опубликования.</p>",
        )
    )


def site_search(client, query, language="ru"):
    response = client.get(f"/{language}/search/", {"q": query})
    assert response.status_code == 200
    return response.text


@on_postgresql
def test_postgresql_indexes_and_searches_with_the_russian_configuration():
    assert settings.WAGTAILSEARCH_BACKENDS["default"]["SEARCH_CONFIG"] == "russian"
    from wagtail.search.backends import get_search_backend

    assert get_search_backend().config == "russian"


@on_postgresql
def test_site_search_finds_other_forms_of_a_russian_word(client, snow_page, pothole_news, decision):
    html = site_search(client, "решения")
    assert 'href="/ru/snow-removal/"' in html
    assert 'href="/ru/decisions/blagoustroistvo/"' in html
    assert 'href="/ru/news/kirova-road/"' not in html

    html = site_search(client, "ямы")
    assert 'href="/ru/news/kirova-road/"' in html
    assert 'href="/ru/snow-removal/"' not in html


@on_postgresql
def test_site_search_matches_every_word_in_any_form(client, pothole_news):
    assert 'href="/ru/news/kirova-road/"' in site_search(client, "глубокие ямы")
    assert 'href="/ru/news/kirova-road/"' in site_search(client, "остановкой")


@on_postgresql
def test_a_rebuilt_index_keeps_the_russian_word_forms(client, pothole_news):
    # What an operator runs after changing the search settings: the index is rebuilt the same way.
    call_command("update_index", stdout=io.StringIO(), stderr=io.StringIO())
    assert 'href="/ru/news/kirova-road/"' in site_search(client, "ямы")


@on_postgresql
def test_registry_search_finds_other_forms_of_a_russian_word(client, decision, snow_page):
    response = client.get("/ru/decisions/", {"q": "решения"})
    assert response.status_code == 200
    assert "Об утверждении правил благоустройства" in response.text
    response = client.get("/ru/decisions/", {"q": "опубликованию"})
    assert "Об утверждении правил благоустройства" in response.text


@on_postgresql
def test_english_pages_are_searched_with_english_word_forms(client):
    publish(
        InfoPageFactory(
            parent=home_page("en"),
            title="Snow removal",
            slug="snow-removal-en",
            body=[("paragraph", RichText("<p>The council adopted a decision on the new schedule.</p>"))],
        )
    )
    assert 'href="/en/snow-removal-en/"' in site_search(client, "decisions", "en")
    assert 'href="/en/snow-removal-en/"' in site_search(client, "scheduled", "en")


@on_postgresql
def test_udmurt_pages_are_found_by_the_words_they_contain(client):
    # Udmurt has no PostgreSQL configuration of its own; the Russian one finds the same word forms.
    publish(
        InfoPageFactory(
            parent=home_page("udm"),
            title="Гуртлы ӝужыт школа",
            slug="shkola-udm",
            listing_summary="Удмурт кылын лыдӟиськон.",
        )
    )
    assert 'href="/udm/shkola-udm/"' in site_search(client, "ӝужыт", "udm")
    assert 'href="/udm/shkola-udm/"' in site_search(client, "лыдӟиськон", "udm")


@on_sqlite
def test_sqlite_search_still_finds_the_words_as_written(client, snow_page, pothole_news, decision):
    assert 'href="/ru/snow-removal/"' in site_search(client, "решение")
    assert 'href="/ru/news/kirova-road/"' in site_search(client, "яму")
    response = client.get("/ru/decisions/", {"q": "решение"})
    assert "Об утверждении правил благоустройства" in response.text
