"""The editor's and author's guides, followed in Chromium: every label they name is on its screen.

docs/editors.md writes each label an editor clicks or reads in **bold**; the start of
docs/news-and-decisions.md («Новости», its fields in bold and the scheduling steps in «quotes»)
too. Each such label is read from the guide and must either be listed in SCREENS, under the
screen the guide sends the editor to, or in NOT_LABELS (bold used for emphasis). A label the
guide names and the admin lacks fails the test; so does a new bold label no screen checks.
The key screens are saved to docs/img/, where the guides show them.
"""

import os
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import expect
from wagtail.models import Page

from news.models import NewsIndexPage
from tests.feedback_helpers import staff_user
from tests.helpers import AUTHORS, EDITORS, home_page, page_by_slug

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("site_db")]

DOCS = Path(settings.BASE_DIR) / "docs"
IMAGES = DOCS / "img"

# Screen → the labels the guides name on it (the guide's line is found by the label itself).
SCREENS = {
    "dashboard": ["Помощь", "Страницы", "Контакты в подвале"],
    "account": ["Аккаунт", "Язык", "Предпочтительный язык"],
    "explorer of the home page": ["Добавить дочернюю страницу", "Действия"],
    "explorer's «···» menu": ["Править"],
    "page types": ["Информационная страница"],
    "new information page": [
        "Содержимое",
        "Заголовок",
        "Содержание",
        "Показывать список вложенных страниц",
        "Предпросмотр",
        "Сохранить черновик",
    ],
    "new information page, «Продвижение» tab": [
        "Продвижение",
        "Слаг",
        "Показывать в меню",
        "Краткое описание для списков",
    ],
    "editor's actions under ▲": [
        "Опубликовать",
        'Отправить в "Согласование публикации"',
        "Отменить публикацию",
    ],
    "status panel": ["Статус", "Установить расписание"],
    "schedule dialog": ["Дата/время публикации", "Дата/время истечения", "Сохранить расписание"],
    "actions under ▲ once scheduled": ["Запланировать публикацию"],
    "dashboard with a page to review": ["В ожидании вашего отзыва"],
    "page under review, actions under ▲": [
        "Одобрить и Опубликовать",
        "Одобрить с комментарием и Опубликовать",
        "Запрос изменений",
    ],
    "home page editor": ["вступление", "«Решаем вместе»", "быстрые ссылки"],
    "news item editor": [
        "Заголовок",
        "Дата публикации",
        "Лид",
        "Главное изображение",
        "описание изображения (alt)",
    ],
}
# Bold in docs/editors.md that is emphasis, not a label on a screen.
NOT_LABELS = {
    "альтернативный текст",  # the image block's field, checked by tests/test_content_images.py
    "черновик",
    "запланированная",
    "снятая с публикации",
    "с ограниченным доступом",
    "Переводы",  # a column of the news and decisions listings (tests/test_admin_listings.py)
    "переведённая",
    "Удаление и перемещение.",
    "красная",
    "не",
    "Публикация по расписанию",  # a section of docs/editors.md, named by docs/news-and-decisions.md
}
# What each part of the guides names, read from the Markdown.
BOLD = re.compile(r"\*\*(.+?)\*\*")
QUOTED = re.compile(r"«([^«»]+(?:«[^«»]+»[^«»]*)?)»")


def editors_guide_labels():
    text = (DOCS / "editors.md").read_text(encoding="utf-8")
    return {" ".join(label.split()) for label in BOLD.findall(text)}


def news_guide_part(start, end):
    text = (DOCS / "news-and-decisions.md").read_text(encoding="utf-8")
    return text[text.index(start) : text.index(end)]


def news_guide_labels():
    fields = news_guide_part("Поля новости:", "- **Текст новости**")
    schedule = news_guide_part("### Отложенная публикация", "Публикацию по расписанию выполняет")
    return {" ".join(label.split()) for label in BOLD.findall(fields) + QUOTED.findall(schedule)}


