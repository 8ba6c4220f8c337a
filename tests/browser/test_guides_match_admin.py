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


def shows(page, label):
    """The label is on the screen: as visible text, a control's name or a field's label."""
    wanted = re.compile(re.escape(normalized(label)).replace(r"\ ", r"\s+"), re.IGNORECASE)
    candidates = page.locator("button, a, label, h1, h2, h3, [role=tab], legend, th, [aria-label]").filter(
        visible=True
    )
    for index in range(candidates.count()):
        element = candidates.nth(index)
        text = element.inner_text() or ""
        names = [
            text,
            element.get_attribute("aria-label"),
            element.get_attribute("data-w-tooltip-content-value"),
        ]
        if any(wanted.search(normalized(name)) for name in names if name):
            return True
    return False


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
