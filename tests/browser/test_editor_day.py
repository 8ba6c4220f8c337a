"""An editor's day in Chromium, following docs/editors.md and docs/news-and-decisions.md.

The editor approves a news item an author sent, schedules another for tomorrow, publishes a
decision that repeals an older act (chosen by its number), and changes the administration's
phone in the footer contacts. The public site is checked in all three languages. The clicks are
printed (run with -s).
"""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect
from wagtail.models import Locale, Page

from home.models import FooterContacts
from news.models import DecisionStatus
from tests.browser.staff_day import Clicks, log_in, russian_staff
from tests.factories import DecisionPageFactory, NewsPageFactory
from tests.feedback_helpers import staff_user
from tests.helpers import AUTHORS, EDITORS, decision_registry, news_index

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("site_db")]

SENT = "Открыт приём заявок на новогоднюю ярмарку"
LATER = "Ёлка на Театральной площади зажжётся 25 декабря"
NEW_PHONE = "+7 (34141) 5-55-55"
LANGUAGES = ("ru", "en", "udm")


def with_copies(page):
    for language in ("en", "udm"):
        page.copy_for_translation(Locale.objects.get(language_code=language), copy_parents=True, alias=True)
    return page


@pytest.fixture
def day(site_db):
    editor = russian_staff("day-editor", EDITORS, "Ирина", "Кропотина")
    author = staff_user("day-editor-author", AUTHORS)
    sent = NewsPageFactory(
        parent=news_index(), title=SENT, slug="yarmarka", lead="Заявки принимают до 20 декабря."
    )
    sent.save_revision(user=author)
    sent.get_workflow().start(sent, author)
    with_copies(sent)
    later = NewsPageFactory(parent=news_index(), title=LATER, slug="elka", lead="Праздник начнётся в 17:00.")
    later.save_revision()
    with_copies(later)
    old = DecisionPageFactory(
        parent=decision_registry(),
        title="О праздничной торговле",
        number="№ 8801",
        status=DecisionStatus.IN_FORCE,
    )
    old.save_revision().publish()
    with_copies(old)
    new = DecisionPageFactory(
        parent=decision_registry(),
        title="Об отмене решения о праздничной торговле",
        number="№ 8802",
        live=False,
    )
    new.save_revision()
    contacts = FooterContacts.objects.get(locale__language_code="ru")
    old_phone = contacts.phone
    yield editor, sent, later, old, new
    FooterContacts.objects.filter(translation_key=contacts.translation_key).update(phone=old_phone)
    for page in (sent, later, new, old):
        Page.objects.filter(translation_key=page.translation_key).exclude(pk=page.pk).delete()
        Page.objects.filter(pk=page.pk).delete()
    editor.delete()
    author.delete()


def actions_menu(admin):
    """The ▲ next to «Сохранить черновик» at the bottom of the editor."""
    return admin.locator("footer [data-w-dropdown-target=toggle]").first.click


def test_an_editor_approves_schedules_repeals_and_changes_the_phone(browser, site_server, day, output_path):
    editor, sent, later, old, new = day  # noqa: RUF059
    url = site_server.url
    clicks = Clicks()
    admin = log_in(browser, site_server, editor, clicks)
    admin.set_default_timeout(8000)

    # The author's item: the dashboard's «В ожидании вашего отзыва» → ▲ → «Одобрить и Опубликовать».
    review = admin.locator("section", has_text="В ожидании вашего отзыва")
    clicks("dashboard: the item to review", review.get_by_role("link", name=SENT).first.click)
    clicks("▲", actions_menu(admin))
    clicks(
        "«Одобрить и Опубликовать»",
        admin.get_by_role("button", name="Одобрить и Опубликовать", exact=True).click,
    )
    expect(admin.locator(".messages")).to_contain_text(SENT)

    # Another item for tomorrow: «Статус» → «Установить расписание» → … → «Запланировать публикацию».
    tomorrow = timezone.localtime() + datetime.timedelta(days=1)
    admin.goto(
        f"{url}/admin/pages/{later.pk}/edit/"
    )  # as from the news list; the explorer way is the author's
    clicks("ⓘ «Статус»", admin.get_by_role("button", name="Статус").first.click)
    clicks("«Установить расписание»", admin.get_by_role("button", name="Установить расписание").click)
    clicks(
        "«Дата/время публикации»",
        admin.locator("[name=go_live_at]").fill,
        tomorrow.strftime("%Y-%m-%d %H:%M"),
    )
    admin.locator("[name=go_live_at]").press("Tab")
    clicks("«Сохранить расписание»", admin.get_by_role("button", name="Сохранить расписание").press, "Enter")
    clicks("▲", actions_menu(admin))
    clicks("«Запланировать публикацию»", admin.get_by_role("button", name="Запланировать публикацию").click)
    expect(admin.locator(".messages")).to_contain_text(LATER)

    # The decision: «Новости и решения» → «Решения Думы» → the act → «Признаёт утратившими силу».
    clicks("menu «Новости и решения»", admin.get_by_role("button", name="Новости и решения").click)
    clicks("«Решения Думы»", admin.get_by_role("link", name="Решения Думы").click)
    clicks("the new act", admin.get_by_role("link", name=new.title).first.click)
    field = admin.locator("[data-source-links]", has=admin.locator("#id_repeals"))
    clicks("«Добавить решение»", field.get_by_role("button", name="Добавить решение").click)
    modal = admin.locator(".modal-dialog")
    clicks("«Поиск»: the number", modal.locator("#id_q").fill, "8801")
    expect(modal.locator("tbody tr")).to_have_count(1)
    clicks("tick the act", modal.locator("tbody tr input[name=id]").check)
    clicks("«Подтверждение выбора»", modal.locator("[data-multiple-choice-submit]").click)
    expect(field).to_contain_text("№ 8801")
    clicks("▲", actions_menu(admin))
    clicks("«Опубликовать»", admin.get_by_role("button", name="Опубликовать", exact=True).click)
    expect(admin.locator(".messages")).to_contain_text(new.title)

    # The footer: «Контакты в подвале» → the Russian record → «Телефон» → save.
    clicks("menu «Контакты в подвале»", admin.get_by_role("link", name="Контакты в подвале").click)
    clicks("the Russian record", admin.locator("tr", has_text="Русский").get_by_role("link").first.click)
    clicks("«Телефон»", admin.locator("#id_phone").fill, NEW_PHONE)
    clicks("«Сохранить»", admin.locator("footer").get_by_role("button", name="Сохранить").first.click)
    expect(admin.locator(".messages")).to_be_visible()
    admin.context.close()
    print(f"\nEditor, approve + schedule + repeal + phone: {clicks.report()}")

    reader = browser.new_page()
    for language in LANGUAGES:
        reader.goto(f"{url}/{language}/news/")
        expect(reader.get_by_text(SENT)).to_have_count(1)
        expect(reader.get_by_text(LATER)).to_have_count(0)
        assert reader.goto(f"{url}/{language}/news/elka/").status == 404, language
        reader.goto(f"{url}/{language}/decisions/{old.slug}/")
        expect(reader.locator("main")).to_contain_text("№ 8802")
        expect(reader.locator("footer")).to_contain_text(NEW_PHONE)
    reader.close()
    old.refresh_from_db()
    assert old.specific.status == DecisionStatus.LOST_FORCE
    later.refresh_from_db()
    assert not later.live and later.get_latest_revision().approved_go_live_at is not None
