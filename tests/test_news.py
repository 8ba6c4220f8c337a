"""News: the page rules, the listing with rubrics and archive, SEO tags, scheduling, the home page."""

import datetime
import re

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.utils import timezone
from wagtail.images import get_image_model
from wagtail.images.tests.utils import get_test_image_file
from wagtail.models import Page
from wagtail.test.utils import WagtailPageTestCase

from home.models import HomePage
from news.models import DecisionIndexPage, DecisionPage, NewsIndexPage, NewsPage, Rubric
from tests.factories import DecisionPageFactory, NewsPageFactory
from tests.helpers import decision_registry, home_page, news_index

pytestmark = pytest.mark.django_db


def titles(html):
    return re.findall(r'class="news-card__title"><a href="[^"]+">([^<]+)</a>', html)


def make_news(count, start=datetime.datetime(2025, 1, 1, 10, 0), **fields):
    index = news_index()
    return [
        NewsPageFactory(
            parent=index,
            title=f"Тестовая новость {n:03d}",
            date=timezone.make_aware(start + datetime.timedelta(days=n)),
            **fields,
        )
        for n in range(count)
    ]


class NewsTreeRulesTests(WagtailPageTestCase):
    def test_news_live_under_the_news_index_under_the_home_page(self):
        self.assertAllowedParentPageTypes(NewsIndexPage, {HomePage})
        self.assertAllowedSubpageTypes(NewsIndexPage, {NewsPage})
        self.assertAllowedParentPageTypes(NewsPage, {NewsIndexPage})
        self.assertAllowedSubpageTypes(NewsPage, set())
        self.assertCanCreateAt(HomePage, NewsIndexPage)

    def test_decisions_live_under_the_registry(self):
        self.assertAllowedParentPageTypes(DecisionIndexPage, {HomePage})
        self.assertAllowedSubpageTypes(DecisionIndexPage, {DecisionPage})
        self.assertAllowedSubpageTypes(DecisionPage, set())

    def test_demo_news_and_decision_render(self):
        for page in [*NewsPage.objects.live(), *DecisionPage.objects.live()]:
            self.assertPageIsRenderable(page)

    def test_an_editor_can_create_a_news_item(self):
        self.login()
        self.assertCanCreate(
            news_index(),
            NewsPage,
            {
                "title": "Открыт новый сквер",
                "slug": "novyi-skver",
                "date": "2026-05-01 10:00",
                "lead": "В Глазове открыт сквер на улице Кирова.",
                "body-count": "0",
                "tags": "сквер",
            },
        )


def test_image_needs_alt_text_unless_decorative():
    image = get_image_model().objects.create(title="Фото", file=get_test_image_file())
    page = NewsPage(title="С картинкой", slug="s-kartinkoi", lead="Лид.", image=image)
    with pytest.raises(ValidationError) as error:
        page.clean()
    assert "image_alt" in error.value.message_dict
    page.image_decorative = True
    page.clean()
    assert page.alt_text == ""
    page.image_decorative, page.image_alt = False, "Сквер на улице Кирова"
    page.clean()
    assert page.alt_text == "Сквер на улице Кирова"


def test_listing_is_newest_first_twelve_a_page_with_numbered_pages(client):
    make_news(14)
    first = client.get("/ru/news/").text
    listed = titles(first)
    assert len(listed) == 12
    assert listed[0] == "Тестовая новость 013"
    assert listed[1] == "Тестовая новость 012"
    assert 'href="?page=2"' in first
    second = client.get("/ru/news/?page=2").text
    assert titles(second)[:2] == ["Тестовая новость 001", "Тестовая новость 000"]
    assert "Решение о вступлении Глазова" in second  # the 2016 demo item is the oldest
    assert client.get("/ru/news/?page=99").status_code == 200  # a stale page number still answers


def test_rubric_filter_is_a_get_link_and_pagination_keeps_it(client):
    culture = Rubric.objects.get(slug="kultura", locale__language_code="ru")
    for page in make_news(13):
        page.rubrics.set([culture])
        page.save()
    make_news(3, start=datetime.datetime(2025, 6, 1))
    html = client.get("/ru/news/", {"rubric": "kultura"}).text
    assert len(titles(html)) == 12
    assert 'href="?rubric=kultura&amp;page=2"' in html
    assert "Найдено 13 новостей" in html
    assert 'aria-current="page">Культура</a>' in html
    unknown = client.get("/ru/news/", {"rubric": "net-takoi"})
    assert unknown.status_code == 200
    assert len(titles(unknown.text)) == 12  # an unknown rubric shows all news


def test_archive_filters_by_year_and_month(client):
    make_news(3, start=datetime.datetime(2023, 3, 10))
    make_news(2, start=datetime.datetime(2023, 7, 10))
    html = client.get("/ru/news/", {"year": 2023}).text
    assert len(titles(html)) == 5
    assert "?year=2023&amp;month=3" in html  # the open year lists its months
    march = client.get("/ru/news/", {"year": 2023, "month": 3}).text
    assert len(titles(march)) == 3
    assert "Найдены 3 новости" in march
    assert client.get("/ru/news/", {"year": "abc"}).status_code == 200


