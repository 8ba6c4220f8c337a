"""An untranslated copy is never more public than its source, in every state and every language.

wagtail-localize gives each new Russian page an untranslated copy (a Wagtail alias) in English
and Udmurt. Wagtail publishes aliases whenever their source's revision is published, even when
that publication is only scheduled (wagtail/wagtail#11344), and lists an alias of a private page
as public. Each state is made as the admin makes it; each copy is then looked for everywhere a
visitor could find it: its own address, the listings, the home page, the feeds, the sitemap,
search and the registry's exports.
"""

import datetime
import re

import pytest
from django.core.management import call_command
from django.test import TestCase
from django.utils import timezone
from wagtail.models import Locale, Page, PageViewRestriction
from wagtail_localize.synctree import create_aliases_for_new_page

from home.i18n import restricted_paths
from tests.factories import DecisionPageFactory, InfoPageFactory, NewsPageFactory
from tests.feedback_helpers import staff_user
from tests.helpers import EDITORS, decision_registry, home_page, news_index

pytestmark = pytest.mark.django_db

LANGUAGES = ("ru", "en", "udm")
TITLE = "Скрытая новость про мост"
STATES = ("draft", "scheduled", "expired", "unpublished", "private", "private parent")


def on_commit():
    return TestCase.captureOnCommitCallbacks(execute=True)


def created_as_in_the_admin(parent, page, publish=True):
    """Add a page under `parent`, give it its copies in the other languages, publish its revision."""
    page.live = False
    parent.add_child(instance=page)
    revision = page.save_revision()
    create_aliases_for_new_page(page)  # the admin's after_create_page hook
    if publish:
        revision.publish()
    return Page.objects.get(pk=page.pk).specific


def news_in_state(state):
    parent = news_index()
    if state == "private parent":
        parent = created_as_in_the_admin(
            home_page(), InfoPageFactory.build(title="Закрытый раздел", slug="closed"), publish=True
        )
    page = NewsPageFactory.build(title=TITLE, slug="hidden-bridge", lead="Лид про мост.")
    if state == "scheduled":
        page.go_live_at = timezone.now() + datetime.timedelta(days=1)
    page = created_as_in_the_admin(parent, page, publish=state != "draft")
    if state == "expired":
        page.expire_at = timezone.now() - datetime.timedelta(minutes=1)
        page.save()
        call_command("publish_scheduled")
    elif state == "unpublished":
        page.unpublish()
    elif state == "private":
        PageViewRestriction.objects.create(page=page, restriction_type="password", password="секрет")
    elif state == "private parent":
        PageViewRestriction.objects.create(page=parent, restriction_type="login")
    return Page.objects.get(pk=page.pk)


def copies(page):
    return {
        copy.locale.language_code: copy for copy in Page.objects.filter(translation_key=page.translation_key)
    }


def test_every_copy_of_a_page_in_a_private_section_finds_its_restriction_in_one_query(
    django_assert_num_queries,
):
    with on_commit():
        source = news_in_state("private parent")
    restriction = PageViewRestriction.objects.get(page=source.get_parent())
    assert restricted_paths() == [restriction.page.path]  # read once for the site, then cached
    for language, copy in copies(source).items():
        copy = copy.specific
        # One query however deep the page and whatever its copies point to (it was two and more).
        with django_assert_num_queries(1):
            found = list(copy.get_view_restrictions())
        assert found == [restriction], language


def test_with_no_restriction_on_the_site_finding_a_pages_restrictions_costs_no_query(
    django_assert_num_queries,
):
    with on_commit():
        source = news_in_state("draft")
    assert restricted_paths() == []
    for language, copy in copies(source).items():
        copy = copy.specific
        with django_assert_num_queries(0):
            assert list(copy.get_view_restrictions()) == [], language


@pytest.mark.parametrize("state", STATES)
def test_the_copies_of_a_hidden_news_item_are_hidden_too(client, state):
    with on_commit():
        source = news_in_state(state)
    by_language = copies(source)
    assert set(by_language) == set(LANGUAGES)  # the copies exist: the test looks for something real
    for language, copy in by_language.items():
        copy_url = f"/{language}{copy.url_path[len(home_page(language).url_path) - 1 :]}"
        response = client.get(copy_url)
        if state.startswith("private"):
            # Wagtail's own answer for a restricted page: the password form or the login page.
            assert response.status_code in (200, 302), (language, copy_url)
            assert "Лид про мост" not in response.text, (language, copy_url)
        else:
            assert response.status_code == 404, (language, copy_url, copy.live)
        for url in (f"/{language}/", f"/{language}/news/", f"/{language}/news/feed/", "/sitemap.xml"):
            text = client.get(url).text
            assert TITLE not in text, (language, url)
            assert "hidden-bridge" not in text, (language, url)


