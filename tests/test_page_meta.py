"""Every public page tells search engines what it is: a `<title>` naming it and a `<meta name="description">`.

The description is the page's SEO text, else its listing summary, else its own lead or introduction,
else a default of its page type; pages outside the tree (search, the 404) have their own.
"""

import html.parser

import pytest
from django.conf import settings
from wagtail.models import Page

from news.models import DecisionPage, NewsIndexPage

pytestmark = pytest.mark.django_db

SITE_SUFFIXES = {" — Город Глазов", " — City of Glazov"}


class HeadParser(html.parser.HTMLParser):
    """The page's title text and the content of each `<meta name="description">`."""

    def __init__(self):
        super().__init__()
        self.title, self.descriptions, self._in_title = "", [], False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "title":
            self._in_title = True
        elif tag == "meta" and attrs.get("name") == "description":
            self.descriptions.append(attrs.get("content") or "")

    def handle_endtag(self, tag):
        if tag == "title":
            self._in_title = False

    def handle_data(self, data):
        if self._in_title:
            self.title += data


def head_of(client, url, status=200):
    response = client.get(url)
    assert response.status_code == status, url
    parser = HeadParser()
    parser.feed(response.text)
    return parser


def public_pages():
    pages = [page for page in Page.objects.live().filter(depth__gt=1).specific() if page.url]
    assert {page.locale.language_code for page in pages} == {code for code, _name in settings.LANGUAGES}
    return pages


def test_every_page_of_the_tree_in_every_language_has_a_description_and_a_title_naming_it(client):
    problems = {}
    for page in public_pages():
        head = head_of(client, page.url)
        named = page.seo_title or page.title
        if len(head.descriptions) != 1 or len(head.descriptions[0].strip()) < 20:
            problems[page.url] = f"description {head.descriptions}"
        elif page.depth > 2 and named not in head.title:
            problems[page.url] = f"title {head.title!r} does not name {named!r}"
        elif not head.title.strip() or head.title in SITE_SUFFIXES:
            problems[page.url] = f"title {head.title!r}"
    assert problems == {}


def test_the_home_page_title_is_the_portal_name_not_a_generic_word(client):
    for language, name in [("ru", "Официальный портал"), ("en", "Official portal")]:
        title = head_of(client, f"/{language}/").title
        assert title.startswith(name), title


@pytest.mark.parametrize("language", [code for code, _name in settings.LANGUAGES])
def test_search_and_the_missing_page_have_a_description_too(client, language):
    for url, status in [(f"/{language}/search/?q=Глазов", 200), (f"/{language}/no-such-page/", 404)]:
        head = head_of(client, url, status)
        assert len(head.descriptions) == 1 and len(head.descriptions[0]) >= 20, url
        assert head.title.strip() and head.title not in SITE_SUFFIXES, url


def test_a_page_without_any_summary_falls_back_to_its_lead_or_its_page_type_default(client):
    news_index = NewsIndexPage.objects.get(locale__language_code="ru")
    news_index.search_description = news_index.listing_summary = news_index.intro = ""
    news_index.save_revision().publish()
    assert head_of(client, news_index.url).descriptions == [str(NewsIndexPage.default_description)]

    decision = DecisionPage.objects.get(locale__language_code="ru")
    decision.search_description = decision.listing_summary = ""
    decision.save_revision().publish()
    [description] = head_of(client, decision.url).descriptions
    assert decision.title in description and decision.display_number in description
