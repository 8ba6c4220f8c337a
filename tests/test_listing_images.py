"""News listings show their pictures without work per picture: no query and no cache write for each.

The home page's latest news and the news list render a card per item with its listing rendition.
bench/page_profile.py found each card paying a Redis round trip (Wagtail's get_rendition writes the
rendition back to the cache even when the listing had prefetched it) and the images costing a query
of their own beside the news and their renditions.
"""

import pytest
from wagtail.images import get_image_model

from news.listings import LISTING_RENDITION, with_listing_images
from tests.helpers import news_index

pytestmark = pytest.mark.django_db

Rendition = get_image_model().get_rendition_model()


def latest_news_with_images(index):
    items = list(with_listing_images(index.news())[:12])
    assert any(item.image_id for item in items), "the demo news have pictures"
    return items


def record_cache_writes(monkeypatch):
    """The keys written from now on to the cache renditions live in."""
    backend = Rendition.cache_backend
    written = []
    set_one, set_many = backend.set, backend.set_many

    def recording_set(key, *args, **kwargs):
        written.append(key)
        return set_one(key, *args, **kwargs)

    def recording_set_many(data, *args, **kwargs):
        written.extend(data)
        return set_many(data, *args, **kwargs)

    monkeypatch.setattr(backend, "set", recording_set)
    monkeypatch.setattr(backend, "set_many", recording_set_many)
    return written


def test_listed_pictures_write_nothing_to_the_cache(client, settings, monkeypatch):
    settings.PAGE_CACHE_SECONDS = 0  # every request renders its page (the client loads it first)
    for url in ("/ru/", "/ru/news/"):
        client.get(url)  # renditions are made on the first view ever
    written = record_cache_writes(monkeypatch)
    for url in ("/ru/", "/ru/news/"):
        response = client.get(url)
        assert response.status_code == 200
        assert b"news-card__image" in response.content
    assert [key for key in written if key.startswith("wagtail-rendition-")] == []


def test_listed_news_come_with_their_pictures_in_two_queries(django_assert_num_queries):
    index = news_index()
    for item in latest_news_with_images(index):  # make the renditions once
        if item.image:
            item.image.get_renditions(LISTING_RENDITION)
    # The news with their images joined, then the renditions of all of them.
    with django_assert_num_queries(2):
        for item in latest_news_with_images(index):
            if item.image:
                item.image.get_renditions(LISTING_RENDITION)
