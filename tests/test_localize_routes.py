"""Every wagtail-localize route, tried over HTTP as each staff group (home/localize_guard.py).

wagtail-localize itself checks only `submit_translation`: a translator could create and publish
Russian pages, an author publish through «Синхронизировать» with «Опубликовать сразу». Each probe
below tries one route as a member of each group and reports whether it had its effect; the
expected groups are Wagtail's own page permissions and the snippets' permission policies.
"""

from urllib.parse import urlencode

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase
from django.urls import resolve
from wagtail.models import Locale, Page, WorkflowState
from wagtail_localize.models import StringSegment, StringTranslation, Translation, TranslationSource
from wagtail_localize.operations import translate_object
from wagtail_localize.synctree import create_aliases_for_new_page
from wagtail_localize.wagtail_hooks import register_admin_urls

from home.models import InfoPage
from news.models import Rubric
from tests.factories import InfoPageFactory
from tests.feedback_helpers import staff_user
from tests.helpers import AUTHORS, EDITORS, GROUPS, REPORT_MODERATORS, TRANSLATORS, home_page, page_by_slug

pytestmark = pytest.mark.django_db


def on_commit():
    """wagtail-localize publishes once the transaction commits: run those callbacks here."""
    return TestCase.captureOnCommitCallbacks(execute=True)


def refused(response):
    """Wagtail's admin answers a refusal with a redirect to its dashboard and a message."""
    return response.status_code == 403 or (response.status_code == 302 and response["Location"] == "/admin/")


def locale(code):
    return Locale.objects.get(language_code=code)


def new_page(language, title, publish=True):
    home = home_page(language)
    page = home.add_child(instance=InfoPageFactory.build(locale=home.locale, title=title, live=publish))
    if publish:
        page.save_revision().publish()
    if language == "ru":
        create_aliases_for_new_page(page)  # as the admin does: its untranslated copies in en and udm
    return Page.objects.get(pk=page.pk).specific


def translation_of(instance, language):
    return Translation.objects.get(
        source__object_id=instance.translation_key, target_locale__language_code=language
    )


def version_in(instance, language):
    model = Page if isinstance(instance, Page) else type(instance)
    return model.objects.filter(
        translation_key=instance.translation_key, locale__language_code=language
    ).first()


# The translations the routes act on ---------------------------------------------------------


def about_in_english():
    """A Russian page's English translation (the demo content made it): the usual case."""
    return translation_of(page_by_slug("about"), "en")


def english_page_in_russian():
    """An English page someone translated into Russian: a Russian draft only editors may touch."""
    page = new_page("en", "Only in English")
    translate_object(page, [locale("ru")])
    return translation_of(page, "ru")


def english_rubric_in_russian():
    """A snippet whose translation is the Russian version: translators may not change it."""
    rubric = Rubric.objects.create(locale=locale("en"), name="Only in English", slug="only-english")
    translate_object(rubric, [locale("ru")])
    return translation_of(rubric, "ru")


TRANSLATIONS = {
    "page-en": (about_in_english, {AUTHORS, EDITORS, TRANSLATORS}),
    "page-ru": (english_page_in_russian, {AUTHORS, EDITORS}),
    "snippet-ru": (english_rubric_in_russian, {EDITORS}),
}


def first_segment(translation):
    return (
        StringSegment.objects.filter(source=translation.source).select_related("string").order_by("order")[0]
    )


def translated(translation, segment):
    return StringTranslation.objects.filter(
        translation_of=segment.string,
        locale=translation.target_locale,
        context=segment.context,
        data="Translated",
    ).exists()


def probe_edit_string(client, translation):
    segment = first_segment(translation)
    client.put(
        f"/admin/localize/translate/{translation.pk}/strings/{segment.pk}/edit/",
        urlencode({"value": "Translated"}),
        content_type="application/x-www-form-urlencoded",
    )
    return translated(translation, segment)


def probe_po_download(client, translation):
    response = client.get(f"/admin/localize/translate/{translation.pk}/pofile/download/")
    return response.status_code == 200 and b"msgid" in response.content


