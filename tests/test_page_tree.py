"""Editors can only build a sensible tree; every demo page renders in every language."""

import pytest
from django.conf import settings
from wagtail.models import Page
from wagtail.test.utils import WagtailPageTestCase

from compliance.models import MandatoryInformationPage
from home.models import HomePage, InfoPage
from tests.helpers import home_page


class PageTreeRulesTests(WagtailPageTestCase):
    def test_home_page_sits_at_the_root_and_holds_sections(self):
        self.assertAllowedParentPageTypes(HomePage, {Page})
        self.assertCanCreateAt(HomePage, InfoPage)
        self.assertCanNotCreateAt(InfoPage, HomePage)

    def test_info_pages_nest_only_info_pages_and_the_mandatory_information_map(self):
        self.assertAllowedSubpageTypes(InfoPage, {InfoPage, MandatoryInformationPage})
        self.assertAllowedParentPageTypes(InfoPage, {HomePage, InfoPage})

    def test_the_mandatory_information_map_is_a_leaf_under_the_home_page_or_a_section(self):
        self.assertAllowedSubpageTypes(MandatoryInformationPage, set())
        self.assertAllowedParentPageTypes(MandatoryInformationPage, {HomePage, InfoPage})
        self.assertEqual(MandatoryInformationPage.max_count_per_parent, 1)

    def test_only_one_home_page_per_language_tree(self):
        self.assertEqual(HomePage.max_count_per_parent, 1)

    def test_demo_pages_are_renderable(self):
        # Routing is checked over HTTP below: assertPageIsRoutable does not know i18n_patterns'
        # language prefix and fails for every page under /ru/.
        for page in InfoPage.objects.live():
            self.assertPageIsRenderable(page)

    def test_an_editor_can_create_an_info_page(self):
        self.login()
        self.assertCanCreate(
            home_page(),
            InfoPage,
            {
                "title": "Как получить справку",
                "slug": "spravka",
                "body-count": "0",
                "show_children": "on",
            },
        )


@pytest.mark.django_db
@pytest.mark.parametrize("language", [code for code, _ in settings.WAGTAIL_CONTENT_LANGUAGES])
@pytest.mark.parametrize("path", ["", "about/", "about/innovative-cities/", "contacts/", "privacy/"])
def test_every_demo_page_answers_in_every_language(client, language, path):
    response = client.get(f"/{language}/{path}")
    assert response.status_code == 200
    assert f'<html lang="{language}"' in response.text


@pytest.mark.django_db
def test_unknown_page_gets_the_russian_404(client):
    response = client.get("/ru/net-takoi-stranicy/")
    assert response.status_code == 404
    assert "Страница не найдена" in response.text


@pytest.mark.django_db
def test_server_error_page_is_russian_and_self_contained(rf, django_assert_num_queries):
    from home.views import server_error

    with django_assert_num_queries(0):  # the database may be what failed
        html = server_error(rf.get("/ru/news/")).content.decode()
    assert "Ошибка на сервере" in html
    assert '<html lang="ru">' in html
