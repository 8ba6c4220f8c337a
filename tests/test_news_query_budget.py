"""Every page renders in a number of SQL queries that grows neither with the data nor with its own links.

Listings are measured at two sizes of the site. So are a decision, a news item, the feedback form
and an information page, in Russian and English: each size gets its own decision, news item and
information page, linked to a few other pages at the small size and to more at the large one, and
the form offers more categories at the large size. Their English versions are the untranslated
copies (aliases) wagtail-localize makes when a page is created. One generated data set serves both.
"""

import datetime

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.images import get_image_model
from wagtail.models import Locale
from wagtail_localize.synctree import create_aliases_for_new_page

from feedback.models import ProblemCategory
from news.models import DecisionPage, NewsPage, Rubric
from tests.factories import DecisionPageFactory, InfoPageFactory, NewsPageFactory
from tests.helpers import decision_registry, home_page, news_index

# At most 15 queries per HTML listing, in every language: English pays one more query than
# Russian for Wagtail's routing into a translated tree, and nothing for the rubrics' names,
# which are cached per language (news.models.snippets.localized_snippets).
HTML_BUDGET = 15
CHROME_PAGES = {"chrome ru": "/ru/contacts/", "chrome en": "/en/contacts/"}
LISTINGS = {
    "home": "/ru/",
    "news index": "/ru/news/",
    "news page 2": "/ru/news/?page=2",
    "rubric": "/ru/news/?rubric=gorodskaya-duma",
    "home in English": "/en/",
    "news in English": "/en/news/",
    "registry in English": "/en/decisions/?kind=reshenie&sort=number",
    "registry": "/ru/decisions/",
    "registry filtered": "/ru/decisions/?status=in_force&year=2023&sort=number",
    # Every decision, the demo one included, says "РЕШИЛА", so the search matches at both sizes.
    "registry search": "/ru/decisions/?q=решила&kind=reshenie",
    "news feed": "/ru/news/feed/",
    "rubric feed": "/ru/news/feed/gorodskaya-duma/",
    "CSV export": "/ru/decisions/export/csv/",
    "JSON export": "/ru/decisions/export/json/?date_from=2015-01-01",
}


@pytest.fixture(autouse=True)
def _render_every_time(settings):
    """The budget is for rendering a page: with the page cache on, the measured (second) view of
    every page would be a hit, with no query at all. The menus' own cache stays on, as in production."""
    settings.PAGE_CACHE_SECONDS = 0


def listings():
    newest = NewsPage.objects.filter(locale__language_code="ru").order_by("-date").first().date
    return {**LISTINGS, "archive": f"/ru/news/?year={newest.year}&month={newest.month}"}


def measure(client):
    counts = {}
    for name, url in {**listings(), **CHROME_PAGES}.items():
        client.get(url)  # renditions are created on the first view; measure the steady state
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200, name
        counts[name] = len(queries)
    return counts


# Russian and English alike: English pays for routing into its tree and for the alias's original.
PAGE_BUDGET = 15


def with_english_copies(*pages):
    """What the admin does when a page is created: an untranslated copy in every synchronised language."""
    for page in pages:
        create_aliases_for_new_page(page)


