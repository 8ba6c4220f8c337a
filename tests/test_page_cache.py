"""The page cache for anonymous visitors: hits and misses, purges, what is never cached, no leaks."""

import datetime
import itertools
import re
import time
import uuid
from unittest import mock
from urllib.parse import urlsplit

import pytest
from django.contrib.sessions.middleware import SessionMiddleware
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from wagtail.images.models import Image
from wagtail.images.tests.utils import get_test_image_file
from wagtail.models import PageViewRestriction, Site

from home import caching, page_cache
from home.models import AccessibilitySettings, FooterContacts, InfoPage
from home.visual_mode import COOKIE_NAME
from news.models import DecisionKind, DecisionStatus, Rubric
from tests.factories import DecisionPageFactory, InfoPageFactory, NewsPageFactory
from tests.feedback_helpers import FORM_URL, form_data, make_report, staff_user
from tests.helpers import decision_registry, home_page, news_index, page_by_slug

pytestmark = pytest.mark.django_db


def state(response):
    return response.headers.get("X-Cache")


def warm(client, url):
    """Ask for ``url`` until it comes from the cache (the second request)."""
    client.get(url)
    assert state(client.get(url)) == "HIT"


def html_class(response):
    return re.search(r'<html lang="\w+" class="([^"]*)"', response.text).group(1).split()


def visitor(mode=None, **headers):
    """A new anonymous browser, with a visual mode cookie if given."""
    client = Client(headers=headers)
    if mode is not None:
        client.cookies[COOKIE_NAME] = mode
    return client


def new_info_page(title="Отключение воды", slug="water"):
    page = InfoPageFactory(parent=home_page(), title=title, slug=slug)
    page.save_revision().publish()
    return page


def publish_title(page, title):
    page = InfoPage.objects.get(pk=page.pk)
    page.title = title
    page.save_revision().publish()
    return page


# Hits and misses


def test_second_view_is_a_hit_with_the_same_page_and_headers(client):
    first = client.get("/ru/about/")
    second = client.get("/ru/about/")
    assert (state(first), state(second)) == ("MISS", "HIT")
    assert second.status_code == 200
    assert second.content == first.content
    for header in (
        "Content-Type",
        "Content-Language",
        "Content-Length",
        "Vary",
        "X-Frame-Options",
        "X-Content-Type-Options",
        "Referrer-Policy",
        "Cross-Origin-Opener-Policy",
        "Content-Security-Policy",
        "Permissions-Policy",
    ):
        assert second.headers[header] == first.headers[header], header
    assert "Cookie" in second.headers["Vary"]
    assert second.headers["Content-Language"] == "ru"


def test_head_is_answered_from_a_cached_get(client):
    assert state(client.head("/ru/about/")) == "MISS"
    assert state(client.head("/ru/about/")) == "MISS", "a HEAD response is never stored"
    client.get("/ru/about/")
    hit = client.head("/ru/about/")
    assert (state(hit), hit.status_code) == ("HIT", 200)


def test_publish_miss_hit_publish_again_miss_shows_the_new_content():
    page = new_info_page("Отключение воды")
    resident = visitor()
    first = resident.get("/ru/water/")
    assert (state(first), "Отключение воды" in first.text) == ("MISS", True)
    assert state(resident.get("/ru/water/")) == "HIT"

    publish_title(page, "Отключение горячей воды")
    after = resident.get("/ru/water/")
    assert state(after) == "MISS"
    assert "Отключение горячей воды" in after.text
    again = resident.get("/ru/water/")
    assert state(again) == "HIT"
    assert "Отключение горячей воды" in again.text

    publish_title(page, "Вода будет с 1 июня")
    last = resident.get("/ru/water/")
    assert state(last) == "MISS"
    assert "Вода будет с 1 июня" in last.text
    assert "Отключение горячей воды" not in last.text


def test_publishing_a_page_refreshes_the_listings_that_show_it(client):
    warm(client, "/ru/")
    page = InfoPageFactory(parent=home_page(), title="Транспорт", slug="transport", show_in_menus=True)
    page.save_revision().publish()
    response = client.get("/ru/")
    assert state(response) == "MISS"
    assert "Транспорт" in response.text