def checked_labels():
    return {label for labels in SCREENS.values() for label in labels}


def test_every_label_the_guides_name_is_checked_on_a_screen():
    named = editors_guide_labels() | news_guide_labels()
    unchecked = named - checked_labels() - NOT_LABELS
    assert not unchecked, f"the guides name labels no screen is checked for: {sorted(unchecked)}"
    guides_text = (DOCS / "editors.md").read_text(encoding="utf-8") + (
        DOCS / "news-and-decisions.md"
    ).read_text(encoding="utf-8")
    stale = {label for label in checked_labels() if label not in guides_text}
    assert not stale, f"labels checked that no guide names any more: {sorted(stale)}"


def normalized(text):
    return re.sub(r"[«»\"*]", "", text).strip().casefold()


# The names a person reads on the visible controls, headings and field labels, read in one call.
SCREEN_NAMES = """() => Array.from(document.querySelectorAll(
    "button, a, label, h1, h2, h3, [role=tab], legend, th, [aria-label], input[type=submit]"
)).filter((element) => element.checkVisibility()).flatMap((element) => [
    element.innerText,
    element.getAttribute("aria-label"),
    element.getAttribute("data-w-tooltip-content-value"),
    element.type === "submit" ? element.value : null,
].filter(Boolean))"""


def shows(page, label):
    """The label is on the screen: as visible text, a control's name or a field's label."""
    wanted = re.compile(re.escape(normalized(label)).replace(r"\ ", r"\s+"), re.IGNORECASE)
    return any(wanted.search(normalized(name)) for name in page.evaluate(SCREEN_NAMES))


def check(page, screen):
    missing = [label for label in SCREENS[screen] if not shows(page, label)]
    assert not missing, f"«{screen}»: the guide names {missing}, the admin does not show them"


def session_for(browser, site_server, user):
    client = Client()
    client.force_login(user)
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="ru-RU")
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": site_server.url}])
    return context.new_page()


def open_actions_menu(page):
    """The ▲ next to «Сохранить черновик» at the bottom of the editor."""
    page.locator("footer [data-w-dropdown-target=toggle]").first.click()


def screenshot(page, name):
    """Refresh a guide's picture in docs/img/ when asked (GUIDE_SCREENSHOTS=1 make test): an
    ordinary run leaves the committed pictures alone and takes the screenshot to a temporary file."""
    if os.environ.get("GUIDE_SCREENSHOTS") == "1":
        IMAGES.mkdir(exist_ok=True)
        page.screenshot(path=str(IMAGES / name))
    else:
        page.screenshot()


@pytest.fixture
def people():
    users = staff_user("guide-author", AUTHORS), staff_user("guide-editor", EDITORS)
    yield users
    for user in users:
        user.delete()