def probe_po_upload(client, translation):
    segment = first_segment(translation)
    po = translation.export_po()
    for entry in po:
        if entry.msgid == segment.string.data:
            entry.msgstr = "Translated"
    upload = SimpleUploadedFile("t.po", str(po).encode(), content_type="text/x-gettext-translation")
    client.post(f"/admin/localize/translate/{translation.pk}/pofile/upload/", {"file": upload})
    return translated(translation, segment)


def probe_stop(client, translation):
    client.post(f"/admin/localize/translate/{translation.pk}/disable/", {"next": "/admin/"})
    translation.refresh_from_db()
    return not translation.enabled


def probe_preview(client, translation):
    if not isinstance(translation.get_target_instance(), Page):
        return None  # pages only
    return client.get(f"/admin/localize/translate/{translation.pk}/preview/").status_code == 200


TRANSLATION_PROBES = {
    "edit-string": probe_edit_string,
    "po-download": probe_po_download,
    "po-upload": probe_po_upload,
    "stop": probe_stop,
    "preview": probe_preview,
}


@pytest.mark.parametrize("group", GROUPS)
@pytest.mark.parametrize("target", list(TRANSLATIONS))
@pytest.mark.parametrize("route", list(TRANSLATION_PROBES))
def test_routes_of_a_translation_need_the_right_to_change_its_target(client, route, target, group):
    make, allowed = TRANSLATIONS[target]
    translation = make()
    client.force_login(staff_user("member", group))
    result = TRANSLATION_PROBES[route](client, translation)
    if result is not None:
        assert result is (group in allowed)


# Submitting ----------------------------------------------------------------------------------


def submit(client, instance, language, **extra):
    if isinstance(instance, Page):
        url = f"/admin/localize/submit/page/{instance.pk}/"
    else:
        meta = instance._meta
        url = f"/admin/localize/submit/snippet/{meta.app_label}/{meta.model_name}/{instance.pk}/"
    return client.post(url, {"locales": [locale(language).pk], **extra})


def probe_submit_form(client):
    return client.get(f"/admin/localize/submit/page/{page_by_slug('about').pk}/").status_code == 200


def probe_submit_english_page_into_russian(client):
    """The reported case: a translator's English page went live on the Russian site."""
    page = new_page("en", "Made in English")
    submit(client, page, "ru")
    created = version_in(page, "ru")
    assert created is None or not created.live  # whoever may create it, it is a draft
    return created is not None


def probe_submit_into_english(client):
    """A live Russian page into English, where its untranslated copy (an alias) is live.

    The translation memory already holds an English title (an earlier translation): submitting
    must not put it on the live page; the copy keeps showing the Russian page until published.
    """
    page = new_page("ru", "Новая страница")
    alias = version_in(page, "en")
    assert alias is not None and alias.alias_of_id == page.pk and alias.live
    source, _ = TranslationSource.get_or_create_from_instance(page)
    title = StringSegment.objects.get(source=source, context__path="title")
    StringTranslation.objects.create(
        translation_of=title.string, locale=locale("en"), context=title.context, data="Unreviewed title"
    )
    submit(client, page, "en")
    english = Page.objects.get(pk=alias.pk)
    assert english.live and english.title == "Новая страница"
    return Translation.objects.filter(source=source, target_locale__language_code="en", enabled=True).exists()


def probe_submit_snippet(client):
    rubric = Rubric.objects.get(slug="kultura", locale__language_code="ru")
    assert version_in(rubric, "udm") is None
    submit(client, rubric, "udm")
    return version_in(rubric, "udm") is not None


def probe_update(client):
    source = TranslationSource.objects.get(object_id=page_by_slug("about").translation_key)
    before = source.last_updated_at
    client.post(f"/admin/localize/update/{source.pk}/", {})
    source.refresh_from_db()
    return source.last_updated_at != before


def probe_update_and_publish(client):
    english = version_in(page_by_slug("about"), "en")
    source = TranslationSource.objects.get(object_id=english.translation_key)
    published_before = english.live_revision_id
    with on_commit():
        client.post(f"/admin/localize/update/{source.pk}/", {"publish_translations": "on"})
    return Page.objects.get(pk=english.pk).live_revision_id != published_before


