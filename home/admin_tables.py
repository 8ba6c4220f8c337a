"""Columns the portal's admin listings share."""

from django.conf import settings
from wagtail.admin.ui.tables import Column
from wagtail.models import Page


class LocalDateColumn(Column):
    """A date as Russian staff write it, 26.11.2026 (with the local time, 14:05, for a moment)."""

    cell_template_name = "home/admin/local_date_cell.html"

    def __init__(self, name, with_time=False, **kwargs):
        super().__init__(name, **kwargs)
        self.with_time = with_time

    def get_cell_context_data(self, instance, parent_context):
        context = super().get_cell_context_data(instance, parent_context)
        context["with_time"] = self.with_time
        return context


class TranslationsColumn(Column):
    """Which languages have their own translation of the page, and which show a copy of the Russian one."""

    cell_template_name = "home/admin/translations_cell.html"

    def __init__(self, name="translations", **kwargs):
        super().__init__(name, accessor=lambda page: page, **kwargs)

    def get_cell_context_data(self, instance, parent_context):
        context = super().get_cell_context_data(instance, parent_context)
        context["translations"] = getattr(instance, "translation_states", [])
        return context


def annotate_translation_states(pages):
    """Give each page of a listing `translation_states`: [(locale, translated?, page)], in one query."""
    pages = list(pages)
    if not pages:
        return
    copies = {}
    other_languages = (
        Page.objects.filter(translation_key__in=[page.translation_key for page in pages])
        .exclude(locale__language_code=settings.LANGUAGE_CODE)
        .select_related("locale")
        .only("id", "translation_key", "alias_of_id", "locale", "live")
        .order_by("locale__language_code")
    )
    for copy in other_languages:
        copies.setdefault(copy.translation_key, []).append(copy)
    for page in pages:
        page.translation_states = [
            (copy.locale, copy.alias_of_id is None, copy) for copy in copies.get(page.translation_key, [])
        ]