def test_the_author_and_editor_find_every_label_where_the_guides_say(browser, site_server, people):
    author_user, editor_user = people
    url = site_server.url
    home = home_page()
    author = session_for(browser, site_server, author_user)
    editor = session_for(browser, site_server, editor_user)

    editor.goto(f"{url}/admin/")
    check(editor, "dashboard")
    editor.goto(f"{url}/admin/account/")
    check(editor, "account")

    # The author's way: a new information page under the home page, sent to the editor.
    author.goto(f"{url}/admin/pages/{home.pk}/")
    check(author, "explorer of the home page")
    author.locator("header").get_by_role("button", name="Действия", exact=True).click()
    check(author, "explorer's «···» menu")
    screenshot(author, "editor-explorer.png")
    author.goto(f"{url}/admin/pages/{home.pk}/add_subpage/")
    check(author, "page types")
    author.goto(f"{url}/admin/pages/add/home/infopage/{home.pk}/")
    check(author, "new information page")
    author.locator("#id_title").fill("Проверка по руководству")
    author.get_by_role("tab", name="Продвижение").click()
    check(author, "new information page, «Продвижение» tab")
    author.get_by_role("tab", name="Содержимое").click()
    open_actions_menu(author)
    screenshot(author, "editor-page-actions.png")
    author.get_by_role("button", name=re.compile("Отправить в")).click()
    author.wait_for_url(re.compile(r"/admin/pages/\d+/$"))
    submitted = Page.objects.get(title="Проверка по руководству", locale__language_code="ru")

    # The editor's way: review it from the dashboard, approve it.
    editor.goto(f"{url}/admin/")
    check(editor, "dashboard with a page to review")
    editor.get_by_role("link", name="Проверка по руководству").first.click()
    editor.wait_for_url(re.compile(rf"/admin/pages/{submitted.pk}/edit/"))
    open_actions_menu(editor)
    check(editor, "page under review, actions under ▲")
    screenshot(editor, "editor-review-actions.png")

    # Scheduling and unpublishing an existing page.
    about = page_by_slug("about")
    editor.goto(f"{url}/admin/pages/{about.pk}/edit/")
    open_actions_menu(editor)
    check(editor, "editor's actions under ▲")
    editor.keyboard.press("Escape")
    editor.get_by_role("button", name="Статус").first.click()
    expect(editor.get_by_role("button", name="Установить расписание")).to_be_visible()  # the panel slid in
    check(editor, "status panel")
    screenshot(editor, "editor-status-panel.png")
    editor.get_by_role("button", name="Установить расписание").click()
    check(editor, "schedule dialog")
    editor.locator("[name=go_live_at]").fill("2030-01-01 10:00")
    editor.locator("[name=go_live_at]").press("Tab")
    screenshot(editor, "editor-schedule-dialog.png")
    editor.get_by_role("button", name="Сохранить расписание").press("Enter")  # the date picker covers it
    open_actions_menu(editor)
    check(editor, "actions under ▲ once scheduled")
    expect(editor.get_by_role("button", name="Запланировать публикацию")).to_be_visible()

    editor.goto(f"{url}/admin/pages/{home.pk}/edit/")
    check(editor, "home page editor")
    news_index = NewsIndexPage.objects.get(slug="news", locale__language_code="ru")
    editor.goto(f"{url}/admin/pages/add/news/newspage/{news_index.pk}/")
    check(editor, "news item editor")


# docs/translators.md: screen → the labels it names there, as the translator sees them.
TRANSLATOR_SCREENS = {
    "translator's dashboard": ["Помощь", "Страницы", "Контакты в подвале"],
    "«Страницы» menu": ["Home", "Главная"],
    "untranslated copy": ["Перевести эту страницу"],
    "«Перевести страницу» form": ["Отправить"],
    "translation editor": [
        "Перевести",
        "Скачать PO-файл",
        "Загрузить PO-файл",
        "Предварительный просмотр",
        "Опубликовать на языке: English",
    ],
    "a fragment being translated": ["Сохранить"],
    "a fragment translated": ["Редактировать"],
    "footer contacts listing": ["Язык", "Дополнительные опции"],
    "«···» of the Russian record": ["Перевести", "Синхронизировать переведенные сниппеты"],
    "snippet translation editor": ["Опубликовать на языке: Удмурт"],
}
# Bold in docs/translators.md that is not a label on a translator's screen.
TRANSLATOR_NOT_LABELS = {
    "Отправить на проверку",  # the authors' button (templates/wagtail_localize/admin/edit_translation.html)
    "«Решаем вместе»",  # the lists of synchronised fields name content, not controls
    "категории проблем",
    "контакты в подвале",
    "главная страница",
    "решения Думы",
    "новости",
    "рубрики и виды актов",
    "фрагмент",
    "страницу",
}


def translators_guide_labels():
    text = (DOCS / "translators.md").read_text(encoding="utf-8")
    return {" ".join(label.split()) for label in BOLD.findall(text)}


