"""Nothing a translator writes routes residents' data or changes what they consent to.

Addresses, phones, deadlines, numbers, dates, documents and the consent version are the
Russian version's in every language (SynchronizedField, not overridable; home/localize_sync.py).
"""

import importlib
import re
from urllib.parse import urlencode

import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import models
from django.test import TestCase
from modelcluster.fields import ParentalManyToManyField
from wagtail.documents.models import AbstractDocument
from wagtail.models import Locale, Page, TranslatableMixin
from wagtail_localize.fields import SynchronizedField, TranslatableField, get_translatable_fields
from wagtail_localize.models import StringSegment, Translation, TranslationSource

from feedback.models import FeedbackPage, Notification, ProblemCategory, ProblemReport
from home.models import FooterContacts
from tests.feedback_helpers import category, feedback_page, form_data, staff_user

pytestmark = pytest.mark.django_db

ATTACKER = "attacker@evil.example"
# Fields that may differ between languages although their type says "the same everywhere":
# how a page looks, not where data goes or what anyone agrees to.
DISPLAY_ONLY = {"show_in_menus", "show_children", "image_decorative", "listing_image", "image"}
ROUTING_NAMES = re.compile(r"email|phone|routing|consent_version|deadline|privacy|number|document|url")


def translatable_models():
    return [
        model
        for model in apps.get_models()
        if issubclass(model, TranslatableMixin) and model._meta.app_label in {"home", "news", "feedback"}
    ]


def must_be_locked(model, name):
    """Anything that routes data, governs consent or is the same in every language."""
    if name in DISPLAY_ONLY:
        return False
    field = model._meta.get_field(name)
    if ROUTING_NAMES.search(name):
        return True
    if isinstance(
        field,
        models.EmailField
        | models.URLField
        | models.DateField
        | models.IntegerField
        | models.DecimalField
        | models.FloatField
        | models.BooleanField,
    ):
        return True
    related = getattr(field, "related_model", None)
    return bool(
        related
        and not field.one_to_many
        and (issubclass(related, Page | AbstractDocument | ProblemCategory) or field.name == "kind")
    )


@pytest.mark.parametrize("model", translatable_models(), ids=lambda model: model._meta.label)
def test_every_field_is_declared_and_what_routes_or_binds_is_locked(model, monkeypatch):
    declared = {field.field_name: field for field in get_translatable_fields(model)}
    # What wagtail-localize would do on its own: every such field must be declared on purpose.
    for klass in model.__mro__:  # declared on the model or on an abstract base it shares
        if "translatable_fields" in vars(klass):
            monkeypatch.delattr(klass, "translatable_fields")
    defaults = {field.field_name for field in get_translatable_fields(model)}
    page_internals = (
        {field.field_name for field in get_translatable_fields(Page)} if issubclass(model, Page) else set()
    )
    # A news item's tags are copied as its tagged items (the child relation behind them).
    missing = defaults - page_internals - set(declared) - ({"tags"} if "tagged_items" in declared else set())
    assert not missing, f"{model._meta.label}: declare {sorted(missing)} in translatable_fields"
    for name, field in declared.items():
        if must_be_locked(model, name):
            assert isinstance(field, SynchronizedField) and not field.overridable, (
                f"{model._meta.label}.{name} must be SynchronizedField({name!r}, overridable=False)"
            )


def test_the_form_pages_routing_and_consent_settings_are_locked():
    locked = {
        field.field_name
        for field in get_translatable_fields(FeedbackPage)
        if isinstance(field, SynchronizedField) and not field.overridable
    }
    assert {
        "notification_emails",
        "deadline_days",
        "consent_version",
        "privacy_page",
        "official_appeal_page",
        "categories",
    } <= locked
    assert isinstance(FeedbackPage._meta.get_field("categories"), ParentalManyToManyField)


# Over HTTP, as a translator -------------------------------------------------------------------


def on_commit():
    return TestCase.captureOnCommitCallbacks(execute=True)


@pytest.fixture
def translator(client):
    client.force_login(staff_user("translator", "Переводчики"))
    return client


def english_translation():
    return Translation.objects.get(
        source__object_id=feedback_page().translation_key, target_locale__language_code="en"
    )


def report_through_english_form(client):
    client.logout()
    response = client.post("/en/feedback/", form_data())
    assert response.status_code == 302
    report = ProblemReport.objects.get()
    return report, Notification.objects.get(report=report, kind=Notification.Kind.ROUTING)


