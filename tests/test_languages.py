"""Three languages from day one: URL prefixes, redirects, hreflang, the switcher, translated trees."""

import re

import pytest
from wagtail.models import Locale, Page
from wagtail_localize.synctree import create_aliases_for_new_page

from home.demo.translation import translate_with_po
from tests.factories import InfoPageFactory
from tests.helpers import home_page, page_by_slug, site_root_url

pytestmark = pytest.mark.django_db


def hreflangs(html):
    return dict(re.findall(r'<link rel="alternate" hreflang="([\w-]+)" href="([^"]+)"', html))


def switcher_links(html):
    nav = re.search(r'<nav class="lang-switcher".*?</nav>', html, re.S).group(0)
    return dict(re.findall(r'href="([^"]+)" hreflang="(\w+)"', nav))


@pytest.mark.parametrize(
    ("accept_language", "expected"),
    [("", "/ru/"), ("en-GB,en;q=0.9", "/en/"), ("udm", "/udm/"), ("de-DE,de", "/ru/")],
)
def test_root_redirects_by_accept_language(client, accept_language, expected):
    response = client.get("/", headers={"accept-language": accept_language} if accept_language else {})
    assert response.status_code == 302
    assert response.headers["Location"] == expected


def test_admin_is_outside_language_prefixes(client):
    assert client.get("/admin/login/").status_code == 200
    assert client.get("/ru/admin/login/").status_code == 404


def test_translated_page_links_its_translations_with_hreflang(client):
    html = client.get("/ru/about/").text
    root = site_root_url()
    assert hreflangs(html) == {
        "ru": f"{root}/ru/about/",
        "x-default": f"{root}/ru/about/",
        "en": f"{root}/en/about/",
    }


def test_untranslated_copy_has_no_hreflang_and_says_so(client):
    html = client.get("/udm/about/").text
    assert "udm" not in hreflangs(html)
    assert 'class="untranslated-notice"' in html
    assert 'href="/ru/about/"' in html
    assert f'<link rel="canonical" href="{site_root_url()}/ru/about/">' in html


def test_translated_page_has_no_untranslated_notice(client):
    html = client.get("/en/about/").text
    assert "untranslated-notice" not in html
    assert "About the city" in html


def test_switcher_leads_to_the_same_page_in_another_language(client):
    links = switcher_links(client.get("/ru/about/innovative-cities/").text)
    assert links == {"/en/about/innovative-cities/": "en", "/udm/about/innovative-cities/": "udm"}


def test_switcher_leads_to_the_home_page_when_there_is_no_version(client):
    page = InfoPageFactory(parent=home_page(), title="Только по-русски", slug="only-ru")
    page.save_revision().publish()
    links = switcher_links(client.get("/ru/only-ru/").text)
    assert links == {"/en/": "en", "/udm/": "udm"}


def test_switcher_follows_the_versions_of_a_page_as_they_come_and_go(client):
    page = InfoPageFactory(parent=page_by_slug("about"), title="Глубокая страница", slug="deep")
    page.save_revision().publish()
    assert switcher_links(client.get("/ru/about/deep/").text) == {"/en/": "en", "/udm/": "udm"}
    create_aliases_for_new_page(Page.objects.get(pk=page.pk))
    links = {"/en/about/deep/": "en", "/udm/about/deep/": "udm"}
    assert switcher_links(client.get("/ru/about/deep/").text) == links  # the copies, at once
    Page.objects.get(translation_key=page.translation_key, locale__language_code="udm").unpublish()
    links["/udm/"] = links.pop("/udm/about/deep/")
    assert switcher_links(client.get("/ru/about/deep/").text) == links


def test_switcher_outside_the_page_tree_keeps_the_path(client):
    links = switcher_links(client.get("/ru/search/", {"q": "Глазов"}).text)
    query = "q=%D0%93%D0%BB%D0%B0%D0%B7%D0%BE%D0%B2"
    assert links == {f"/en/search/?{query}": "en", f"/udm/search/?{query}": "udm"}


def test_interface_strings_in_udmurt_fall_back_to_russian(client):
    html = client.get("/udm/").text
    assert "Перейти к основному содержанию" in html
    assert "Skip to" not in html


def test_translated_subtree_children_stay_reachable(client, django_capture_on_commit_callbacks):
    """wagtail-localize #773: translating a parent and then its children must not lose them."""
    parent = InfoPageFactory(parent=home_page(), title="Жителям", slug="residents")
    parent.save_revision().publish()
    children = []
    for slug in ("transport", "schools", "clinics"):
        child = InfoPageFactory(parent=parent, title=f"Раздел {slug}", slug=slug)
        child.save_revision().publish()
        children.append(child)
    english = Locale.objects.get(language_code="en")
    with django_capture_on_commit_callbacks(execute=True):  # wagtail-localize publishes on commit
        for page in [parent, *children]:
            translate_with_po(page, english, {"Жителям": "For residents"})

    translated_parent = Page.objects.get(translation_key=parent.translation_key, locale=english)
    assert translated_parent.title == "For residents"
    assert translated_parent.numchild == 3
    assert translated_parent.get_children().count() == 3
    for slug in ("transport", "schools", "clinics"):
        assert client.get(f"/en/residents/{slug}/").status_code == 200


def test_demo_english_pages_are_real_translations():
    about = page_by_slug("about", "en")
    assert about.alias_of_id is None
    assert about.title == "About the city"
    assert page_by_slug("about", "udm").alias_of_id is not None