def test_news_page_has_title_description_and_open_graph(client):
    image = get_image_model().objects.create(title="Фото", file=get_test_image_file(), description="Сквер")
    page = NewsPageFactory(
        parent=news_index(),
        title="Открыт сквер",
        slug="skver",
        lead="Жители получили новый сквер.",
        image=image,
    )
    html = client.get(page.url).text
    assert "<title>Открыт сквер — Город Глазов</title>" in html
    assert '<meta name="description" content="Жители получили новый сквер.">' in html
    assert '<meta property="og:title" content="Открыт сквер">' in html
    assert '<meta property="og:description" content="Жители получили новый сквер.">' in html
    assert re.search(r'<meta property="og:image" content="http://testserver/media/images/[^"]+\.png">', html)
    assert '<meta property="og:image:alt" content="Сквер">' in html
    assert 'type="application/rss+xml"' in html


def test_related_news_and_decisions_show_on_both_pages(client):
    first, second = make_news(2)
    decision = DecisionPageFactory(parent=decision_registry(), title="О сквере")
    first.related_news.set([second])
    first.related_decisions.set([decision])
    first.save()
    html_first = client.get(first.url).text
    html_second = client.get(second.url).text
    html_decision = client.get(decision.url).text
    assert second.title in html_first and "О сквере" in html_first
    assert first.title in html_second  # shown in the other direction too
    assert first.title in html_decision


def test_scheduled_news_is_hidden_until_its_time(client, django_capture_on_commit_callbacks):
    index = news_index()
    page = NewsPageFactory(parent=index, title="Запланированная новость", slug="planned", live=False)
    page.go_live_at = timezone.now() + datetime.timedelta(hours=2)
    page.save_revision().publish()
    page.refresh_from_db()
    assert not page.live
    assert "Запланированная новость" not in client.get("/ru/news/").text
    assert "Запланированная новость" not in client.get("/ru/news/feed/").text
    assert "Запланированная новость" not in client.get("/ru/").text
    assert client.get("/ru/news/planned/").status_code == 404

    # Two hours pass: the scheduled time is now in the past.
    past = timezone.now() - datetime.timedelta(minutes=1)
    revision = page.latest_revision
    revision.approved_go_live_at = past
    revision.content["go_live_at"] = past.isoformat()
    revision.save()
    call_command("publish_scheduled")
    assert "Запланированная новость" in client.get("/ru/news/").text
    assert "Запланированная новость" in client.get("/ru/news/feed/").text


def test_unpublished_news_leaves_listings(client):
    page = make_news(1)[0]
    page.expire_at = timezone.now() - datetime.timedelta(minutes=1)
    page.save()
    call_command("publish_scheduled")
    assert page.title not in client.get("/ru/news/").text


def test_home_page_shows_as_many_latest_news_as_editors_choose(client):
    image = get_image_model().objects.create(title="Фото", file=get_test_image_file())
    make_news(6, image=image, image_decorative=True)
    index = news_index()
    index.home_page_count = 3
    index.save_revision().publish()
    html = client.get("/ru/").text
    section = re.search(r'<section class="latest-news".*?</section>', html, re.S).group(0)
    assert titles(section) == ["Тестовая новость 005", "Тестовая новость 004", "Тестовая новость 003"]
    assert "<time" in section and "news-card__lead" in section and "<img" in section
    index.home_page_count = 0
    index.save_revision().publish()
    assert "latest-news" not in client.get("/ru/").text


def test_demo_news_item_reports_the_decision():
    news = NewsPage.objects.get(slug="glazov-associaciya-novatorskih-gorodov", locale__language_code="ru")
    assert (
        news.title == "Решение о вступлении Глазова в Ассоциацию новаторских городов принято городской Думой"
    )
    assert timezone.localtime(news.date).date() == datetime.date(2016, 5, 5)
    assert [r.name for r in news.rubrics.all()] == ["Городская Дума"]
    assert "Вера Тронина" in str(news.body)
    decision = news.related_decisions.get()
    assert decision.status == "in_force"
    assert news in decision.related_news.all()
    assert Page.objects.filter(translation_key=news.translation_key).count() == 3  # ru + en/udm copies


def test_news_are_listed_in_every_language(client):
    html = client.get("/en/news/").text
    assert "The City Duma decides that Glazov joins" in html  # the demo translated the item
    assert ">City Duma</a>" in html  # rubrics in the visitor's language
    udmurt = client.get("/udm/news/")
    assert udmurt.status_code == 200
    assert "Решение о вступлении Глазова" in udmurt.text  # the untranslated item appears as a Russian copy


def test_home_page_reports_the_rss_feed(client):
    html = client.get("/ru/").text
    assert '<link rel="alternate" type="application/rss+xml" title="Новости" href="/ru/news/feed/">' in html
    assert home_page().specific.title


def test_rubric_names_follow_edits_and_translations_at_once(client):
    """Listings keep rubric names in the cache; saving or deleting a rubric shows at once."""
    culture = Rubric.objects.get(slug="kultura", locale__language_code="ru")
    [item] = make_news(1)
    item.rubrics.set([culture])
    item.save_revision().publish()
    assert (
        'class="news-card__rubric" href="/ru/news/?rubric=kultura">Культура</a>'
        in client.get("/ru/news/").text
    )

    culture.name = "Культура и досуг"
    culture.save()
    assert 'href="/ru/news/?rubric=kultura">Культура и досуг</a>' in client.get("/ru/news/").text

    english = Rubric.objects.get(translation_key=culture.translation_key, locale__language_code="en")
    english.name = "Culture and leisure"
    english.save()
    assert 'href="/en/news/?rubric=kultura">Culture and leisure</a>' in client.get("/en/news/").text

    english.delete()  # no English name any more: the Russian one stands in, marked as Russian
    assert 'href="/en/news/?rubric=kultura" lang="ru">Культура и досуг</a>' in client.get("/en/news/").text