def test_an_old_translation_source_cannot_route_reports_to_a_translator(translator, monkeypatch):
    """The reported case: the addresses were a segment; a translator appended their own."""
    translation = english_translation()
    # A translation source made before the fix, when the addresses were still a segment.
    monkeypatch.setattr(
        FeedbackPage,
        "translatable_fields",
        [*FeedbackPage.translatable_fields, TranslatableField("notification_emails")],
    )
    translation.source.update_from_db()
    monkeypatch.undo()
    segment = StringSegment.objects.get(source=translation.source, context__path="notification_emails")
    response = translator.put(
        f"/admin/localize/translate/{translation.pk}/strings/{segment.pk}/edit/",
        urlencode({"value": f"priemnaya@example.org\n{ATTACKER}"}),
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code in (200, 201)
    english = translation.get_target_instance()
    with on_commit():
        assert translator.post(f"/admin/pages/{english.pk}/edit/", {"action": "publish"}).status_code == 302

    assert ATTACKER not in FeedbackPage.objects.get(pk=english.pk).notification_emails
    _report, routing = report_through_english_form(translator)
    assert ATTACKER not in routing.recipients
    assert set(routing.recipient_list) == {"svet@example.org", "priemnaya@example.org"}


def test_a_po_file_cannot_change_the_addresses(translator):
    translation = english_translation()
    po = translation.export_po()
    assert not any("@" in entry.msgid for entry in po)  # the addresses are no segment at all
    entry = type(po[0])(msgid="priemnaya@example.org", msgstr=ATTACKER, msgctxt="notification_emails")
    po.append(entry)
    upload = SimpleUploadedFile("feedback-en.po", str(po).encode(), content_type="text/x-gettext-translation")
    translator.post(f"/admin/localize/translate/{translation.pk}/pofile/upload/", {"file": upload})
    english = translation.get_target_instance()
    with on_commit():
        translator.post(f"/admin/pages/{english.pk}/edit/", {"action": "publish"})
    _report, routing = report_through_english_form(translator)
    assert ATTACKER not in routing.recipients


def test_a_copy_saved_any_other_way_keeps_the_russian_settings():
    """A stopped translation is edited in the page editor: its settings still come from Russian."""
    english = feedback_page("en")
    english.notification_emails = ATTACKER
    english.deadline_days = 365
    english.privacy_page = None
    english.save()
    english.refresh_from_db()
    russian = feedback_page()
    assert english.notification_emails == russian.notification_emails
    assert english.deadline_days == russian.deadline_days
    assert english.privacy_page_id == russian.privacy_page_id

    lights = category().get_translation(Locale.objects.get(language_code="en"))
    lights.routing_email = ATTACKER
    lights.save()
    assert ProblemCategory.objects.get(pk=lights.pk).routing_email == "svet@example.org"

    footer = FooterContacts.objects.get(locale__language_code="en")
    footer.phone, footer.email = "+1 555 0100", ATTACKER
    footer.save()
    footer.refresh_from_db()
    russian_footer = FooterContacts.objects.get(locale__language_code="ru")
    assert (footer.phone, footer.email) == (russian_footer.phone, russian_footer.email)


def test_a_report_in_english_goes_only_to_the_russian_addresses(client):
    # A copy as an old translation left it (written past the model, as data already stored is).
    FeedbackPage.objects.filter(pk=feedback_page("en").pk).update(
        notification_emails=ATTACKER, deadline_days=1
    )
    ProblemCategory.objects.filter(
        translation_key=category().translation_key, locale__language_code="en"
    ).update(routing_email=ATTACKER)
    report, routing = report_through_english_form(client)
    assert set(routing.recipient_list) == {"svet@example.org", "priemnaya@example.org"}
    assert (report.due_date - report.registered_on).days == feedback_page().deadline_days


def test_the_russian_pages_changes_reach_every_copy_at_once():
    russian = feedback_page()
    russian.notification_emails = "novaya@example.org"
    russian.deadline_days = 15
    with on_commit():
        russian.save_revision().publish()
    english = feedback_page("en")
    assert (english.notification_emails, english.deadline_days) == ("novaya@example.org", 15)


def test_the_data_migration_puts_existing_copies_right():
    FeedbackPage.objects.filter(pk=feedback_page("en").pk).update(
        notification_emails=ATTACKER, consent_version="1"
    )
    FooterContacts.objects.filter(locale__language_code="en").update(email=ATTACKER)
    importlib.import_module("feedback.migrations.0005_sync_translated_settings").sync(apps, None)
    importlib.import_module("home.migrations.0005_sync_translated_contacts").sync(apps, None)
    english = feedback_page("en")
    assert english.notification_emails == feedback_page().notification_emails
    assert english.consent_version in ("", feedback_page().consent_version)
    assert FooterContacts.objects.get(locale__language_code="en").email != ATTACKER


# The consent a resident sees and the report keeps ---------------------------------------------

ENGLISH_CONSENT = "I consent to the City of Glazov Administration processing my personal data."


def translate_consent(client):
    translation = english_translation()
    segment = StringSegment.objects.get(source=translation.source, context__path="consent_text")
    client.put(
        f"/admin/localize/translate/{translation.pk}/strings/{segment.pk}/edit/",
        urlencode({"value": ENGLISH_CONSENT}),
        content_type="application/x-www-form-urlencoded",
    )
    with on_commit():
        client.post(f"/admin/pages/{translation.get_target_instance().pk}/edit/", {"action": "publish"})


def test_the_report_keeps_the_consent_as_shown_in_english(translator):
    translate_consent(translator)
    translator.logout()
    html = translator.get("/en/feedback/").text
    assert ENGLISH_CONSENT in html
    assert f'<span lang="ru">{ENGLISH_CONSENT}' not in html
    report, _routing = report_through_english_form(translator)
    assert (report.consent_text, report.consent_version, report.consent_language) == (
        ENGLISH_CONSENT,
        "2026-01",
        "en",
    )


def test_an_outdated_translation_of_the_consent_is_never_shown(translator):
    translate_consent(translator)
    russian = feedback_page()
    russian.consent_text = "Новый текст согласия на обработку персональных данных."
    russian.consent_version = "2026-06"
    with on_commit():
        russian.save_revision().publish()

    translator.logout()
    html = translator.get("/en/feedback/").text
    assert ENGLISH_CONSENT not in html
    assert '<span lang="ru">Новый текст согласия' in html
    report, _routing = report_through_english_form(translator)
    assert (report.consent_text, report.consent_version, report.consent_language) == (
        russian.consent_text,
        "2026-06",
        "ru",
    )


def test_an_untranslated_consent_is_the_russian_text_marked_as_russian(client):
    report, _routing = report_through_english_form(client)
    russian = feedback_page()
    assert (report.consent_text, report.consent_version, report.consent_language) == (
        russian.consent_text,
        russian.consent_version,
        "ru",
    )
    assert TranslationSource.objects.filter(object_id=russian.translation_key).exists()
