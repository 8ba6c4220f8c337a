"""Translators' whole wagtail-localize workflow, driven through the admin's own URLs."""

from urllib.parse import urlencode

import polib
import pytest
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from wagtail.models import Locale
from wagtail_localize.models import StringSegment, StringTranslation, Translation, TranslationSource

from home.models import FooterContacts
from tests.helpers import page_by_slug

pytestmark = pytest.mark.django_db


@pytest.fixture
def english():
    return Locale.objects.get(language_code="en")


def logged_in(client, django_user_model, group_name):
    user = django_user_model.objects.create_user(username=f"u-{group_name}", password="x")
    user.groups.add(Group.objects.get(name=group_name))
    client.force_login(user)
    return client


@pytest.fixture
def translator(client, django_user_model):
    return logged_in(client, django_user_model, "Переводчики")


def submit_page(client, page, locale):
    return client.post(f"/admin/localize/submit/page/{page.pk}/", {"locales": [locale.pk]})


def translation_for(source_instance, locale):
    return Translation.objects.get(source__object_id=source_instance.translation_key, target_locale=locale)


def translate_segment(client, translation, source_text, target_text):
    segment = StringSegment.objects.get(source=translation.source, string__data=source_text)
    response = client.put(
        f"/admin/localize/translate/{translation.pk}/strings/{segment.pk}/edit/",
        urlencode({"value": target_text}),
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code in (200, 201), response.content


def publish(client, instance_edit_url, capture):
    with capture(execute=True):  # wagtail-localize publishes on commit
        response = client.post(instance_edit_url, {"action": "publish"})
    assert response.status_code == 302


@pytest.mark.parametrize(
    ("slug", "parent_path", "russian_title", "translated_title"),
    [
        ("privacy", "", "Политика обработки персональных данных", "Personal data policy"),
        (
            "glazov-associaciya-novatorskih-gorodov",
            "news/",
            "Решение о вступлении Глазова в Ассоциацию новаторских городов принято городской Думой",
            "The City Duma decides that Glazov joins the Association of Innovative Cities",
        ),
        (
            "o-vstuplenii-v-associaciyu-novatorskih-gorodov",
            "decisions/",
            "О вступлении муниципального образования «Город Глазов» в Ассоциацию новаторских городов",
            "On the municipality of Glazov joining the Association of Innovative Cities",
        ),
    ],
)
@pytest.mark.parametrize("language", ["en", "udm"])
def test_translator_translates_and_publishes_a_page(
    translator,
    language,
    slug,
    parent_path,
    russian_title,
    translated_title,
    django_capture_on_commit_callbacks,
):
    locale = Locale.objects.get(language_code=language)
    source = page_by_slug(slug)
    already_translated = Translation.objects.filter(
        source__object_id=source.translation_key, target_locale=locale
    ).exists()
    if not already_translated:  # the demo content translates the news item into English already
        assert submit_page(translator, source, locale).status_code == 302
    translation = translation_for(source, locale)
    target = translation.get_target_instance()
    edit_url = f"/admin/pages/{target.pk}/edit/"
    assert translator.get(edit_url).status_code == 200  # wagtail-localize's editor

    translate_segment(translator, translation, russian_title, translated_title)
    publish(translator, edit_url, django_capture_on_commit_callbacks)

    html = translator.get(f"/{language}/{parent_path}{slug}/").text
    assert f"<h1>{translated_title}</h1>" in html or f">{translated_title}</h1>" in html
    assert f'<html lang="{language}"' in html
    assert "untranslated-notice" not in html


def test_po_file_round_trip(translator, english, django_capture_on_commit_callbacks):
    source = page_by_slug("contacts")
    translation = translation_for(source, english)  # the demo translated it already
    response = translator.get(f"/admin/localize/translate/{translation.pk}/pofile/download/")
    assert response.status_code == 200
    po = polib.pofile(response.content.decode())
    for entry in po:
        if entry.msgid == "Как сообщить о проблеме":
            entry.msgstr = "How to report a problem"
    upload = SimpleUploadedFile("contacts-en.po", str(po).encode(), content_type="text/x-gettext-translation")
    response = translator.post(f"/admin/localize/translate/{translation.pk}/pofile/upload/", {"file": upload})
    assert response.status_code == 302
    publish(
        translator,
        f"/admin/pages/{translation.get_target_instance().pk}/edit/",
        django_capture_on_commit_callbacks,
    )
    assert "How to report a problem" in translator.get("/en/contacts/").text


def test_source_change_then_sync_shows_the_new_segment(
    client, django_user_model, english, django_capture_on_commit_callbacks
):
    editor = logged_in(client, django_user_model, "Редакторы")
    source = page_by_slug("about")
    source.body.append(("heading", {"text": "Побратимы Глазова", "level": "h2"}))
    with django_capture_on_commit_callbacks(execute=True):
        source.save_revision(user=django_user_model.objects.get(username="u-Редакторы")).publish()

    translation_source = TranslationSource.objects.get(object_id=source.translation_key, locale=source.locale)
    response = editor.post(f"/admin/localize/update/{translation_source.pk}/", {})
    assert response.status_code == 302

    new_segment = StringSegment.objects.get(source=translation_source, string__data="Побратимы Глазова")
    assert not StringTranslation.objects.filter(
        translation_of=new_segment.string, locale=english, context=new_segment.context
    ).exists()
    total, translated = translation_for(source, english).get_progress()
    assert translated < total


def test_translator_cannot_touch_russian_sources(translator):
    assert translator.get(f"/admin/pages/{page_by_slug('about').pk}/edit/").status_code != 200
    russian_footer = FooterContacts.objects.get(locale__language_code="ru")
    english_footer = FooterContacts.objects.get(locale__language_code="en")
    assert translator.get(f"/admin/snippets/home/footercontacts/edit/{russian_footer.pk}/").status_code != 200
    assert translator.get(f"/admin/snippets/home/footercontacts/edit/{english_footer.pk}/").status_code == 200


def test_translator_translates_the_footer_snippet(translator, english):
    source = FooterContacts.objects.get(locale__language_code="ru")
    translation = translation_for(source, english)
    translate_segment(translator, translation, source.address, "6 Dinamo Street, Glazov, 427620")
    target = translation.get_target_instance()
    response = translator.post(
        f"/admin/snippets/home/footercontacts/edit/{target.pk}/", {"action": "publish"}
    )
    assert response.status_code == 302
    assert "6 Dinamo Street, Glazov, 427620" in translator.get("/en/").text


@pytest.mark.parametrize(
    ("model_path", "model_label"),
    [
        ("news/rubric", "news.Rubric"),
        ("news/decisionkind", "news.DecisionKind"),
        ("feedback/problemcategory", "feedback.ProblemCategory"),
    ],
)
def test_translator_edits_only_translated_snippets(translator, english, model_path, model_label):
    from django.apps import apps

    model = apps.get_model(model_label)
    russian = model.objects.filter(locale__language_code="ru").first()
    translated = russian.get_translation_or_none(english) or russian.copy_for_translation(english)
    if translated.pk is None:
        translated.save()
    assert translator.get(f"/admin/snippets/{model_path}/edit/{russian.pk}/").status_code != 200
    assert translator.get(f"/admin/snippets/{model_path}/edit/{translated.pk}/").status_code == 200
    assert translator.get(f"/admin/snippets/{model_path}/add/").status_code != 200
