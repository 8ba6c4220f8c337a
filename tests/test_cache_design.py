"""One caching design (home.caching): a publish makes stale only what it changed, stale pages are
served while one worker renders them again, and every model public pages show has a rule."""

import datetime

import pytest
from django.apps import apps
from django.core.cache import cache
from django.db import models
from django.test import Client, RequestFactory
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from wagtail.contrib.settings.registry import registry as settings_registry
from wagtail.models import Page
from wagtail.snippets.models import get_snippet_models

from home import caching, page_cache
from home.models import InfoPage
from news.models import DecisionPage, NewsPage
from tests.factories import DecisionPageFactory, InfoPageFactory, NewsPageFactory
from tests.helpers import decision_registry, home_page, news_index

pytestmark = pytest.mark.django_db

PROJECT_APPS = ("home", "news", "feedback")


def state(response):
    return response.headers.get("X-Cache")


def warm(client, *urls):
    for url in urls:
        client.get(url)
        assert state(client.get(url)) == "HIT", url


def publish(page):
    page.save_revision().publish()
    return page


def news_item(title="Ремонт моста", slug="most", **kwargs):
    return publish(NewsPageFactory(parent=news_index(), title=title, slug=slug, **kwargs))


def decision(title="О бюджете", number="№ 5", slug="o-byudzhete", **kwargs):
    return publish(
        DecisionPageFactory(
            parent=decision_registry(),
            title=title,
            number=number,
            slug=slug,
            date_adopted=datetime.date(2026, 3, 1),
            **kwargs,
        )
    )


def republish(page, title):
    page = type(page).objects.get(pk=page.pk)
    page.title = title
    return publish(page)


# What a publish makes stale


def test_publishing_news_refreshes_its_listings_and_leaves_other_pages_cached(client):
    info = publish(InfoPageFactory(parent=home_page(), title="Транспорт", slug="transport"))
    act = decision()
    item = news_item()
    warm(client, "/ru/", "/ru/news/", "/ru/news/feed/", item.url, info.url, act.url, "/ru/decisions/")

    republish(item, "Мост откроют в мае")

    for url in ("/ru/", "/ru/news/", "/ru/news/feed/", item.url):
        response = client.get(url)
        assert state(response) == "MISS", url
        assert "Мост откроют в мае" in response.text, url
    for url in (info.url, act.url, "/ru/decisions/"):
        assert state(client.get(url)) == "HIT", url


def test_publishing_a_decision_leaves_the_news_cached(client):
    act = decision()
    warm(client, "/ru/news/", "/ru/decisions/", act.url)
    republish(act, "О бюджете города на 2027 год")
    assert state(client.get("/ru/news/")) == "HIT"
    for url in ("/ru/decisions/", act.url):
        response = client.get(url)
        assert state(response) == "MISS", url
        assert "О бюджете города на 2027 год" in response.text


def test_a_page_that_shows_a_linked_page_follows_its_changes_and_its_links(client):
    act = decision()
    item = NewsPageFactory(parent=news_index(), title="Дума приняла бюджет", slug="byudzhet")
    item.related_decisions.set([act])
    publish(item)
    other = decision(title="О транспорте", number="№ 6", slug="o-transporte")
    warm(client, act.url, other.url)

    # The act's page lists the news that chose it; the news item is renamed.
    republish(item, "Бюджет принят")
    response = client.get(act.url)
    assert (state(response), "Бюджет принят" in response.text) == ("MISS", True)
    assert state(client.get(other.url)) == "HIT"

    # The link moves to the other act: both pages change, though neither was published.
    warm(client, act.url, other.url)
    item = NewsPage.objects.get(pk=item.pk)
    item.related_decisions.set([other])
    publish(item)
    assert "Бюджет принят" not in client.get(act.url).text
    assert "Бюджет принят" in client.get(other.url).text


def test_a_response_that_names_nothing_is_refreshed_by_any_publish(client):
    warm(client, "/sitemap.xml")
    item = news_item()
    response = client.get("/sitemap.xml")
    assert state(response) == "MISS"
    assert item.slug in response.text


