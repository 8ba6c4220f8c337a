"""Translatable lists editors extend: news rubrics and the kinds of municipal acts."""

from django.conf import settings
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.admin.widgets import SlugInput
from wagtail.models import TranslatableMixin
from wagtail_localize.fields import SynchronizedField, TranslatableField

from home import caching
from home.slugs import SLUG_FORMATTERS


class LocalizedSnippets:
    """Every object of a short translatable list (rubrics, kinds of act) in one language.

    Each object appears once, in the language asked for where it has a translation, else in
    Russian, in the list's order. `get(pk)` accepts the id of any language version.
    """

    def __init__(self, objects, keys_by_pk):
        self.objects = objects
        self.keys_by_pk = keys_by_pk
        self.by_key = {obj.translation_key: obj for obj in objects}

    def __iter__(self):
        return iter(self.objects)

    def get(self, pk):
        return self.by_key.get(self.keys_by_pk.get(pk))

    def get_by_slug(self, slug):
        return next((obj for obj in self.objects if obj.slug == slug), None)


def localized_snippets(model, language=None):
    """The model's objects in the active language, cached until one of them changes.

    Listings show these names on every visit, and in English or Udmurt each would cost a
    query for the translations; the lists are short, so they are kept whole per language
    (home.caching: a change of a rubric or a kind of act is a change of the ``site`` namespace).
    """
    language = language or get_language()

    def build():
        everything = list(model.objects.select_related("locale"))
        rank = {language: 0, settings.LANGUAGE_CODE: 1}
        chosen = {}
        for obj in everything:
            current = chosen.get(obj.translation_key)
            if current is None or rank.get(obj.locale.language_code, 2) < rank.get(
                current.locale.language_code, 2
            ):
                chosen[obj.translation_key] = obj
        return (
            sorted(chosen.values(), key=lambda obj: (obj.sort_order, obj.name)),
            {obj.pk: obj.translation_key for obj in everything},
        )

    return LocalizedSnippets(*caching.cached(f"glazov:snippets:{model._meta.label_lower}:{language}", build))


class TranslatableListItem(TranslatableMixin, models.Model):
    """An item of a short translatable list editors extend, read through localized_snippets().

    A name per language, a Latin slug and an order shared by every language version. Subclasses
    declare ``name`` and ``slug`` (their help texts, and the slug's length, differ) and, in their
    Meta (which extends this one), the permission to translate and the slug's uniqueness per locale.
    """

    sort_order = models.PositiveSmallIntegerField(
        _("порядок"), default=100, help_text=_("Чем меньше число, тем раньше показывается в списке.")
    )

    panels = [
        FieldPanel("name"),
        FieldPanel("slug", widget=SlugInput(formatters=SLUG_FORMATTERS)),
        FieldPanel("sort_order"),
    ]
    translatable_fields = [
        TranslatableField("name"),
        SynchronizedField("slug", overridable=False),
        SynchronizedField("sort_order", overridable=False),
    ]

    class Meta(TranslatableMixin.Meta):
        abstract = True
        ordering = ["sort_order", "name"]

    def __str__(self):
        return self.name


class Rubric(TranslatableListItem):
    """A news rubric («Городская Дума», «Благоустройство»…), one per language."""

    name = models.CharField(_("название"), max_length=100, help_text=_("Например: Благоустройство."))
    slug = models.SlugField(
        _("адрес рубрики"),
        max_length=100,
        allow_unicode=False,
        help_text=_(
            "Латинские буквы, цифры и дефис, например blagoustroystvo. "
            "Становится частью адреса рубрики и её RSS-ленты; одинаков во всех языках."
        ),
    )

    class Meta(TranslatableListItem.Meta):
        verbose_name = _("рубрика новостей")
        verbose_name_plural = _("рубрики новостей")
        permissions = [("translate_rubric", _("Может только переводить рубрики, не меняя русский оригинал"))]
        constraints = [
            models.UniqueConstraint(fields=["slug", "locale"], name="unique_rubric_slug_per_locale"),
        ]


class DecisionKind(TranslatableListItem):
    """A kind of municipal act: решение, постановление, распоряжение…"""

    name = models.CharField(_("название"), max_length=100, help_text=_("С заглавной буквы: Решение."))
    slug = models.SlugField(
        _("код для адреса"),
        max_length=50,
        help_text=_("Латинские буквы и дефис, например reshenie. Используется в ссылках фильтра реестра."),
    )

    class Meta(TranslatableListItem.Meta):
        verbose_name = _("вид правового акта")
        verbose_name_plural = _("виды правовых актов")
        permissions = [
            ("translate_decisionkind", _("Может только переводить виды актов, не меняя русский оригинал"))
        ]
        constraints = [
            models.UniqueConstraint(fields=["slug", "locale"], name="unique_decision_kind_slug_per_locale"),
        ]