def test_unpublishing_purges(client):
    page = new_info_page()
    warm(client, "/ru/water/")
    page.unpublish()
    response = client.get("/ru/water/")
    assert response.status_code == 404
    assert state(response) == "BYPASS"


def test_moving_purges(client):
    page = new_info_page()
    warm(client, "/ru/water/")
    page.move(page_by_slug("about"), pos="last-child")
    old_address = client.get("/ru/water/")
    assert (old_address.status_code, old_address.headers["Location"]) == (301, "/ru/about/water/")
    assert state(client.get("/ru/about/water/")) == "MISS"


def test_deleting_purges(client):
    page = new_info_page()
    warm(client, "/ru/water/")
    page.delete()
    assert client.get("/ru/water/").status_code == 404


def test_footer_contacts_change_purges(client):
    warm(client, "/ru/contacts/")
    contacts = FooterContacts.objects.get(locale__language_code="ru")
    contacts.phone = "+7 (34141) 5-55-55"
    contacts.save()
    response = client.get("/ru/contacts/")
    assert state(response) == "MISS"
    assert "+7 (34141) 5-55-55" in response.text


def test_accessibility_settings_change_purges():
    resident = visitor("font:2")  # no colours chosen: the site's default scheme applies
    assert "vm-scheme-white" in html_class(resident.get("/ru/about/"))
    # That view created the settings with their defaults, which purges nothing.
    assert state(resident.get("/ru/about/")) == "HIT"
    settings = AccessibilitySettings.for_site(Site.objects.get(is_default_site=True))
    settings.default_scheme = "black"
    settings.save()
    response = resident.get("/ru/about/")
    assert state(response) == "MISS"
    assert "vm-scheme-black" in html_class(response)


def test_renaming_a_kind_of_act_purges_the_registry(client):
    assert "Решение" in client.get("/ru/decisions/").text
    assert state(client.get("/ru/decisions/")) == "HIT"
    kind = DecisionKind.objects.get(slug="reshenie", locale__language_code="ru")
    kind.name = "Решение городской Думы"
    kind.save()
    response = client.get("/ru/decisions/")
    assert state(response) == "MISS"
    assert "Решение городской Думы" in response.text


def test_saving_a_rubric_or_an_image_purges(client):
    image = Image.objects.create(title="Плотина", file=get_test_image_file())

    def edit_image():
        image.title = "Плотина на Чепце"
        image.save()

    for change in (lambda: Rubric.objects.filter(locale__language_code="ru").first().save(), edit_image):
        warm(client, "/ru/news/")
        change()
        assert state(client.get("/ru/news/")) == "MISS"


def test_a_new_upload_changes_nothing_shown_and_keeps_the_pages(client):
    warm(client, "/ru/news/")
    Image.objects.create(title="Плотина", file=get_test_image_file())
    assert state(client.get("/ru/news/")) == "HIT"


def test_repealing_a_decision_purges_its_page(client):
    old = DecisionPageFactory(
        parent=decision_registry(),
        title="Старые правила",
        number="№ 7",
        date_adopted=datetime.date(2015, 1, 10),
    )
    old.save_revision().publish()
    client.get(old.url)
    assert state(client.get(old.url)) == "HIT"
    new = DecisionPageFactory(
        parent=decision_registry(),
        title="Новые правила",
        number="№ 99",
        date_adopted=datetime.date(2024, 3, 1),
        live=False,
    )
    new.repeals.set([old])
    new.save_revision().publish()
    old.refresh_from_db()
    assert old.status == DecisionStatus.LOST_FORCE
    response = client.get(old.url)
    assert state(response) == "MISS"
    assert "утратило силу" in response.text


def test_making_a_page_private_drops_it_at_once(client):
    page = new_info_page()
    warm(client, "/ru/water/")
    PageViewRestriction.objects.create(page=page, restriction_type="password", password="секрет")
    response = client.get("/ru/water/")
    assert state(response) != "HIT"
    assert 'name="password"' in response.text


