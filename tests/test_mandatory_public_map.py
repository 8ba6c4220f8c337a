"""The public map of mandatory information: every item of the law, the public pages that publish it."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from wagtail.models import PageViewRestriction

from compliance.models import MandatoryInformationPage, RequiredItem, RequiredItemPage
from tests.factories import InfoPageFactory
from tests.helpers import home_page, page_by_slug

pytestmark = pytest.mark.django_db

MAP = "/{}/about/mandatory-information/"


def map_html(client, language="ru"):
    response = client.get(MAP.format(language))
    assert response.status_code == 200
    return response


def item_entry(html, title):
    """The <dt>…</dt><dd>…</dd> of one item."""
    match = re.search(rf"<dt[^>]*>{re.escape(title)} .*?</dd>", html, re.S)
    assert match, title
    return match.group(0)


def test_the_map_is_a_page_of_the_demo_site_in_every_language(client):
    assert MandatoryInformationPage.objects.filter(locale__language_code="ru", live=True).count() == 1
    for language in ("ru", "en", "udm"):
        map_html(client, language)


def test_each_item_names_its_legal_basis_and_links_the_pages_that_publish_it(client):
    html = map_html(client).text
    contacts = item_entry(html, RequiredItem.objects.get(code="13.1.1.а").title)
    assert 'href="/ru/contacts/"' in contacts  # linked by the demo content
    assert "ч. 1 ст. 13, п. 1" in contacts
    missing = item_entry(html, RequiredItem.objects.get(code="13.1.8.б").title)
    assert "Пока не размещено на портале." in missing
    assert "<h2" in html and "Общая информация (п. 1)" in html


def test_in_english_the_sections_are_english_and_the_russian_records_say_so(client):
    html = map_html(client, "en").text
    assert "General information (item 1)" in html
    contacts = item_entry(html, RequiredItem.objects.get(code="13.1.1.а").title)
    assert contacts.startswith('<dt lang="ru">')
    # The page's English version where there is one («О городе» is translated in the demo).
    about = item_entry(html, RequiredItem.objects.get(code="13.1.1.б").title)
    assert 'href="/en/about/"' in about


def test_only_pages_anyone_may_open_are_linked(client):
    draft = home_page().add_child(
        instance=InfoPageFactory.build(title="Черновик вакансий", slug="draft-jobs")
    )
    draft.unpublish()
    private = InfoPageFactory(parent=home_page(), title="Закрытые вакансии", slug="closed-jobs")
    private.save_revision().publish()
    PageViewRestriction.objects.create(page=private, restriction_type="login")
    item = RequiredItem.objects.get(code="13.1.8.б")
    for page in (draft, private):
        RequiredItemPage.objects.create(item=item, page=page)
    entry = item_entry(map_html(client).text, item.title)
    assert (
        "вакансий" not in entry.split("</dt>")[1] and "draft-jobs" not in entry and "closed-jobs" not in entry
    )
    assert "Пока не размещено на портале." in entry


def test_an_item_that_does_not_apply_gives_its_reason_and_nobody_who_keeps_it_is_named(client):
    keeper = get_user_model().objects.create_user("keeper", first_name="Хранитель", last_name="Реестров")
    item = RequiredItem.objects.get(code="13.1.4")
    item.not_applicable = True
    item.not_applicable_reason = "В городе нет подведомственных организаций этого профиля."
    item.responsible_user = keeper
    item.save()
    html = map_html(client).text
    assert "Не относится к городу:" in item_entry(html, item.title)
    assert "В городе нет подведомственных организаций этого профиля." in html
    assert "Хранитель" not in html and "Реестров" not in html and "keeper" not in html


def test_a_page_linked_in_the_registry_shows_on_the_cached_map_at_once(client):
    map_html(client)
    assert map_html(client).headers["X-Cache"] == "HIT"
    # An existing page linked to an item: no page is published, only the registry changes.
    RequiredItemPage.objects.create(
        item=RequiredItem.objects.get(code="13.1.8.б"), page=page_by_slug("about")
    )
    entry = item_entry(map_html(client).text, RequiredItem.objects.get(code="13.1.8.б").title)
    assert 'href="/ru/about/"' in entry


def test_the_map_costs_the_same_queries_with_more_linked_pages(client):
    client.get(MAP.format("ru"))  # the chrome and small caches are warm

    def queries():
        with CaptureQueriesContext(connection) as captured:
            map_html(client)
        return len(captured.captured_queries)

    with override_settings(PAGE_CACHE_SECONDS=0):
        before = queries()
        for number in range(5):
            page = InfoPageFactory(parent=home_page(), title=f"Страница {number}", slug=f"p-{number}")
            page.save_revision().publish()
            RequiredItemPage.objects.create(item=RequiredItem.objects.get(code="13.1.9.а"), page=page)
        client.get(MAP.format("ru"))
        assert queries() == before
