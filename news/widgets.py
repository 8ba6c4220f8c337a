"""The admin widget for links to other pages and rubrics: a list of what is chosen and a searchable chooser.

A ParentalManyToManyField keeps its links as they are (no inline model, no schema change); the
editor sees the chosen items with their requisites, removes one with «Убрать» and adds more
through Wagtail's chooser modal (news.choosers), which offers only Russian items, never the page
being edited, and searches by title and number.
"""

from django import forms
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import formats
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from wagtail.admin.staticfiles import versioned_static


def describe(item):
    """How an item is told apart from similar ones: an act by kind, date, number and status."""
    if hasattr(item, "date_adopted"):
        return _("%(kind)s от %(date)s %(number)s «%(title)s» (%(status)s)") % {
            "kind": item.kind.name,
            "date": formats.date_format(item.date_adopted, "d.m.Y"),
            "number": item.display_number,
            "title": item.title,
            "status": item.get_status_display(),
        }
    if hasattr(item, "lead"):
        return _("%(title)s (%(date)s)") % {
            "title": item.title,
            "date": formats.date_format(item.date, "d.m.Y"),
        }
    return str(item)


class SourceLinksWidget(forms.SelectMultiple):
    """The chosen items in a list, and a button that opens the chooser modal `chooser` to add more."""

    template_name = "news/widgets/source_links.html"

    def __init__(self, chooser, add_label, attrs=None):
        super().__init__(attrs)
        self.chooser = chooser
        self.add_label = add_label
        # The page being edited, set by its form (news.forms.SourceLinksPageForm): never offered.
        self.exclude_page = None

    def chooser_url(self):
        url = reverse(f"{self.chooser}:choose")
        return f"{url}?exclude={self.exclude_page}" if self.exclude_page else url

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        chosen_ids = [str(v) for v in (value or []) if v not in (None, "")]
        # Only what is chosen is rendered: the full list of pages is the chooser's to show.
        queryset = self.choices.queryset.filter(pk__in=chosen_ids) if chosen_ids else []
        if hasattr(self.choices.queryset.model, "date_adopted"):
            queryset = queryset.select_related("kind") if chosen_ids else queryset
        context["chosen"] = [(str(item.pk), describe(item)) for item in queryset]
        context["chooser_url"] = self.chooser_url()
        context["add_label"] = self.add_label
        return context

    def optgroups(self, name, value, attrs=None):
        return []

    def render(self, name, value, attrs=None, renderer=None):
        # The project's templates/ folder, which Django's default form renderer does not search.
        return mark_safe(render_to_string(self.template_name, self.get_context(name, value, attrs)))  # noqa: S308

    @property
    def media(self):
        return forms.Media(
            js=[
                versioned_static("wagtailadmin/js/modal-workflow.js"),
                versioned_static("wagtailadmin/js/chooser-modal.js"),  # CHOOSER_MODAL_ONLOAD_HANDLERS
                "js/source-links.js",
            ]
        )


def decision_links():
    return SourceLinksWidget("news_decision_chooser", _("Добавить решение"))


def news_links():
    return SourceLinksWidget("news_news_chooser", _("Добавить новость"))


def rubric_links():
    return SourceLinksWidget("news_rubric_chooser", _("Добавить рубрику"))