def test_a_scheduled_item_goes_live_in_every_language_at_its_time(client):
    with on_commit():
        source = news_in_state("scheduled")
    assert not any(copy.live for copy in copies(source).values())

    revision = source.latest_revision
    past = timezone.now() - datetime.timedelta(minutes=1)
    revision.approved_go_live_at = past
    revision.content["go_live_at"] = past.isoformat()
    revision.save()
    with on_commit():
        call_command("publish_scheduled")
    assert all(copy.live for copy in copies(source).values())
    for language in LANGUAGES:
        assert TITLE in client.get(f"/{language}/news/").text, language


def test_editing_a_live_item_with_a_later_schedule_keeps_every_copy_live(client):
    """A live page whose next revision is scheduled stays public as it was, in every language."""
    with on_commit():
        source = created_as_in_the_admin(
            news_index(), NewsPageFactory.build(title=TITLE, slug="hidden-bridge")
        )
        source.title = "Новый заголовок про мост"
        source.go_live_at = timezone.now() + datetime.timedelta(days=1)
        source.save_revision().publish()
    for language, copy in copies(source).items():
        assert copy.live, language
        assert TITLE in client.get(f"/{language}/news/").text, language


@pytest.mark.parametrize("state", ("scheduled", "private"))
def test_the_registry_and_its_exports_leave_out_hidden_acts_in_every_language(client, state):
    page = DecisionPageFactory.build(title="О закрытом мосте", slug="closed-bridge", number="№ 999-з")
    if state == "scheduled":
        page.go_live_at = timezone.now() + datetime.timedelta(days=1)
    with on_commit():
        page = created_as_in_the_admin(decision_registry(), page, publish=True)
    if state == "private":
        PageViewRestriction.objects.create(page=page, restriction_type="login")
    for language in LANGUAGES:
        for suffix in ("", "export/csv/", "export/json/"):
            text = client.get(f"/{language}/decisions/{suffix}").text
            assert "999-з" not in text, (language, suffix)


# Deleting and moving ---------------------------------------------------------------------------


def translated_into_english(page):
    """Give the Russian page a translation of its own in English (in place of its copy)."""
    english = page.get_translation(Locale.objects.get(language_code="en"))
    english.alias_of = None
    english.title = "Bridge news"
    english.save_revision().publish()
    return english


def test_deleting_a_russian_page_deletes_its_copies_and_says_so_of_its_translations(client):
    editor = staff_user("copy-editor", EDITORS)
    with on_commit():
        source = created_as_in_the_admin(
            news_index(), NewsPageFactory.build(title=TITLE, slug="hidden-bridge")
        )
        translated_into_english(source)
    client.force_login(editor)
    confirmation = client.get(f"/admin/pages/{source.pk}/delete/")
    assert confirmation.status_code == 200
    # Wagtail's own confirmation names the translation that goes with the page (the copy follows).
    assert re.search(r"будет удалён\s+1\s+её\s+перевод", confirmation.text), confirmation.text

    response = client.post(f"/admin/pages/{source.pk}/delete/")
    assert response.status_code == 302
    assert not Page.objects.filter(translation_key=source.translation_key).exists()
    for language in LANGUAGES:
        assert client.get(f"/{language}/news/hidden-bridge/").status_code == 404


def test_deleting_a_translation_leaves_the_source_and_the_other_copies(client):
    client.force_login(staff_user("copy-editor", EDITORS))
    with on_commit():
        source = created_as_in_the_admin(
            news_index(), NewsPageFactory.build(title=TITLE, slug="hidden-bridge")
        )
        english = translated_into_english(source)
    assert client.post(f"/admin/pages/{english.pk}/delete/").status_code == 302
    assert set(copies(source)) == {"ru", "udm"}


def test_moving_a_russian_page_moves_its_copies(client):
    client.force_login(staff_user("copy-editor", EDITORS))
    with on_commit():
        first, second = (
            created_as_in_the_admin(home_page(), InfoPageFactory.build(title=f"Раздел {n}", slug=f"s{n}"))
            for n in (1, 2)
        )
        page = created_as_in_the_admin(first, InfoPageFactory.build(title="Подраздел", slug="sub"))
    response = client.post(f"/admin/pages/{page.pk}/move/{second.pk}/confirm/")
    assert response.status_code == 302
    for language, copy in copies(page).items():
        assert copy.get_parent().translation_key == second.translation_key, language
        assert client.get(f"/{language}/s2/sub/").status_code == 200, language
