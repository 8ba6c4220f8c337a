"""The menu, language homes and footer are cached per language and refreshed when they change."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.models import Page, PageViewRestriction
from wagtail_localize.synctree import create_aliases_for_new_page

from home.models import FooterContacts
from tests.factories import InfoPageFactory
from tests.helpers import home_page

pytestmark = pytest.mark.django_db


def menu_html(client, path="/ru/"):
    html = client.get(path).text
    return html.split('class="main-nav"')[1].split("</nav>")[0]


def test_published_section_joins_the_menu_and_leaves_it_when_unpublished(client):
    assert "Транспорт" not in menu_html(client)
    page = InfoPageFactory(parent=home_page(), title="Транспорт", slug="transport", show_in_menus=True)
    page.save_revision().publish()
    assert "Транспорт" in menu_html(client)
    page.unpublish()
    assert "Транспорт" not in menu_html(client)


def test_footer_change_shows_at_once(client):
    client.get("/ru/")
    contacts = FooterContacts.objects.get(locale__language_code="ru")
    contacts.phone = "+7 (34141) 5-55-55"
    contacts.save()
    assert "+7 (34141) 5-55-55" in client.get("/ru/contacts/").text


def test_second_page_view_reuses_the_cached_chrome(client):
    client.get("/ru/about/")
    with CaptureQueriesContext(connection) as first_other_page:
        client.get("/ru/contacts/")
    assert not any("home_footercontacts" in query["sql"] for query in first_other_page.captured_queries)


def test_a_private_section_leaves_the_menu_in_every_language_with_its_untranslated_copies(client):
    page = InfoPageFactory(
        parent=home_page(), title="Служебный раздел", slug="staff-only", show_in_menus=True
    )
    page.save_revision().publish()
    create_aliases_for_new_page(Page.objects.get(pk=page.pk))
    for path in ("/ru/", "/en/", "/udm/"):
        assert "Служебный раздел" in menu_html(client, path), path  # the copies are in the menus
    PageViewRestriction.objects.create(page=page, restriction_type="login")
    for path in ("/ru/", "/en/", "/udm/"):
        assert "Служебный раздел" not in menu_html(client, path), path


def test_the_menu_lists_only_what_is_chosen_for_it_in_tree_order(client):
    for slug, title, in_menu in (("zz-last", "Последний", True), ("aa-hidden", "Скрытый", False)):
        InfoPageFactory(
            parent=home_page(), title=title, slug=slug, show_in_menus=in_menu
        ).save_revision().publish()
    menu = menu_html(client)
    assert "Последний" in menu
    assert "Скрытый" not in menu
    titles = re.findall(r"<a [^>]*>\s*([^<]+?)\s*</a>", menu)
    assert titles[-1] == "Последний", titles  # created last, so last in the tree