def test_a_language_copy_made_on_publish_is_listed_in_its_language(client):
    from wagtail_localize.synctree import create_aliases_for_new_page

    warm(client, "/en/news/")
    item = news_item(title="Новый автобус", slug="avtobus")
    create_aliases_for_new_page(item)  # what wagtail-localize does on publish
    response = client.get("/en/news/")
    assert state(response) == "MISS"
    assert "Новый автобус" in response.text


# Stale while one worker renders


def entry_key_of(url):
    return page_cache.entry_key(RequestFactory().get(url), "ru")


def test_a_stale_page_is_served_while_another_worker_renders_it(client):
    item = news_item()
    warm(client, "/ru/news/")
    republish(item, "Мост откроют в мае")

    # Another worker holds the lock for this page: this one serves what it had, marked STALE.
    cache.add(page_cache.lock_key(entry_key_of("/ru/news/")), 1, page_cache.LOCK_SECONDS)
    stale = client.get("/ru/news/")
    assert state(stale) == "STALE"
    assert "Ремонт моста" in stale.text and "Мост откроют в мае" not in stale.text

    # When it is done (the lock is released, or expires), the next request renders it again.
    cache.delete(page_cache.lock_key(entry_key_of("/ru/news/")))
    fresh = client.get("/ru/news/")
    assert (state(fresh), "Мост откроют в мае" in fresh.text) == ("MISS", True)
    assert state(client.get("/ru/news/")) == "HIT"


def test_a_worker_whose_own_copy_is_old_takes_the_one_another_worker_rendered(client, monkeypatch):
    page = publish(InfoPageFactory(parent=home_page(), title="Транспорт", slug="transport"))
    warm(client, page.url)
    warm(client, page.url)  # now also in this worker's memory
    key = entry_key_of(page.url)
    old = page_cache.local_pages.get(key, 300)
    assert old is not None
    republish(page, "Автобусы")
    assert state(client.get(page.url)) == "MISS"  # rendered again once: by "another worker"
    page_cache.local_pages.put(key, old)  # this worker still has the old copy in its memory
    renders = []
    original = InfoPage.get_context
    monkeypatch.setattr(InfoPage, "get_context", lambda *a, **k: renders.append(1) or original(*a, **k))
    response = client.get(page.url)
    assert (state(response), "Автобусы" in response.text, renders) == ("HIT", True, [])


def test_the_worker_that_renders_a_stale_page_holds_the_lock_while_it_renders(client, monkeypatch):
    page = publish(InfoPageFactory(parent=home_page(), title="Транспорт", slug="transport"))
    warm(client, page.url)
    republish(page, "Автобусы")
    seen = []
    original = InfoPage.get_context

    def get_context(self, request, *args, **kwargs):
        seen.append(cache.get(page_cache.lock_key(entry_key_of(page.url))))
        return original(self, request, *args, **kwargs)

    monkeypatch.setattr(InfoPage, "get_context", get_context)
    assert state(client.get(page.url)) == "MISS"
    assert seen == [1]
    assert cache.get(page_cache.lock_key(entry_key_of(page.url))) is None  # released after


def test_a_page_unpublished_or_made_private_is_never_served_stale(client):
    from wagtail.models import PageViewRestriction

    gone = publish(InfoPageFactory(parent=home_page(), title="Старое", slug="staroe"))
    private = publish(InfoPageFactory(parent=home_page(), title="Служебное", slug="sluzhebnoe"))
    warm(client, gone.url, private.url)
    for page in (gone, private):  # every worker is busy rendering: still, no old copy is served
        cache.add(page_cache.lock_key(entry_key_of(page.url)), 1, page_cache.LOCK_SECONDS)
    gone.unpublish()
    PageViewRestriction.objects.create(page=private, restriction_type="login")
    assert client.get(gone.url).status_code == 404
    response = client.get(private.url)
    assert response.status_code == 302 and state(response) == "BYPASS"


