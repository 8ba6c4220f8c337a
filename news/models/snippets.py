"""Translatable lists editors extend: news rubrics and the kinds of municipal acts."""

from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.models import TranslatableMixin
from wagtail_localize.fields import SynchronizedField, TranslatableField


def localized_all(objects):
    """The active language's translations of translatable objects, in at most one query.

    An object with no translation in that language stays as it is (Russian). Objects should
    come with their locale (select_related("locale")): then nothing is queried when they are
    already in the active language.
    """
    objects = list(objects)
    language = get_language()
    if not objects or all(obj.locale.language_code == language for obj in objects):
        return objects
    model = type(objects[0])
    found = {
        item.translation_key: item
        for item in model.objects.filter(
            locale__language_code=language, translation_key__in=[obj.translation_key for obj in objects]
        ).select_related("locale")
    }
    return [found.get(obj.translation_key, obj) for obj in objects]


class Rubric(TranslatableMixin, models.Model):
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
    sort_order = models.PositiveSmallIntegerField(
        _("порядок"), default=100, help_text=_("Рубрики с меньшим числом показываются раньше.")
    )

    panels = [FieldPanel("name"), FieldPanel("slug"), FieldPanel("sort_order")]
    translatable_fields = [
        TranslatableField("name"),
        SynchronizedField("slug", overridable=False),
        SynchronizedField("sort_order", overridable=False),
    ]

    class Meta(TranslatableMixin.Meta):
        verbose_name = _("рубрика новостей")
        verbose_name_plural = _("рубрики новостей")
        ordering = ["sort_order", "name"]
        permissions = [("translate_rubric", _("Может только переводить рубрики, не меняя русский оригинал"))]
        constraints = [
            models.UniqueConstraint(fields=["slug", "locale"], name="unique_rubric_slug_per_locale"),
        ]

    def __str__(self):
        return self.name


class DecisionKind(TranslatableMixin, models.Model):
    """A kind of municipal act: решение, постановление, распоряжение…"""

    name = models.CharField(_("название"), max_length=100, help_text=_("С заглавной буквы: Решение."))
    slug = models.SlugField(
        _("код для адреса"),
        max_length=50,
        help_text=_("Латинские буквы и дефис, например reshenie. Используется в ссылках фильтра реестра."),
    )
    sort_order = models.PositiveSmallIntegerField(
        _("порядок"), default=100, help_text=_("Виды с меньшим числом показываются в списке раньше.")
    )

    panels = [FieldPanel("name"), FieldPanel("slug"), FieldPanel("sort_order")]
    translatable_fields = [
        TranslatableField("name"),
        SynchronizedField("slug", overridable=False),
        SynchronizedField("sort_order", overridable=False),
    ]

    class Meta(TranslatableMixin.Meta):
        verbose_name = _("вид правового акта")
        verbose_name_plural = _("виды правовых актов")
        ordering = ["sort_order", "name"]
        permissions = [
            ("translate_decisionkind", _("Может только переводить виды актов, не меняя русский оригинал"))
        ]
        constraints = [
            models.UniqueConstraint(fields=["slug", "locale"], name="unique_decision_kind_slug_per_locale"),
        ]

    def __str__(self):
        return self.name
