"""A translator's day in Chromium, following docs/translators.md and counting the clicks.

The translator translates a new Russian page into English and publishes it, then translates
the footer contacts (a snippet) into Udmurt and publishes them. The public site is checked in
all three languages: the translation where it was made, the Russian text elsewhere, and the
phone (synchronised, not translated) the same everywhere. The clicks are printed (run with -s).
"""

import pytest
from playwright.sync_api import expect
from wagtail.models import Locale, Page
from wagtail_localize.models import Translation, TranslationSource

from home.models import FooterContacts
from tests.browser.staff_day import Clicks, log_in, russian_staff
from tests.factories import InfoPageFactory
from tests.helpers import TRANSLATORS, home_page

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("site_db")]

TITLE = "Сквер на Первомайской улице"
TRANSLATED = "The square on Pervomaiskaya Street"
UDMURT_ORGANISATION = "«Глазкар» муниципал кылдытэтлэн администрациез"


@pytest.fixture
def translator():
    user = russian_staff("day-translator", TRANSLATORS, "Анна", "Лекомцева")
    yield user
    user.delete()


@pytest.fixture
def square():
    page = InfoPageFactory(parent=home_page(), title=TITLE, slug="skver-na-pervomaiskoi")
    page.save_revision().publish()
    for language in ("en", "udm"):  # the untranslated copies, as an editor's publishing makes them
        page.copy_for_translation(Locale.objects.get(language_code=language), copy_parents=True, alias=True)
    yield page
    Page.objects.filter(translation_key=page.translation_key).exclude(pk=page.pk).delete()
    Page.objects.filter(pk=page.pk).delete()


@pytest.fixture
def udmurt_contacts_removed_afterwards():
    yield
    udmurt = Locale.objects.get(language_code="udm")
    source = FooterContacts.objects.get(locale__language_code="ru")
    FooterContacts.objects.filter(locale=udmurt).delete()
    Translation.objects.filter(
        source__in=TranslationSource.objects.filter(object_id=source.translation_key), target_locale=udmurt
    ).delete()


def translate_segment(admin, clicks, source_text, translation):
    """«Перевести» next to the Russian fragment, the translation, «Сохранить»."""
    segment = admin.locator("li", has_text=source_text).filter(has=admin.get_by_role("button")).last
    clicks(
        f"«Перевести» next to «{source_text[:20]}…»", segment.get_by_role("button", name="Перевести").click
    )
    clicks("the translation", segment.locator("textarea").fill, translation)
    clicks("«Сохранить»", segment.get_by_role("button", name="Сохранить").click)
    expect(segment.get_by_role("button", name="Редактировать")).to_be_visible()


def test_a_translator_translates_a_page_and_the_footer_contacts(
    browser, site_server, translator, square, udmurt_contacts_removed_afterwards, output_path
):
    url = site_server.url
    clicks = Clicks()
    admin = log_in(browser, site_server, translator, clicks)
    admin.set_default_timeout(5000)

    # The page: «Страницы» → the English home → the untranslated copy → «Перевести эту страницу».
    clicks("menu «Страницы»", admin.get_by_role("button", name="Страницы", exact=True).click)
    clicks("«Home» (English)", admin.locator("nav").get_by_role("link", name="Home").first.click)
    clicks("the page in the list", admin.get_by_role("link", name=TITLE).first.click)
    clicks("«Перевести эту страницу»", admin.get_by_role("link", name="Перевести эту страницу").click)
    expect(admin.get_by_role("checkbox", name="English")).to_be_checked()
    clicks("«Отправить»", admin.get_by_role("button", name="Отправить").click)
    translate_segment(admin, clicks, TITLE, TRANSLATED)
    admin.screenshot(path=f"{output_path}/translator-editor.png", full_page=True)
    # The editor's action menu is named in Russian for screen readers too (its bundle says it in English).
    expect(admin.locator(".w-dropdown__toggle .w-sr-only", has_text="Больше действий").first).to_be_attached()
    expect(admin.locator(".w-sr-only", has_text="More actions")).to_have_count(0)
    clicks(
        "«Опубликовать на языке: English»",
        admin.get_by_role("button", name="Опубликовать на языке: English").click,
    )
    expect(admin.locator(".messages")).to_be_visible()

    # The snippet: «Контакты в подвале» → «···» of the Russian record → «Перевести» → Udmurt.
    clicks("menu «Контакты в подвале»", admin.get_by_role("link", name="Контакты в подвале").click)
    russian_row = admin.locator("tr", has_text="Русский")
    clicks(
        "«···» of the Russian record", russian_row.get_by_role("button", name="Дополнительные опции").click
    )
    clicks("«Перевести»", russian_row.get_by_role("link", name="Перевести").click)
    clicks("«Удмурт»", admin.get_by_role("checkbox", name="Удмурт").check)
    clicks("«Отправить»", admin.get_by_role("button", name="Отправить").click)
    organisation = FooterContacts.objects.get(locale__language_code="ru").organisation
    translate_segment(admin, clicks, organisation, UDMURT_ORGANISATION)
    clicks(
        "«Опубликовать на языке: Удмурт»",
        admin.get_by_role("button", name="Опубликовать на языке: Удмурт").click,
    )
    expect(admin.locator(".messages")).to_be_visible()
    admin.context.close()
    print(f"\nTranslator, a page and a snippet: {clicks.report()}")

    reader = browser.new_page()
    reader.goto(f"{url}/en/skver-na-pervomaiskoi/")
    expect(reader.locator("h1")).to_have_text(TRANSLATED)
    expect(reader.get_by_text("not been translated")).to_have_count(0)
    for language in ("ru", "udm"):
        reader.goto(f"{url}/{language}/skver-na-pervomaiskoi/")
        expect(reader.locator("h1")).to_have_text(TITLE)
    phone = FooterContacts.objects.get(locale__language_code="ru").phone
    reader.goto(f"{url}/udm/")
    expect(reader.locator("footer")).to_contain_text(UDMURT_ORGANISATION)
    for language in ("ru", "en", "udm"):
        reader.goto(f"{url}/{language}/")
        expect(reader.locator("footer")).to_contain_text(phone)
    reader.goto(f"{url}/ru/")
    expect(reader.locator("footer")).not_to_contain_text(UDMURT_ORGANISATION)
    reader.close()