def probe_publish_from_the_editor(client):
    english = version_in(page_by_slug("about"), "en")
    with on_commit():
        client.post(f"/admin/pages/{english.pk}/edit/", {"action": "publish"})
    return Page.objects.get(pk=english.pk).live_revision_id != english.live_revision_id


def probe_convert_to_alias(client):
    english = version_in(page_by_slug("about"), "en")
    client.post(f"/admin/localize/page/{english.pk}/convert_to_alias/")
    return Page.objects.get(pk=english.pk).alias_of_id is not None


def probe_restart(client):
    english = version_in(page_by_slug("about"), "en")
    translation = translation_of(english, "en")
    Translation.objects.filter(pk=translation.pk).update(enabled=False)
    client.post(f"/admin/pages/{english.pk}/edit/", {"localize-restart-translation": "1"})
    translation.refresh_from_db()
    return translation.enabled


def probe_snippet_chooser_api(client):
    return client.get("/admin/localize/api/snippets/feedback/problemreport/").status_code == 200


def probe_translations_report(client):
    return client.get("/admin/localize/reports/translations/").status_code == 200


PROBES = {
    "submit-form": (probe_submit_form, {AUTHORS, EDITORS, TRANSLATORS}),
    "submit-into-russian": (probe_submit_english_page_into_russian, {AUTHORS, EDITORS}),
    "submit-into-english": (probe_submit_into_english, {AUTHORS, EDITORS, TRANSLATORS}),
    "submit-snippet": (probe_submit_snippet, {EDITORS, TRANSLATORS}),
    "update": (probe_update, {AUTHORS, EDITORS, TRANSLATORS}),
    "update-and-publish": (probe_update_and_publish, {EDITORS, TRANSLATORS}),
    "publish-from-editor": (probe_publish_from_the_editor, {EDITORS, TRANSLATORS}),
    "convert-to-alias": (probe_convert_to_alias, {EDITORS, TRANSLATORS}),
    "restart": (probe_restart, {AUTHORS, EDITORS, TRANSLATORS}),
    "snippet-chooser-api": (probe_snippet_chooser_api, {REPORT_MODERATORS}),
    "translations-report": (probe_translations_report, {AUTHORS, EDITORS, TRANSLATORS}),
}


@pytest.mark.parametrize("group", GROUPS)
@pytest.mark.parametrize("route", list(PROBES))
def test_each_group_has_exactly_its_translation_rights(client, route, group):
    probe, allowed = PROBES[route]
    client.force_login(staff_user("member", group))
    assert probe(client) is (group in allowed)


@pytest.mark.parametrize("route", list(PROBES))
def test_the_probes_can_succeed(client, route):
    """A superuser passes every probe, so a refusal above is the group's, not a broken probe."""
    client.force_login(staff_user("root", superuser=True))
    assert PROBES[route][0](client)


def test_the_submission_form_offers_only_the_allowed_languages(client):
    client.force_login(staff_user("member", TRANSLATORS))
    page = new_page("en", "Made in English")
    html = client.get(f"/admin/localize/submit/page/{page.pk}/").text
    assert f'value="{locale("udm").pk}"' in html
    assert f'value="{locale("ru").pk}"' not in html


def test_a_translator_never_translates_into_russian(client):
    client.force_login(staff_user("member", TRANSLATORS))
    page = new_page("en", "Made in English")
    assert refused(submit(client, page, "ru"))
    rubric = Rubric.objects.create(locale=locale("en"), name="English rubric", slug="english-rubric")
    assert refused(submit(client, rubric, "ru"))
    assert version_in(page, "ru") is None and version_in(rubric, "ru") is None


def test_an_authors_russian_draft_does_not_go_live_through_update(client):
    """The reported case: a draft submitted for translation, then «Опубликовать сразу»."""
    client.force_login(staff_user("member", AUTHORS))
    draft = new_page("ru", "Черновик автора", publish=False)
    submit(client, draft, "en")
    english = version_in(draft, "en")
    source = TranslationSource.objects.get(object_id=draft.translation_key)
    assert "publish_translations" not in client.get(f"/admin/localize/update/{source.pk}/").text
    response = client.post(f"/admin/localize/update/{source.pk}/", {"publish_translations": "on"})
    assert refused(response)
    assert not Page.objects.get(pk=english.pk).live
    assert client.get(english.url).status_code == 404