def test_a_page_rendered_while_content_changed_is_not_served_again(client, monkeypatch):
    """The entry carries the generation read before rendering, so a purge mid-render wins."""
    original = InfoPage.get_context

    def purge_while_rendering(self, request, *args, **kwargs):
        page_cache.purge_page_cache()
        return original(self, request, *args, **kwargs)

    monkeypatch.setattr(InfoPage, "get_context", purge_while_rendering)
    assert state(client.get("/ru/about/")) == "MISS"
    monkeypatch.setattr(InfoPage, "get_context", original)
    assert state(client.get("/ru/about/")) == "MISS"
    assert state(client.get("/ru/about/")) == "HIT"


def test_purge_runs_when_the_change_is_committed(monkeypatch, django_capture_on_commit_callbacks):
    from django.db import transaction

    monkeypatch.setattr(caching, "after_commit", transaction.on_commit)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        page_cache.purge_page_cache()
    assert callbacks


def test_entries_expire_after_page_cache_seconds(client, settings):
    warm(client, "/ru/about/")
    later = time.time() + settings.PAGE_CACHE_SECONDS + 1
    with mock.patch("django.core.cache.backends.locmem.time.time", return_value=later):
        assert state(client.get("/ru/about/")) == "MISS"


def test_zero_seconds_turns_the_cache_off(settings):
    settings.PAGE_CACHE_SECONDS = 0
    resident = visitor()
    for _ in range(2):
        response = resident.get("/ru/about/")
        assert response.status_code == 200
        assert "X-Cache" not in response.headers


# Who and what bypasses the cache


def test_logged_in_users_bypass_and_never_fill_the_cache(client):
    editor = Client()
    editor.force_login(staff_user("editor", superuser=True))
    for _ in range(2):
        response = editor.get("/ru/about/")
        assert state(response) == "BYPASS"
        assert "wagtail-userbar" in response.text
    anonymous = client.get("/ru/about/")
    assert state(anonymous) == "MISS"
    assert "wagtail-userbar" not in anonymous.text
    assert state(client.get("/ru/about/")) == "HIT"
    assert state(editor.get("/ru/about/")) == "BYPASS"


def test_any_session_cookie_bypasses(client):
    client.get("/ru/about/")
    client.cookies["sessionid"] = "whatever"
    assert state(client.get("/ru/about/")) == "BYPASS"


def test_posts_bypass_and_are_never_stored(client):
    post = client.post("/ru/about/")
    assert state(post) == "BYPASS"
    assert state(client.get("/ru/about/")) == "MISS"
    assert state(client.get("/ru/about/")) == "HIT"
    assert state(client.post("/ru/about/")) == "BYPASS"


def test_feedback_form_is_never_cached(client):
    for _ in range(2):
        response = client.get(FORM_URL)
        assert response.status_code == 200
        assert state(response) == "BYPASS"
        assert "private" in response.headers["Cache-Control"]
        assert "csrfmiddlewaretoken" in response.text


def test_feedback_confirmation_and_status_pages_are_never_cached(client):
    posted = client.post(FORM_URL, form_data())
    assert (posted.status_code, state(posted)) == (302, "BYPASS")
    sent = client.get(posted.headers["Location"])  # with the session that holds the report
    assert (sent.status_code, state(sent)) == (200, "BYPASS")
    report = make_report()
    status_url = f"/ru/feedback/status/{report.token}/"
    stranger = visitor()
    for _ in range(2):
        response = stranger.get(status_url)
        assert response.status_code == 200
        assert state(response) == "BYPASS"
        assert "no-store" in response.headers["Cache-Control"]


def test_feedback_page_opts_out_even_without_a_csrf_token(client, monkeypatch):
    """The header set by FeedbackPage.serve keeps it out, not only the CSRF cookie its form sets."""
    from django.template import context_processors

    monkeypatch.setattr(context_processors, "get_token", lambda request: "token")
    response = client.get(FORM_URL)
    assert not response.cookies
    assert state(response) == "BYPASS"