def test_a_stale_page_that_can_no_longer_be_cached_is_dropped(client, monkeypatch):
    page = publish(InfoPageFactory(parent=home_page(), title="Транспорт", slug="transport"))
    warm(client, page.url)
    republish(page, "Автобусы")
    monkeypatch.setattr(page_cache, "response_is_cacheable", lambda response, language: False)
    assert state(client.get(page.url)) == "BYPASS"
    assert cache.get(entry_key_of(page.url)) is None


def test_a_change_is_marked_when_its_transaction_commits_not_before(
    client, monkeypatch, django_capture_on_commit_callbacks
):
    from django.db import transaction

    monkeypatch.setattr(caching, "after_commit", transaction.on_commit)
    item = news_item()
    warm(client, "/ru/news/")
    with django_capture_on_commit_callbacks(execute=True):
        republish(item, "Мост откроют в мае")
        # Until the commit everyone still reads the old data: the old page is still the right one.
        assert state(client.get("/ru/news/")) == "HIT"
    response = client.get("/ru/news/")
    assert (state(response), "Мост откроют в мае" in response.text) == ("MISS", True)


def test_small_caches_are_rebuilt_when_what_they_show_changes():
    built = []
    caching.cached("test:value", lambda: built.append(1) or len(built))
    assert caching.cached("test:value", lambda: built.append(1) or len(built)) == 1
    caching.write_now(caching.SITE)
    assert caching.cached("test:value", lambda: built.append(1) or len(built)) == 2
    caching.write_now(caching.NEWS)  # not what it depends on
    assert caching.cached("test:value", lambda: built.append(1) or len(built)) == 2


def test_per_request_memoisation_builds_once_per_request():
    calls = []
    request = RequestFactory().get("/")
    for _ in range(3):
        caching.per_request(request, "thing", lambda: calls.append(1))
    assert len(calls) == 1
    caching.per_request(RequestFactory().get("/"), "thing", lambda: calls.append(1))
    assert len(calls) == 2


# Every model public pages show has a rule


def shown_models():
    """Models a public page can show: what page types point to (foreign keys, many-to-many,
    their inline rows and what those point to), registered snippets and settings."""
    page_models = [
        model
        for model in apps.get_models()
        if issubclass(model, Page) and model._meta.app_label in PROJECT_APPS
    ]
    found, queue = set(), list(page_models)
    seen = set()
    while queue:
        model = queue.pop()
        if model in seen:
            continue
        seen.add(model)
        for field in model._meta.get_fields():
            related = getattr(field, "related_model", None)
            if related is None or related is model:
                continue
            if isinstance(field, (models.ForeignKey, models.ManyToManyField, ParentalManyToManyField)):
                if not field.auto_created:
                    found.add(related)
            elif isinstance(getattr(field, "remote_field", None), ParentalKey) or (
                field.one_to_many and isinstance(getattr(field, "field", None), ParentalKey)
            ):
                found.add(related)  # an inline row of the page
                queue.append(related)
    found.update(get_snippet_models())
    found.update(settings_registry)
    return {model for model in found if not issubclass(model, Page) and model is not Page}


def test_every_model_public_pages_show_has_an_invalidation_rule():
    missing = sorted(model._meta.label for model in shown_models() if caching.rule_for(model) is None)
    assert missing == [], f"Add these to home.caching.RULES: {missing}"


def test_the_walk_finds_what_pages_really_show():
    labels = {model._meta.label_lower for model in shown_models()}
    assert {
        "news.rubric",
        "news.decisionkind",
        "wagtailimages.image",
        "wagtaildocs.document",
        "home.homepagefeaturedlink",
        "home.footercontacts",
        "home.accessibilitysettings",
        "feedback.problemcategory",
    } <= labels


def test_a_model_without_a_rule_is_reported(monkeypatch):
    monkeypatch.delitem(caching.RULES, "news.rubric")
    assert caching.rule_for(apps.get_model("news.rubric")) is None


def test_publishing_any_other_page_refreshes_the_whole_site():
    page = InfoPageFactory(parent=home_page(), title="Транспорт", slug="transport")
    assert caching.SITE in caching.changes_for_publish(page)
    item = NewsPageFactory(parent=news_index(), title="Ремонт", slug="remont")
    names = caching.changes_for_publish(item)  # a new item: it enters the listings
    assert names[0] == caching.page_namespace(item) and caching.NEWS in names
    act = DecisionPageFactory(
        parent=decision_registry(), number="№ 1", date_adopted=datetime.date(2026, 1, 1)
    )
    assert caching.DECISIONS in caching.changes_for_publish(act)
    assert DecisionPage.objects.filter(pk=act.pk).exists()


