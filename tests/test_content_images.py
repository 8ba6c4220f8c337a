"""Content images: alt text is required, and with images off the server shows their text instead."""

import pytest
import wagtail_factories
from django.core.exceptions import ValidationError
from django.template import Context, Template
from django.test import RequestFactory

from home.blocks import BodyBlock, FigureBlock
from home.visual_mode import COOKIE_NAME
from tests.factories import InfoPageFactory
from tests.helpers import home_page

pytestmark = pytest.mark.django_db


@pytest.fixture
def image():
    return wagtail_factories.ImageFactory(title="Набережная Чепцы")


def figure(image, alt="Вид на набережную реки Чепцы летом", decorative=False, caption=""):
    block = FigureBlock()
    return block.to_python(
        {"image": {"image": image.pk, "alt_text": alt, "decorative": decorative}, "caption": caption}
    )


def render(template, mode_cookie=None, **context):
    request = RequestFactory().get("/ru/")
    if mode_cookie:
        request.COOKIES[COOKIE_NAME] = mode_cookie
    return Template("{% load visual_mode_tags %}" + template).render(Context({"request": request, **context}))


def test_figure_without_alt_text_cannot_be_saved(image):
    with pytest.raises(ValidationError):
        FigureBlock().clean(figure(image, alt=""))


def test_decorative_figure_needs_no_alt_text(image):
    FigureBlock().clean(figure(image, alt="", decorative=True))


def test_image_shown_normally_with_its_alt(image):
    html = render('{% content_image image "width-400" class="x" %}', image=figure(image)["image"])
    assert '<img alt="Вид на набережную реки Чепцы летом" class="x"' in html


def test_images_off_shows_the_alt_as_text(image):
    html = render('{% content_image image "width-400" %}', "images:off", image=figure(image)["image"])
    assert html == '<span class="image-off">Изображение: Вид на набережную реки Чепцы летом</span>'


def test_images_off_drops_decorative_images(image):
    decorative = figure(image, alt="", decorative=True)["image"]
    assert render('{% content_image image "width-400" %}', "images:off", image=decorative) == ""
    assert 'alt=""' in render('{% content_image image "width-400" %}', image=decorative)
    assert render('{% content_image image "width-400" alt="" %}', "images:off", image=image) == ""


def test_linked_image_keeps_its_link_named_by_the_alt(image):
    template = '{% content_image image "width-400" href="/ru/about/" %}'
    html = render(template, "images:off", image=figure(image)["image"])
    assert html == (
        '<a href="/ru/about/" class="image-link"><span class="image-off">'
        "Изображение: Вид на набережную реки Чепцы летом</span></a>"
    )
    html = render(template, image=figure(image)["image"])
    assert html.startswith('<a href="/ru/about/" class="image-link"><img alt=')


def test_alt_text_is_escaped(image):
    escaped = figure(image, alt="<b>")["image"]
    html = render('{% content_image image "width-400" %}', "images:off", image=escaped)
    assert "&lt;b&gt;" in html


def test_page_with_images_in_each_mode(client, image):
    body = BodyBlock().to_python(
        [
            {"type": "image", "value": {"image": {"image": image.pk, "alt_text": "Площадь Свободы"}}},
            {"type": "image", "value": {"image": {"image": image.pk, "decorative": True, "alt_text": ""}}},
        ]
    )
    page = InfoPageFactory(parent=home_page(), slug="photos", title="Фотографии", body=body)
    page.save_revision().publish()

    html = client.get("/ru/photos/").text
    assert html.count("<img ") == 2
    assert 'alt="Площадь Свободы"' in html
    client.cookies[COOKIE_NAME] = "images:off"
    html = client.get("/ru/photos/").text
    assert "<img " not in html
    assert html.count('class="image-off"') == 1
    assert "Изображение: Площадь Свободы" in html


def test_listing_images_are_decorative_and_go_with_images_off(client, image):
    parent = InfoPageFactory(parent=home_page(), slug="districts", title="Районы")
    parent.save_revision().publish()
    child = InfoPageFactory(parent=parent, slug="north", title="Северный район", listing_image=image)
    child.save_revision().publish()
    html = client.get("/ru/districts/").text
    assert '<img alt="" class="page-listing__image"' in html
    client.cookies[COOKIE_NAME] = "images:off"
    html = client.get("/ru/districts/").text
    assert "page-listing__image" not in html
    assert "Северный район" in html


def test_demo_accessibility_statement(client):
    response = client.get("/ru/accessibility/")
    assert response.status_code == 200
    html = response.text
    assert "<h1>Доступность портала</h1>" in html
    assert "Версия для слабовидящих" in html
    assert "adm@glazov-gov.ru" in html
    assert html.count("<img ") == 1
    client.cookies[COOKIE_NAME] = "images:off"
    assert "Изображение: Панель «Версия для слабовидящих»" in client.get("/ru/accessibility/").text


def test_editors_checker_runs_the_portal_accessibility_checks(admin_client):
    from wagtail.admin.userbar import AccessibilityItem, AdminItem

    from home.userbar import PortalContentChecker, use_portal_content_checker

    items = [AdminItem(), AccessibilityItem()]
    use_portal_content_checker(None, items, None)
    assert isinstance(items[1], PortalContentChecker)
    assert "image-alt" in items[1].axe_run_only
    assert "heading-order" in items[1].axe_run_only

    # The userbar an editor sees on the live page carries the checker's configuration.
    html = admin_client.get("/ru/about/").text
    assert 'id="checker-axe-configuration"' in html
    assert '"image-redundant-alt"' in html
    assert '"th-has-data-cells"' in html


def table(header_choice="row", caption="Часы приёма"):
    return {
        "data": [["День", "Часы"], ["Понедельник", "8:00–17:15"]],
        "table_header_choice": header_choice,
        "table_caption": caption,
    }


def test_table_needs_a_header_row_or_column_and_a_caption():
    from home.blocks import AccessibleTableBlock

    block = AccessibleTableBlock()
    assert block.clean(table())["first_row_is_table_header"] is True
    assert block.clean(table("column"))["first_col_is_header"] is True
    with pytest.raises(ValidationError, match="заголовков"):
        block.clean(table("neither"))
    with pytest.raises(ValidationError, match="подпись"):
        block.clean(table(caption="  "))


def test_form_error_summary_links_every_error_to_its_field():
    from django import forms
    from django.template.loader import render_to_string

    class ReportForm(forms.Form):
        name = forms.CharField(label="Имя")
        email = forms.EmailField(label="Электронная почта")

    html = render_to_string(
        "components/form_error_summary.html", {"form": ReportForm({"name": "", "email": "нет"})}
    )
    assert 'role="alert"' in html
    assert "Исправьте ошибки в форме" in html
    assert '<a href="#id_name">Имя: ' in html
    assert '<a href="#id_email">Электронная почта: ' in html
    assert render_to_string("components/form_error_summary.html", {"form": ReportForm()}).strip() == ""