def test_preview_is_never_served_from_or_stored_in_the_cache():
    page = new_info_page("Опубликованный заголовок")
    # The address Wagtail's preview request is made for, so it would share the visitor's key.
    client = visitor(host=urlsplit(page.get_full_url()).netloc)
    warm(client, "/ru/water/")
    draft = InfoPage.objects.get(pk=page.pk)
    draft.title = "Черновик заголовка"
    revision = draft.save_revision()

    # Wagtail runs the middleware on a made-up GET of the page's public URL, with no cookies here.
    preview = draft.make_preview_request()
    assert state(preview) == "BYPASS"
    assert "Черновик заголовка" in preview.content.decode()

    editor = Client()
    editor.force_login(staff_user("editor", superuser=True))
    admin_preview = editor.get(reverse("wagtailadmin_pages:revisions_view", args=[page.pk, revision.pk]))
    assert "Черновик заголовка" in admin_preview.content.decode()

    live = client.get("/ru/water/")
    assert state(live) == "HIT"
    assert "Опубликованный заголовок" in live.text
    assert "Черновик заголовка" not in live.text


# A hit touches no session and no cookie


def test_a_hit_reads_and_writes_no_session_and_sets_no_cookie(monkeypatch):
    seen = []
    original = SessionMiddleware.process_request

    def spy(self, request):
        seen.append(request.path)
        return original(self, request)

    monkeypatch.setattr(SessionMiddleware, "process_request", spy)
    resident = visitor("scheme:black", **{"accept-language": "ru"})
    resident.cookies["csrftoken"] = "x" * 32  # from an earlier visit to the feedback form

    miss = resident.get("/ru/about/")
    assert state(miss) == "MISS"
    assert seen == ["/ru/about/"], "the check below can see a session being read"

    hit = resident.get("/ru/about/")
    assert state(hit) == "HIT"
    assert seen == ["/ru/about/"], "no session middleware ran on the hit"
    assert not hasattr(hit.wsgi_request, "session")
    assert not hasattr(hit.wsgi_request, "user")
    assert not hit.cookies
    assert "Set-Cookie" not in hit.headers


# Keys: visual mode, language, query string, the language redirect


MODES = {
    "normal": (None, []),
    "black large": ("scheme:black.font:2", ["vm", "vm-scheme-black", "vm-font-2"]),
    "no images": ("font:3.images:off", ["vm", "vm-scheme-white", "vm-font-3", "vm-images-off"]),
    "garbage": ("scheme:pink.font:9", []),
}


@pytest.mark.parametrize("order", list(itertools.permutations(MODES)), ids="-".join)
def test_visual_mode_never_leaks_between_visitors(order):
    residents = {name: visitor(MODES[name][0]) for name in order}
    for _ in range(2):
        for name in order:
            response = residents[name].get("/ru/about/")
            assert html_class(response) == MODES[name][1], (name, state(response))


def test_an_unknown_mode_cookie_shares_the_normal_entry():
    assert state(visitor().get("/ru/about/")) == "MISS"
    response = visitor("scheme:pink.font:9").get("/ru/about/")
    assert (state(response), html_class(response)) == ("HIT", [])


def test_languages_have_their_own_entries(client):
    russian = client.get("/ru/about/")
    english = client.get("/en/about/")
    assert (state(russian), state(english)) == ("MISS", "MISS")
    assert english.headers["Content-Language"] == "en"
    hit = client.get("/en/about/")
    assert (state(hit), hit.headers["Content-Language"], hit.content) == ("HIT", "en", english.content)
    assert client.get("/ru/about/").content == russian.content


def test_unprefixed_addresses_are_keyed_by_the_browsers_language():
    english = visitor(**{"accept-language": "en"}).get("/sitemap.xml")
    russian = visitor(**{"accept-language": "ru"}).get("/sitemap.xml")
    assert (state(english), state(russian)) == ("MISS", "MISS")
    assert (english.headers["Content-Language"], russian.headers["Content-Language"]) == ("en", "ru")
    assert state(visitor(**{"accept-language": "en"}).get("/sitemap.xml")) == "HIT"


