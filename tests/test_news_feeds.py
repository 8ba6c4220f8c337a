"""RSS 2.0 feeds: valid XML a feed reader parses, RFC 822 dates, one feed per rubric."""

import datetime
import xml.etree.ElementTree as ET
from email.utils import parsedate_to_datetime

import pytest
from django.utils import timezone

from news.models import Rubric
from tests.factories import NewsPageFactory
from tests.helpers import news_index

pytestmark = pytest.mark.django_db


def parse(response):
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/rss+xml")
    return ET.fromstring(response.content).find("channel")  # noqa: S314 - our own response


def test_news_feed_is_valid_rss_with_items_and_dates(client):
    index = news_index()
    when = timezone.make_aware(datetime.datetime(2026, 3, 8, 9, 30))
    NewsPageFactory(parent=index, title="Праздник 8 Марта", slug="8-marta", lead="Поздравляем.", date=when)
    channel = parse(client.get("/ru/news/feed/"))
    assert channel.findtext("title") == "Новости — Город Глазов"
    assert channel.findtext("link") == "http://testserver/ru/news/"
    assert channel.findtext("language") == "ru"
    items = channel.findall("item")
    first = items[0]
    assert first.findtext("title") == "Праздник 8 Марта"
    assert first.findtext("link") == "http://testserver/ru/news/8-marta/"
    assert first.findtext("description") == "Поздравляем."
    assert parsedate_to_datetime(first.findtext("pubDate")) == when
    assert "Решение о вступлении Глазова" in [item.findtext("title") for item in items][-1]
    for item in items:
        parsedate_to_datetime(item.findtext("pubDate"))  # every date parses as RFC 822


def test_rubric_feed_has_only_that_rubric(client):
    index = news_index()
    sport = Rubric.objects.get(slug="sport", locale__language_code="ru")
    page = NewsPageFactory(parent=index, title="Лыжня Глазова", slug="lyzhnya")
    page.rubrics.set([sport])
    page.save()
    NewsPageFactory(parent=index, title="Ремонт дороги", slug="remont")
    channel = parse(client.get("/ru/news/feed/sport/"))
    assert channel.findtext("title") == "Новости: Спорт — Город Глазов"
    assert [item.findtext("title") for item in channel.findall("item")] == ["Лыжня Глазова"]
    assert client.get("/ru/news/feed/net-takoi/").status_code == 404


def test_listings_link_their_feeds(client):
    html = client.get("/ru/news/", {"rubric": "sport"}).text
    assert '<link rel="alternate" type="application/rss+xml" title="Новости" href="/ru/news/feed/">' in html
    assert 'type="application/rss+xml" title="Новости: Спорт" href="/ru/news/feed/sport/">' in html


def test_english_feed_is_in_english(client):
    channel = parse(client.get("/en/news/feed/"))
    assert channel.findtext("language") == "en"
    assert channel.findtext("title").startswith("News")