def test_nothing_outside_home_caching_bumps_or_reads_markers():
    """One place for caching: no other module writes markers or versions of its own."""
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    offenders = []
    for path in [*root.glob("home/**/*.py"), *root.glob("news/**/*.py"), *root.glob("feedback/**/*.py")]:
        if path.name == "caching.py" or "migrations" in path.parts:
            continue
        text = path.read_text()
        if "glazov:changed:" in text or "version_key" in text or "set_strictly" in text:
            offenders.append(str(path.relative_to(root)))
    assert offenders == []


def test_a_client_of_another_worker_sees_the_change_within_the_local_seconds(settings):
    item = news_item()
    resident = Client()
    warm(resident, "/ru/news/")
    cache.set(caching.marker_key(caching.NEWS), 10**20, None)  # another worker published
    caching.markers.forget()  # this worker's trust ran out
    NewsPage.objects.filter(pk=item.pk).update(title="Изменено в другом процессе")
    response = resident.get("/ru/news/")
    assert state(response) == "MISS"
    assert "Изменено в другом процессе" in response.text


def test_no_ad_hoc_request_attributes_and_no_private_wagtail_attributes():
    """Per-request memos go through caching.per_request; Wagtail's private attributes are not ours."""
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    offenders = []
    for path in [*root.glob("home/**/*.py"), *root.glob("news/**/*.py"), *root.glob("feedback/**/*.py")]:
        if "migrations" in path.parts:
            continue
        text = path.read_text()
        for pattern in ("request._glazov", "_cached_parent_obj", "_get_autogenerated_slug"):
            if pattern in text:
                offenders.append(f"{path.relative_to(root)}: {pattern}")
    assert offenders == []


def test_republishing_a_news_item_refreshes_only_the_pages_that_show_it(client):
    from django.core.management import call_command

    call_command("generate_content", news=25, decisions=2, stdout=open("/dev/null", "w"))  # noqa: SIM115
    newest = NewsPage.objects.filter(locale__language_code="ru", live=True).order_by("-date", "-pk").first()
    warm(client, "/ru/news/", "/ru/news/?page=2", "/ru/")
    republish(newest, "Свежий заголовок")
    # The first page and the home page show it; the second page does not, and keeps its copy.
    for url in ("/ru/news/", "/ru/"):
        response = client.get(url)
        assert (state(response), "Свежий заголовок" in response.text) == ("MISS", True), url
    assert state(client.get("/ru/news/?page=2")) == "HIT"


def test_a_news_item_that_moves_in_the_listings_refreshes_them_all(client):
    from django.core.management import call_command

    call_command("generate_content", news=25, decisions=2, stdout=open("/dev/null", "w"))  # noqa: SIM115
    oldest = NewsPage.objects.filter(locale__language_code="ru", live=True).order_by("date", "pk").first()
    warm(client, "/ru/news/", "/ru/news/?page=2")
    oldest = NewsPage.objects.get(pk=oldest.pk)
    oldest.date = datetime.datetime(2030, 1, 1, tzinfo=datetime.UTC)
    oldest.title = "Перенесённая новость"
    publish(oldest)
    assert "Перенесённая новость" in client.get("/ru/news/").text
    assert state(client.get("/ru/news/?page=2")) == "MISS"


def test_adding_a_rubric_to_a_news_item_refreshes_the_listings(client):
    from news.models import Rubric

    item = news_item()
    rubric = Rubric.objects.filter(locale__language_code="ru").first()
    url = f"/ru/news/?rubric={rubric.slug}"
    warm(client, url)
    item = NewsPage.objects.get(pk=item.pk)
    item.rubrics.set([rubric])
    publish(item)
    response = client.get(url)
    assert (state(response), item.title in response.text) == ("MISS", True)