@pytest.mark.parametrize("first", ["en", "ru"])
def test_the_language_redirect_is_never_cached(first):
    second = "ru" if first == "en" else "en"
    visitor().get(f"/{first}/")  # the home pages themselves are cached
    for language in (first, second, first):
        response = visitor(**{"accept-language": language}).get("/")
        assert response.status_code == 302
        assert response.headers["Location"] == f"/{language}/"
        assert state(response) == "BYPASS"


def test_query_strings_are_part_of_the_key(client):
    resolution = DecisionKind.objects.get(slug="postanovlenie", locale__language_code="ru")
    DecisionPageFactory(
        parent=decision_registry(), title="О наградах города", kind=resolution
    ).save_revision().publish()
    everything = client.get("/ru/decisions/")
    resolutions = client.get("/ru/decisions/", {"kind": "postanovlenie"})
    assert (state(everything), state(resolutions)) == ("MISS", "MISS")
    assert "О наградах города" in resolutions.text
    assert "О вступлении" in everything.text and "О вступлении" not in resolutions.text
    hit = client.get("/ru/decisions/", {"kind": "postanovlenie"})
    assert state(hit) == "HIT"
    assert hit.content == resolutions.content
    assert state(client.get("/ru/decisions/", {"kind": "reshenie"})) == "MISS"


@pytest.mark.parametrize(
    "url",
    [
        "/ru/news/feed/",
        "/ru/decisions/export/csv/",
        "/ru/decisions/export/json/?year=2020",
        "/ru/search/",
    ],
)
def test_feeds_exports_and_the_search_page_are_cached_and_purged(client, url):
    first = client.get(url)
    hit = client.get(url)
    assert (state(first), state(hit), hit.content) == ("MISS", "HIT", first.content)
    assert hit.headers["Content-Type"] == first.headers["Content-Type"]
    assert hit.headers.get("Content-Disposition") == first.headers.get("Content-Disposition")
    new_info_page()
    assert state(client.get(url)) == "MISS"


# Query strings: only the parameters a page uses make entries


def test_parameters_a_page_does_not_use_share_the_entry_without_them(client):
    first = client.get("/ru/about/?utm_source=vk&utm_x=1")
    assert (state(first), first.status_code) == ("MISS", 200)
    # Rendered with the parameters (its visual mode form links back to them): not stored.
    assert "utm_x=1" in first.text
    second = client.get("/ru/about/?utm_x=2")
    assert state(second) == "MISS"
    assert "utm_x" not in second.text, "rendered without the parameter the page does not use"
    for url in ("/ru/about/", "/ru/about/?utm_x=3", "/ru/about/?n=4&fbclid=abc"):
        hit = client.get(url)
        assert (state(hit), hit.content) == ("HIT", second.content), url


def test_a_page_that_uses_a_parameter_keeps_an_entry_per_value(client):
    for n in range(14):  # two pages of news
        NewsPageFactory(parent=news_index(), title=f"Новость для страниц {n:02d}")
    first = client.get("/ru/news/")
    second = client.get("/ru/news/?page=2")
    assert (state(first), state(second)) == ("MISS", "MISS")
    assert second.content != first.content
    again = client.get("/ru/news/?utm_x=7&page=2")
    assert (state(again), again.content) == ("HIT", second.content)
    assert state(client.get("/ru/news/?page=1")) == "MISS"
    assert state(client.get("/ru/news/?page=1")) == "HIT"
    culture = client.get("/ru/news/?rubric=kultura&page=1")
    assert state(culture) == "MISS"
    assert culture.content != client.get("/ru/news/?page=1").content
    reordered = client.get("/ru/news/?page=1&x=2&rubric=kultura")
    assert (state(reordered), reordered.content) == ("HIT", culture.content), "in any order"


