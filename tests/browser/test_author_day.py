"""An author's day in Chromium, following docs/news-and-decisions.md and counting the clicks.

The author writes a news item with a photo (uploaded in the image chooser, described for
blind readers) and sends it for moderation. Until an editor approves it, no language shows
it: not the news list, nor its own address, in Russian, English or Udmurt. The clicks are
printed (run with -s).
"""

import pytest
from playwright.sync_api import expect
from wagtail.images import get_image_model
from wagtail.models import Page

from news.models import NewsPage
from tests.browser.staff_day import Clicks, log_in, russian_staff
from tests.feedback_helpers import image_bytes
from tests.helpers import AUTHORS

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("site_db")]

TITLE = "В Глазове открылся каток у Дворца спорта"
LEAD = "Каток работает ежедневно с 10 до 22 часов, вход свободный."
ALT = "Дети катаются на коньках у Дворца спорта"


@pytest.fixture
def author():
    user = russian_staff("day-author", AUTHORS, "Мария", "Владыкина")
    yield user
    for page in NewsPage.objects.filter(title=TITLE):
        Page.objects.filter(translation_key=page.translation_key).exclude(pk=page.pk).delete()
        Page.objects.filter(pk=page.pk).delete()
    for image in get_image_model().objects.filter(title="katok"):
        image.file.delete(save=False)
        image.delete()
    user.delete()


def test_an_author_writes_a_news_item_with_a_photo_and_sends_it_for_moderation(
    browser, site_server, author, tmp_path, output_path
):
    photo = tmp_path / "katok.jpg"
    photo.write_bytes(image_bytes(size=(1200, 800)))
    clicks = Clicks()
    admin = log_in(browser, site_server, author, clicks)
    admin.set_default_timeout(5000)

    # «Страницы» → «Новости» → «Добавить дочернюю страницу» (the guide's way).
    clicks("menu «Страницы»", admin.get_by_role("button", name="Страницы", exact=True).click)
    russian_home = admin.locator(".c-page-explorer__item").filter(has_text="Русский")
    clicks(
        "«Главная» children",
        russian_home.get_by_role("link", name="Показать дочерние страницы 'Главная'").click,
    )
    clicks("«Новости»", admin.locator("nav").get_by_role("link", name="Новости", exact=True).click)
    clicks(
        "«Добавить дочернюю страницу»",
        admin.get_by_role("link", name="Добавить дочернюю страницу").first.click,
    )
    expect(admin.locator("#id_title")).to_be_visible()

    clicks("«Заголовок»", admin.locator("#id_title").fill, TITLE)
    clicks("«Лид»", admin.locator("#id_lead").fill, LEAD)
    clicks("«Выберите изображение»", admin.get_by_role("button", name="Выберите изображение").click)
    modal = admin.locator(".modal-dialog")
    expect(modal.locator("h1")).to_be_visible()
    clicks("tab «Загрузка»", modal.get_by_role("tab", name="Загрузка").click)
    clicks("the photo", modal.locator("#tab-upload input[type=file]").set_input_files, photo)
    # Wagtail names the image after its file, as a person sees before pressing the button.
    expect(modal.locator("#tab-upload input[name$=title]")).to_have_value("katok")
    clicks("«Загрузка»", modal.locator("#tab-upload").get_by_role("button", name="Загрузка").click)
    expect(modal).to_be_hidden(timeout=15000)
    clicks("«описание изображения (alt)»", admin.locator("#id_image_alt").fill, ALT)
    admin.screenshot(path=f"{output_path}/author-news-form.png", full_page=True)

    clicks(
        "▲ next to «Сохранить черновик»", admin.locator("footer [data-w-dropdown-target=toggle]").first.click
    )
    clicks(
        '«Отправить в "Согласование публикации"»',
        admin.get_by_role("button", name='Отправить в "Согласование публикации"').click,
    )
    expect(admin.locator(".messages")).to_contain_text(TITLE)
    admin.context.close()
    print(f"\nAuthor, a news item with a photo sent for moderation: {clicks.report()}")

    news = NewsPage.objects.get(title=TITLE, locale__language_code="ru")
    assert not news.live and news.current_workflow_state.status == "in_progress"
    draft = news.get_latest_revision_as_object()
    assert draft.image is not None and draft.image_alt == ALT and draft.lead == LEAD
    assert draft.slug.isascii(), draft.slug

    reader = browser.new_page()
    for language in ("ru", "en", "udm"):
        reader.goto(f"{site_server.url}/{language}/news/")
        expect(reader.get_by_text(TITLE)).to_have_count(0)
        response = reader.goto(f"{site_server.url}/{language}/news/{draft.slug}/")
        assert response.status == 404, (language, response.status)
    reader.close()
