"""Translate demo content the way a translator would: through wagtail-localize's PO round-trip."""

from django.db import transaction
from wagtail.models import Page
from wagtail_localize.models import Translation, TranslationSource


def translate_with_po(instance, locale, strings):
    """Create or refresh the translation of ``instance`` into ``locale`` and publish it.

    ``strings`` maps each Russian segment to its translation; segments it does not name
    keep the Russian text (wagtail-localize's fallback). Each call is its own transaction,
    and a page's parent is re-read from the database first, so a translated parent never
    carries a stale child count (wagtail-localize issue #773).
    """
    with transaction.atomic():
        if isinstance(instance, Page):
            instance = Page.objects.get(pk=instance.pk).specific
        source, created = TranslationSource.get_or_create_from_instance(instance)
        if not created:
            source.update_from_db()
        translation, _ = Translation.objects.get_or_create(
            source=source, target_locale=locale, defaults={"enabled": True}
        )
        po = translation.export_po()
        for entry in po:
            if entry.msgid in strings:
                entry.msgstr = strings[entry.msgid]
        translation.import_po(po)
        translation.save_target(publish=True)
    return instance.get_translation(locale)