def test_every_label_the_translators_guide_names_is_checked_on_a_screen():
    checked = {label for labels in TRANSLATOR_SCREENS.values() for label in labels}
    unchecked = translators_guide_labels() - checked - TRANSLATOR_NOT_LABELS
    assert not unchecked, f"docs/translators.md names labels no screen is checked for: {sorted(unchecked)}"
    stale = checked - translators_guide_labels()
    assert not stale, f"labels checked that docs/translators.md no longer names: {sorted(stale)}"


def check_translator(page, screen):
    missing = [label for label in TRANSLATOR_SCREENS[screen] if not shows(page, label)]
    assert not missing, f"«{screen}»: docs/translators.md names {missing}, the admin does not show them"


@pytest.fixture
def translator_and_page():
    from wagtail.models import Locale

    from home.models import FooterContacts
    from tests.factories import InfoPageFactory
    from tests.helpers import TRANSLATORS

    user = staff_user("guide-translator", TRANSLATORS)
    page = InfoPageFactory(
        parent=home_page(), title="Проверка руководства переводчика", slug="guide-translator"
    )
    page.save_revision().publish()
    copies = [
        page.copy_for_translation(Locale.objects.get(language_code=code), copy_parents=True, alias=True)
        for code in ("en", "udm")
    ]
    # «Синхронизировать» is offered once a translation exists: the English contacts are one.
    assert FooterContacts.objects.filter(locale__language_code="en").exists()
    yield user, copies[0]
    from wagtail_localize.models import Translation, TranslationSource

    udmurt = Locale.objects.get(language_code="udm")
    source = FooterContacts.objects.get(locale__language_code="ru")
    FooterContacts.objects.filter(locale=udmurt).delete()
    Translation.objects.filter(
        source__in=TranslationSource.objects.filter(object_id=source.translation_key), target_locale=udmurt
    ).delete()
    Page.objects.filter(translation_key=page.translation_key).exclude(pk=page.pk).delete()
    Page.objects.filter(pk=page.pk).delete()
    user.delete()


def test_the_translator_finds_every_label_where_the_guide_says(browser, site_server, translator_and_page):
    user, english_copy = translator_and_page
    url = site_server.url
    translator = session_for(browser, site_server, user)
    translator.set_default_timeout(8000)

    translator.goto(f"{url}/admin/")
    check_translator(translator, "translator's dashboard")
    translator.get_by_role("button", name="Страницы", exact=True).click()
    expect(translator.locator(".c-page-explorer__item").first).to_be_visible()
    check_translator(translator, "«Страницы» menu")
    translator.goto(f"{url}/admin/pages/{english_copy.pk}/edit/")
    check_translator(translator, "untranslated copy")
    translator.get_by_role("link", name="Перевести эту страницу").click()
    expect(translator.get_by_role("checkbox", name="English")).to_be_visible()
    check_translator(translator, "«Перевести страницу» form")
    translator.locator("form [type=submit]").last.click()
    expect(translator.get_by_role("button", name="Перевести").first).to_be_visible()
    check_translator(translator, "translation editor")
    segment = (
        translator.locator("li", has_text="Проверка руководства переводчика")
        .filter(has=translator.get_by_role("button"))
        .last
    )
    segment.get_by_role("button", name="Перевести").click()
    expect(segment.locator("textarea")).to_be_visible()
    check_translator(translator, "a fragment being translated")
    segment.locator("textarea").fill("Checking the translator's guide")
    segment.get_by_role("button", name="Сохранить").click()
    expect(segment.get_by_role("button", name="Редактировать")).to_be_visible()
    check_translator(translator, "a fragment translated")

    translator.goto(f"{url}/admin/snippets/home/footercontacts/")
    expect(translator.locator("tr", has_text="Русский")).to_be_visible()
    check_translator(translator, "footer contacts listing")
    russian_row = translator.locator("tr", has_text="Русский")
    russian_row.get_by_role("button", name="Дополнительные опции").click()
    expect(russian_row.get_by_role("link", name="Перевести")).to_be_visible()
    check_translator(translator, "«···» of the Russian record")
    russian_row.get_by_role("link", name="Перевести").click()
    expect(translator.get_by_role("checkbox", name="Удмурт")).to_be_visible()
    translator.get_by_role("checkbox", name="Удмурт").check()
    translator.locator("form [type=submit]").last.click()
    expect(translator.get_by_role("button", name="Перевести").first).to_be_visible()
    check_translator(translator, "snippet translation editor")
    translator.context.close()