def test_nobody_publishes_a_translation_of_an_unpublished_page(client):
    """A translation is never more public than its source: not even a superuser's."""
    client.force_login(staff_user("root", superuser=True))
    source = page_by_slug("about")
    english = version_in(source, "en")
    source.unpublish()
    english.refresh_from_db()
    was_live = english.live_revision_id
    response = client.post(f"/admin/pages/{english.pk}/edit/", {"action": "publish"})
    assert refused(response)
    translation_source = TranslationSource.objects.get(object_id=source.translation_key)
    response = client.post(f"/admin/localize/update/{translation_source.pk}/", {"publish_translations": "on"})
    assert refused(response)
    assert Page.objects.get(pk=english.pk).live_revision_id == was_live


def test_an_authors_translation_goes_through_moderation(client, django_capture_on_commit_callbacks):
    author = staff_user("author", AUTHORS)
    client.force_login(author)
    page = new_page("ru", "Страница для перевода")
    submit(client, page, "en")
    english = version_in(page, "en")
    translation = translation_of(page, "en")
    editor_html = client.get(f"/admin/pages/{english.pk}/edit/").text
    assert "glazov-submit-translation-for-moderation" in editor_html
    assert "в блоке «В ожидании вашего отзыва»" in editor_html  # where the editor finds it, as named there
    title = StringSegment.objects.get(source=translation.source, context__path="title")
    client.put(
        f"/admin/localize/translate/{translation.pk}/strings/{title.pk}/edit/",
        urlencode({"value": "A page to translate"}),
        content_type="application/x-www-form-urlencoded",
    )
    client.post(f"/admin/pages/{english.pk}/edit/", {"glazov-submit-translation-for-moderation": "1"})

    english = Page.objects.get(pk=english.pk)
    assert english.title == "Страница для перевода"  # visitors still see the untranslated copy
    state = english.current_workflow_state
    assert state is not None and state.status == WorkflowState.STATUS_IN_PROGRESS
    assert state.requested_by == author

    client.force_login(staff_user("editor", EDITORS))
    dashboard = client.get("/admin/").text
    assert "В ожидании вашего отзыва" in dashboard and f"/admin/pages/{english.pk}/edit/" in dashboard
    task_state = state.current_task_state
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/admin/pages/workflow/action/{english.pk}/approve/{task_state.pk}/", {"comment": ""})
    assert InfoPage.objects.get(pk=english.pk).title == "A page to translate"
    assert client.get("/en/" + english.slug + "/").status_code == 200


def test_every_wagtail_localize_route_is_guarded():
    """A route a new wagtail-localize adds reaches its unguarded view: then add it to the guard."""
    samples = {"int": "1", "slug": "home", "str": "1"}
    (resolver,) = register_admin_urls()
    for pattern in resolver.url_patterns:
        route = str(pattern.pattern)
        if route == "jsi18n/":
            continue  # the editor's interface strings
        for converter, sample in samples.items():
            while f"<{converter}:" in route:
                start = route.index(f"<{converter}:")
                route = route[:start] + sample + route[route.index(">", start) + 1 :]
        match = resolve(f"/admin/localize/{route}")
        assert getattr(match.func, "localize_guarded", False), route


def test_a_subtree_is_submitted_page_by_page_with_the_same_checks(client):
    client.force_login(staff_user("member", TRANSLATORS))
    about = page_by_slug("about")
    child = page_by_slug("innovative-cities")
    source, _ = TranslationSource.get_or_create_from_instance(child)
    title = StringSegment.objects.get(source=source, context__path="title")
    StringTranslation.objects.create(  # an earlier, never published translation of the child
        translation_of=title.string, locale=locale("udm"), context=title.context, data="Unreviewed"
    )
    with on_commit():
        submit(client, about, "udm", include_subtree="on")
    for page in (about, child):
        udm = version_in(page, "udm")
        assert udm.alias_of_id is None and udm.live and udm.title == page.title  # still what it showed
        assert translation_of(page, "udm").enabled