@pytest.fixture
def redis_cache(redis_url, settings):
    """The default cache in a Redis of its own key prefix, to count what the page cache stores."""
    import redis

    prefix = f"test-pages-{uuid.uuid4().hex}"
    settings.CACHES = {
        "default": {"BACKEND": "site_glazov.cache.RedisCache", "LOCATION": redis_url, "KEY_PREFIX": prefix}
    }
    page_cache.local_pages.clear()
    client = redis.Redis.from_url(redis_url)

    def keys():
        return sorted(client.scan_iter(match=f"{prefix}:*"))

    yield keys
    for key in keys():
        client.delete(key)
    page_cache.local_pages.clear()


def test_a_flood_of_query_strings_leaves_a_bounded_number_of_entries(client, redis_cache):
    for n in range(300):
        response = client.get(f"/robots.txt?n={n}")
        assert response.status_code == 200 and "Sitemap:" in response.text
        assert client.get(f"/ru/about/?utm_x={n}").status_code == 200
        assert client.get("/ru/search/", {"q": f"вода {n}"}).status_code == 200
    pages = [key for key in redis_cache() if b":glazov:pages:" in key]
    # The generation; per address, its parameters record and the entry without the parameters;
    # the search page's record (results are never stored).
    assert len(pages) <= 6, pages
    # Besides them, a fixed few: markers, the menus, Wagtail's site paths, the restricted paths…
    assert len(redis_cache()) <= 13, "nor any other cache entry per request"
    assert state(client.get("/robots.txt")) == "HIT"
    assert state(client.get("/ru/about/")) == "HIT"


def test_not_found_pages_are_not_cached(client):
    for _ in range(2):
        response = client.get("/ru/no-such-page/")
        assert (response.status_code, state(response)) == (404, "BYPASS")


def test_a_response_that_sets_a_cookie_is_not_stored(client):
    client.post("/visual-mode/", {"font": "2", "next": "/ru/about/"})
    assert state(client.post("/visual-mode/", {"font": "2"})) == "BYPASS"
    response = client.get("/ru/about/")
    assert (state(response), "vm-font-2" in html_class(response)) == ("MISS", True)


def test_response_rules():
    from django.http import HttpResponse, StreamingHttpResponse

    def response(**headers):
        result = HttpResponse("page", headers={"Content-Language": "ru", **headers})
        return result

    assert page_cache.response_is_cacheable(response(Vary="Cookie, Accept-Language"), "ru")
    assert not page_cache.response_is_cacheable(response(), "en")
    assert not page_cache.response_is_cacheable(response(Vary="User-Agent"), "ru")
    assert not page_cache.response_is_cacheable(response(Vary="*"), "ru")
    for value in ("private", "no-cache", "no-store, max-age=0", "max-age=0, Private"):
        assert not page_cache.response_is_cacheable(response(**{"Cache-Control": value}), "ru"), value
    with_cookie = response()
    with_cookie.set_cookie("x", "1")
    assert not page_cache.response_is_cacheable(with_cookie, "ru")
    assert not page_cache.response_is_cacheable(StreamingHttpResponse(iter([b"x"])), "ru")
    redirect = response()
    redirect.status_code = 301
    assert not page_cache.response_is_cacheable(redirect, "ru")
    assert page_cache.response_is_cacheable(
        response(**{"Content-Security-Policy": "script-src 'self'"}), "ru"
    )
    for header in ("Content-Security-Policy", "Content-Security-Policy-Report-Only"):
        with_nonce = response(**{header: "script-src 'self' 'nonce-Zm9vYmFy'"})
        assert not page_cache.response_is_cacheable(with_nonce, "ru"), header