# docs/moderators.md: screen → the labels it names there (moderator's screens, then the editor's).
MODERATOR_SCREENS = {
    "moderator's dashboard": ["Помощь", "Аккаунт"],
    "«Решаем вместе» menu": ["Решаем вместе → Сообщения жителей"],
    "inbox": ["«Поступило»", "«Срок ответа»", "Источник", "CSV", "XLSX"],
    "inbox filters": [
        "статус",
        "категория",
        "дата поступления",
        "просрочено",
        "опубликовано на сайте",
        "ответственный",
    ],
    "inbox with a report ticked": ["«Сменить статус»"],
    "a report": [
        "«Работа с сообщением»",
        "Статус",
        "Ответственный",
        "Комментарий к смене статуса",
        "Дубликат сообщения",
        "Категория",
        "Срок ответа",
        "Ответ жителю",
        "Служебная заметка",
        "Сохранить",
    ],
    "publishing a report": ["Текст для сайта", "Место для сайта", "Фото на сайте"],
    "e-mail queue": [
        "Отчёты → Очередь писем",
        "Ожидают отправки",
        "Не удалось отправить",
        "«Отправить ещё раз»",
        "Зависли",
        "Отправлены за последние сутки",
        "Другие задачи с ошибкой",
    ],
    "editor's form page": [
        "Страницы",
        "Содержимое",
        "Вступление",
        "Категории в форме",
        "Страница об официальных обращениях",
        "Согласие на обработку персональных данных (152-ФЗ)",
        "Текст благодарности",
        "Настройки",
    ],
    "editor's form page, «Настройки» tab": ["Срок ответа, дней", "Адреса для уведомлений"],
    "editor's «Решаем вместе» menu": ["Решаем вместе → Категории проблем"],
    "editor's new category": [
        "название",
        "пояснение",
        "почта ответственной службы",
        "принимать сообщения",
        "порядок",
    ],
}
# Bold in docs/moderators.md that is emphasis or an example, not a label.
MODERATOR_NOT_LABELS = {
    "ГЛЗ-2026-000123",  # an example number
    "главной странице панели",
    "новых",  # the dashboard panel's counts (tests/test_moderators_day.py)
    "просрочено",
    "«просрочено»",
    "просрочены",
    "в ближайшие 3 дня",
    "номеру",  # what the search finds (tests/test_feedback_inbox.py)
    "адресу",
    "тексту",
    "фото",
    "ответ жителям",  # a field of the «Сменить статус» form (tests/test_feedback_status_changes.py)
    "Когда житель получает письмо.",
    "Что в письмах жителю.",
    "Если меняете смысл текста — поменяйте версию",
    # Run-in headings of the sections on publishing reports and on what residents see.
    "Как опубликовать.",
    "Что видно на сайте:",
    "ответ жителю",
    "Изменить или снять с сайта.",
    "Похоже, об этом уже сообщили.",  # the public form (tests/test_similar_reports.py)
    "Статистика",  # the public statistics page (tests/test_report_statistics.py)
}


def moderators_guide_labels():
    text = (DOCS / "moderators.md").read_text(encoding="utf-8")
    return {" ".join(label.split()) for label in BOLD.findall(text)}


def test_every_label_the_moderators_guide_names_is_checked_on_a_screen():
    checked = {label for labels in MODERATOR_SCREENS.values() for label in labels}
    unchecked = moderators_guide_labels() - checked - MODERATOR_NOT_LABELS
    assert not unchecked, f"docs/moderators.md names labels no screen is checked for: {sorted(unchecked)}"
    stale = checked - moderators_guide_labels()
    assert not stale, f"labels checked that docs/moderators.md no longer names: {sorted(stale)}"


