"""Page addresses are Latin: Cyrillic titles and slugs are transliterated on save (passport rules)."""

import pytest
from django.test import override_settings
from wagtail.models import Page
from wagtail.test.utils.form_data import nested_form_data, streamfield

from home.slugs import latin_slugify, transliterate
from tests.factories import InfoPageFactory
from tests.feedback_helpers import staff_user
from tests.helpers import home_page


@pytest.mark.parametrize(
    ("text", "slug"),
    [
        ("В Глазове открылся новый сквер", "v-glazove-otkrylsia-novyi-skver"),
        ("Щёлкунчик и Хоровод: цирк, «Юбилей» — 2026", "shchelkunchik-i-khorovod-tsirk-iubilei-2026"),
        ("Объявление о подъезде", "obieiavlenie-o-podieezde"),
        ("Ӟечбур, Ӝыт, ӵуж, ӧвӧл, ӥ", "dzechbur-dzhyt-tchuzh-ovol-i"),
        ("City Duma news", "city-duma-news"),
    ],
)
def test_transliteration_follows_the_passport_rules(text, slug):
    assert latin_slugify(text) == slug


def test_every_letter_of_the_alphabets_becomes_latin():
    letters = "абвгдеёжзийклмнопрстуфхцчшщъыьэюяӝӟӥӧӵ"
    assert (transliterate(letters) + transliterate(letters.upper())).isascii()


pytestmark = pytest.mark.django_db


def add_info_page(client, parent, title, slug):
    data = nested_form_data(
        {"title": title, "slug": slug, "body": streamfield([]), "show_children": "on", "action-publish": "1"}
    )
    return client.post(f"/admin/pages/add/home/infopage/{parent.pk}/", data)


@pytest.fixture
def editor(client):
    client.force_login(staff_user("redaktor", "Редакторы"))
    return client


@pytest.mark.parametrize("typed_slug", ["", "в-глазове-открылся-сквер", "В Глазове открылся сквер"])
def test_a_new_page_gets_a_latin_address(editor, typed_slug):
    response = add_info_page(editor, home_page(), "В Глазове открылся сквер", typed_slug)
    assert response.status_code == 302, response.context["form"].errors if response.context else ""
    page = Page.objects.get(title="В Глазове открылся сквер", locale__language_code="ru")
    assert page.slug == "v-glazove-otkrylsia-skver"
    assert page.url == "/ru/v-glazove-otkrylsia-skver/"


def test_a_second_page_with_the_same_title_is_refused_with_a_clear_message(editor):
    add_info_page(editor, home_page(), "Сквер", "")
    response = add_info_page(editor, home_page(), "Сквер", "сквер")
    assert response.status_code == 200
    assert "skver" in str(response.context["form"].errors["slug"])
    assert response.context["form"]["title"].value() == "Сквер"  # what was typed is kept


def test_an_empty_address_is_made_of_the_title_and_numbered_when_taken(editor):
    add_info_page(editor, home_page(), "Сквер", "")
    add_info_page(editor, home_page(), "Сквер", "")
    slugs = Page.objects.filter(title="Сквер", locale__language_code="ru").values_list("slug", flat=True)
    assert sorted(slugs) == ["skver", "skver-2"]


def test_an_existing_cyrillic_address_is_kept(editor):
    with override_settings(WAGTAIL_ALLOW_UNICODE_SLUGS=True):
        page = home_page().add_child(
            instance=InfoPageFactory.build(title="Старая страница", slug="старая-страница")
        )
    data = nested_form_data(
        {
            "title": "Старая страница (исправлено)",
            "slug": page.slug,
            "body": streamfield([]),
            "action-publish": "1",
        }
    )
    response = editor.post(f"/admin/pages/{page.pk}/edit/", data)
    assert response.status_code == 302, response.context["form"].errors
    page.refresh_from_db()
    assert (page.title, page.slug) == ("Старая страница (исправлено)", "старая-страница")


def test_pages_made_in_code_get_latin_addresses_too():
    page = home_page().add_child(instance=InfoPageFactory.build(title="Жители Глазова", slug=""))
    assert page.slug == "zhiteli-glazova"