def build_pages(size, links):
    """A decision, a news item and an information page, each linked to `links` other pages."""
    registry, index = decision_registry(), news_index()
    image = get_image_model().objects.filter(title__startswith="Синтетическая иллюстрация").first()
    document = DecisionPage.objects.exclude(document=None).first().document

    decision = DecisionPageFactory(
        parent=registry,
        slug=f"budget-decision-{size}",
        document=document,
        status="lost_force",
        lost_force_date=datetime.date(2022, 1, 1),
    )
    older = [
        DecisionPageFactory(parent=registry, date_adopted=datetime.date(2019, 1, n + 1)) for n in range(links)
    ]
    amending = [
        DecisionPageFactory(parent=registry, date_adopted=datetime.date(2021, 1, n + 1)) for n in range(links)
    ]
    repealing = DecisionPageFactory(parent=registry, date_adopted=datetime.date(2022, 1, 1))
    news = NewsPageFactory(
        parent=index, slug=f"budget-news-{size}", image=image, image_alt="Сессия городской Думы"
    )
    other_news = [NewsPageFactory(parent=index, image=image, image_decorative=True) for _ in range(2 * links)]

    for act in amending:
        act.amends.set([decision])
        act.save()
    repealing.repeals.set([decision])
    repealing.save()
    decision.amends.set(older)
    decision.related_news.set([news, *other_news[:links]])
    decision.save()
    news.related_decisions.set(older)
    news.related_news.set(other_news[:links])
    news.rubrics.set(Rubric.objects.filter(locale__language_code="ru")[: links + 1])
    news.tags.add(*[f"тег {n}" for n in range(links + 1)])
    news.save()
    for item in other_news[links:]:  # linked from the other side
        item.related_news.set([news])
        item.save()

    about = home_page().get_children().get(slug="about")
    info = InfoPageFactory(parent=about, slug=f"budget-info-{size}")
    children = [InfoPageFactory(parent=info, listing_image=image) for _ in range(links)]
    with_english_copies(decision, *older, *amending, repealing, news, *other_news, info, *children)
    return {"decision": decision, "news": news, "info": info}


def add_categories(count):
    """More categories in the form, each translated into English."""
    english = Locale.objects.get(language_code="en")
    for n in range(count):
        category = ProblemCategory.objects.create(
            locale=Locale.get_default(), name=f"Категория {n}", description="Пояснение"
        )
        translation = category.copy_for_translation(english)
        translation.name, translation.description = f"Category {n}", "Explanation"
        translation.save()


def measure_pages(client, pages):
    urls = {
        "decision": pages["decision"].url,
        "news item": pages["news"].url,
        "information page": pages["info"].url,
        "feedback form": "/ru/feedback/",
    }
    urls |= {f"{name} in English": url.replace("/ru/", "/en/", 1) for name, url in urls.items()}
    counts, html = {}, {}
    for name, url in urls.items():
        client.get(url)  # renditions and the site chrome are made on the first view: measure the steady state
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200, f"{name}: {url}"
        counts[name], html[name] = len(queries), response.content.decode()
    return counts, html


@pytest.mark.django_db
def test_queries_do_not_grow_with_the_data(client):
    call_command("generate_content", news=10, decisions=10, stdout=open("/dev/null", "w"))  # noqa: SIM115
    small = measure(client)
    small_pages, _ = measure_pages(client, build_pages("small", links=1))
    call_command("generate_content", news=290, decisions=290, stdout=open("/dev/null", "w"))  # noqa: SIM115
    add_categories(3)
    assert NewsPage.objects.count() >= 300 and DecisionPage.objects.count() >= 300
    large = measure(client)
    large_pages, html = measure_pages(client, build_pages("large", links=4))

    print("queries at 10 / 300 items:", {name: (small[name], large[name]) for name in small})
    print("page queries, small / large:", {n: (small_pages[n], large_pages[n]) for n in small_pages})
    assert large == small
    for name, url in listings().items():
        if "feed" not in name and "export" not in name:
            assert large[name] <= HTML_BUDGET, f"{name} ({url}): {large[name]} queries"

    # The large pages really show their extra links and categories, in the visitor's language.
    assert html["decision"].count("В редакции решений") == 1
    assert html["decision"].count("Вносит изменения в") == 4
    assert "Утратило силу на основании решения" in html["decision"]
    # In English every linked act (4 amending, 1 repealing, 4 amended) leads to its English copy.
    assert html["decision in English"].count('href="/en/decisions/decision-') == 9
    assert html["news item"].count('class="news-tag"') == 5
    assert html["information page"].count("page-listing__item") == 4
    assert "Category 2" in html["feedback form in English"]
    assert "Категория 2" in html["feedback form"]
    assert "This page has not been translated" in html["decision in English"]
    for name, count in large_pages.items():
        assert count <= PAGE_BUDGET, f"{name}: {count} queries"
    assert large_pages == small_pages
