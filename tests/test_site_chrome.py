"""The menu, language homes and footer are cached per language and refreshed when they change."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

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