def check_moderators_guide(page, screen):
    labels = [label.split(" → ")[-1] for label in MODERATOR_SCREENS[screen]]
    missing = [label for label in labels if not shows(page, label)]
    assert not missing, f"«{screen}»: docs/moderators.md names {missing}, the admin does not show them"


@pytest.fixture
def moderator_and_editor():
    from tests.feedback_helpers import make_report
    from tests.helpers import REPORT_MODERATORS

    users = staff_user("guide-moderator", REPORT_MODERATORS), staff_user("guide-form-editor", EDITORS)
    report = make_report(description="Яма на дороге у дома 5, проверка руководства.", photos=1)
    # An e-mail the mail server refused: the queue shows it with its «Отправить ещё раз» button.
    failed = report.notifications.create(
        kind="confirmation",
        recipients="resident@example.org",
        subject="Проверка руководства",
        body="—",
        last_error="SMTPServerDisconnected",
        attempts=10,
    )
    yield users, report
    failed.delete()
    report.delete()
    for user in users:
        user.delete()


def test_the_moderator_finds_every_label_where_the_guide_says(browser, site_server, moderator_and_editor):
    from feedback.models import ProblemReport
    from tests.feedback_helpers import feedback_page

    (moderator_user, editor_user), report = moderator_and_editor
    url = site_server.url
    moderator = session_for(browser, site_server, moderator_user)
    moderator.set_default_timeout(8000)
    moderator.goto(f"{url}/admin/")
    check_moderators_guide(moderator, "moderator's dashboard")
    moderator.get_by_role("button", name="Решаем вместе").click()
    expect(moderator.get_by_role("link", name="Сообщения жителей", exact=True)).to_be_visible()
    check_moderators_guide(moderator, "«Решаем вместе» menu")
    moderator.get_by_role("link", name="Сообщения жителей", exact=True).click()
    expect(moderator.locator("tr", has_text=report.number)).to_be_visible()
    moderator.locator("header").get_by_role("button", name=re.compile("Действия|Ещё")).first.click()
    check_moderators_guide(moderator, "inbox")
    moderator.keyboard.press("Escape")
    moderator.get_by_role("button", name="Показать фильтры").click()
    check_moderators_guide(moderator, "inbox filters")
    moderator.locator("tr", has_text=report.number).locator("input[type=checkbox]").check()
    check_moderators_guide(moderator, "inbox with a report ticked")
    moderator.goto(f"{url}/admin/snippets/feedback/problemreport/edit/{report.pk}/")
    check_moderators_guide(moderator, "a report")
    moderator.goto(f"{url}/admin/feedback/reports/{report.pk}/publish/")
    check_moderators_guide(moderator, "publishing a report")
    moderator.goto(f"{url}/admin/feedback/email-queue/")
    check_moderators_guide(moderator, "e-mail queue")
    moderator.context.close()
    assert ProblemReport.objects.filter(pk=report.pk).exists()

    editor = session_for(browser, site_server, editor_user)
    editor.set_default_timeout(8000)
    editor.goto(f"{url}/admin/pages/{feedback_page().pk}/edit/")
    check_moderators_guide(editor, "editor's form page")
    editor.get_by_role("tab", name="Настройки").click()
    check_moderators_guide(editor, "editor's form page, «Настройки» tab")
    editor.get_by_role("button", name="Решаем вместе").click()
    expect(editor.get_by_role("link", name="Категории проблем", exact=True)).to_be_visible()
    check_moderators_guide(editor, "editor's «Решаем вместе» menu")
    editor.goto(f"{url}/admin/snippets/feedback/problemcategory/add/")
    check_moderators_guide(editor, "editor's new category")
    editor.context.close()