def test_a_page_whose_policy_carries_a_nonce_is_never_stored(client, monkeypatch, settings):
    """A nonce must stay unguessable: a stored one would be handed to every later visitor.

    Public pages have no nonce today; this is a public template that would start using one.
    """
    from csp.constants import NONCE

    directives = settings.CONTENT_SECURITY_POLICY["DIRECTIVES"]
    settings.CONTENT_SECURITY_POLICY = {
        "DIRECTIVES": {**directives, "script-src": [*directives["script-src"], NONCE]}
    }
    original = InfoPage.serve

    def serve_using_the_nonce(self, request, *args, **kwargs):
        str(request.csp_nonce)  # what a template's {{ request.csp_nonce }} does
        return original(self, request, *args, **kwargs)

    monkeypatch.setattr(InfoPage, "serve", serve_using_the_nonce)
    first, second = client.get("/ru/about/"), client.get("/ru/about/")
    assert "'nonce-" in first.headers["Content-Security-Policy"]
    assert (state(first), state(second)) == ("BYPASS", "BYPASS")
    assert first.headers["Content-Security-Policy"] != second.headers["Content-Security-Policy"]


def test_static_files_and_media_skip_the_cache_without_a_lookup(client, monkeypatch):
    from django.core.cache import cache

    lookups = []
    monkeypatch.setattr(cache, "get_many", lambda keys: lookups.append(keys) or {})
    response = client.get("/static/css/portal.css")
    assert response.status_code == 200
    assert response.headers["X-Cache"] == "BYPASS"
    assert lookups == []
    # The "not found" page of a missing media file shows the menu (its own small cache), never
    # an entry of the page cache.
    client.get("/media/original_images/missing.jpg")
    assert not [key for keys in lookups for key in keys if key.startswith(page_cache.ENTRY_KEY_PREFIX)]


def test_a_get_with_a_body_is_left_to_the_body_limit(client, settings):
    warm(client, "/ru/about/")
    too_large = client.get("/ru/about/", CONTENT_LENGTH=str(settings.MAX_REQUEST_BODY_BYTES + 1))
    assert (too_large.status_code, state(too_large)) == (413, "BYPASS")


def test_a_hit_carries_the_security_headers_of_production(client, settings):
    """The cache answers before SecurityMiddleware: the headers come from the stored response."""
    settings.SECURE_HSTS_SECONDS = 31_536_000
    miss, hit = client.get("/ru/about/", secure=True), client.get("/ru/about/", secure=True)
    assert (state(miss), state(hit)) == ("MISS", "HIT")
    assert hit.headers["Strict-Transport-Security"] == miss.headers["Strict-Transport-Security"]
    assert hit.headers["Strict-Transport-Security"].startswith("max-age=31536000")
    plain = client.get("/ru/about/")
    assert state(plain) == "MISS", "an http request never gets the https entry"
    assert "Strict-Transport-Security" not in plain.headers


# This worker's own memory of pages (LocalPages)


def count_shared_lookups(monkeypatch):
    from django.core.cache import cache

    lookups = []
    original = cache.get_many
    monkeypatch.setattr(cache, "get_many", lambda keys: lookups.append(keys) or original(keys))
    return lookups


def test_a_popular_page_is_served_from_the_workers_memory(client, monkeypatch):
    assert state(client.get("/ru/about/")) == "MISS"
    assert state(client.get("/ru/about/")) == "HIT", "from the shared cache, and now kept here"
    lookups = count_shared_lookups(monkeypatch)
    for _ in range(3):
        hit = client.get("/ru/about/")
        assert (state(hit), hit.status_code) == ("HIT", 200)
    assert lookups == [], "no round trip to the shared cache"


def test_with_zero_local_seconds_every_hit_asks_the_shared_cache(client, monkeypatch, settings):
    settings.PAGE_CACHE_LOCAL_SECONDS = 0
    resident = visitor()
    resident.get("/ru/about/")
    lookups = count_shared_lookups(monkeypatch)
    assert [state(resident.get("/ru/about/")) for _ in range(3)] == ["HIT"] * 3
    # Per hit: the entry with the markers every page has, then the page's own marker.
    assert len(lookups) == 6


def test_a_purge_in_another_worker_reaches_this_one_within_the_local_seconds(client, settings):
    """Another gunicorn worker's purge only changes a marker in the shared cache."""
    page = new_info_page("Отключение воды")
    assert [state(client.get("/ru/water/")) for _ in range(2)] == ["MISS", "HIT"]
    InfoPage.objects.filter(pk=page.pk).update(title="Вода будет с 1 июня")  # no signal in this process
    page_cache.cache.set(caching.marker_key(caching.ALL), time.time_ns(), None)

    now = time.monotonic()
    with mock.patch("home.caching.time.monotonic", return_value=now + settings.PAGE_CACHE_LOCAL_SECONDS / 2):
        assert state(client.get("/ru/water/")) == "HIT"
    with mock.patch("home.caching.time.monotonic", return_value=now + settings.PAGE_CACHE_LOCAL_SECONDS):
        after = client.get("/ru/water/")
    assert state(after) == "MISS"
    assert "Вода будет с 1 июня" in after.text


def test_the_workers_memory_is_bounded_and_drops_the_longest_unused_page(monkeypatch):
    pages = page_cache.LocalPages()
    size = 4000 + pages.entry_overhead  # a page of 4000 bytes with no headers
    monkeypatch.setattr(pages, "max_bytes", 4 * size)

    def entry(length, headers=()):
        return {"stored_at": time.time(), "content": b"x" * length, "headers": list(headers)}

    for name in "abcd":
        pages.put(name, entry(4000))
    assert pages.get("a", 300) is not None  # "a" is used again, so "b" is now the oldest
    pages.put("e", entry(4000))
    assert [name for name in "abcde" if pages.get(name, 300)] == ["a", "c", "d", "e"]
    assert pages._bytes == 4 * size
    pages.put("e", entry(3000, [("Content-Security-Policy", "x" * 1001)]))  # headers count too
    pages.put("huge", entry(4001))  # more than a quarter of the memory: never kept
    assert pages.get("huge", 300) is None
    pages.put("a", entry(4001))  # a copy too large to keep drops the older one
    assert pages.get("a", 300) is None
    monkeypatch.setattr(pages, "max_entries", 1)
    pages.put("f", entry(10))
    assert [name for name in "abcdef" if pages.get(name, 300)] == ["f"]


def test_a_slow_read_never_undoes_a_purge_made_meanwhile():
    markers = caching.Markers()
    read_at = time.monotonic()
    markers.forget([caching.SITE])  # a change in this process while that read was on its way
    page_cache.cache.set(caching.marker_key(caching.SITE), 2, None)
    found = markers.read([caching.SITE], 1, {caching.marker_key(caching.SITE): 1}, read_at)
    assert found == {caching.SITE: 1}  # what that read saw, used for that request only…
    assert markers.read([caching.SITE], 1) == {caching.SITE: 2}  # …never trusted afterwards


def test_a_page_in_the_workers_memory_ends_with_page_cache_seconds(settings):
    pages = page_cache.LocalPages()
    pages.put("old", {"stored_at": time.time() - 301, "content": b"x", "headers": []})
    pages.put("new", {"stored_at": time.time() - 299, "content": b"x", "headers": []})
    assert pages.get("old", 300) is None
    assert pages.get("new", 300) is not None


def test_the_purge_command_an_operator_runs_after_a_release(client):
    from io import StringIO

    from django.core.management import call_command

    warm(client, "/ru/about/")
    out = StringIO()
    call_command("purge_page_cache", stdout=out)
    assert "Кэш страниц сброшен" in out.getvalue()
    assert state(client.get("/ru/about/")) == "MISS"


def test_a_page_whose_rendering_first_reads_a_namespace_is_served_from_the_cache_next_time(client):
    # A page deep in the tree reads its language versions through caching.cached(), which creates
    # the marker of its own namespace on that first read: created as changed when the render
    # began, the entry stored at the end is fresh (it was created "now", and every page deeper
    # than the sections rendered twice before it could be served from the cache).
    page = InfoPageFactory(parent=page_by_slug("about"), slug="deep")
    page.save_revision().publish()
    cache.clear()
    caching.forget_local_copies()
    assert client.get("/ru/about/deep/").headers["X-Cache"] == "MISS"
    assert client.get("/ru/about/deep/").headers["X-Cache"] == "HIT"
