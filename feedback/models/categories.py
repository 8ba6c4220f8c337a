"""The kinds of problems residents can report, translatable and routed to the responsible service."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.models import TranslatableMixin
from wagtail_localize.fields import SynchronizedField, TranslatableField


class ProblemCategoryQuerySet(models.QuerySet):
    def active(self):
        return self.filter(active=True)


def translations_by_key(categories):
    """The visitor's-language versions of `categories` (a queryset), by translation key, in one query."""
    from home.i18n import active_language_code

    return {
        category.translation_key: category
        for category in ProblemCategory.objects.filter(
            translation_key__in=categories.values("translation_key"),
            locale__language_code=active_language_code(),
        )
    }


class ProblemCategory(TranslatableMixin, models.Model):
    """A kind of problem (rubbish, roads, street lights…), with the address its reports go to."""

    name = models.CharField(
        _("название"),
        max_length=100,
        help_text=_("Так категорию увидят жители в форме, например «Уличное освещение»."),
    )
    description = models.CharField(
        _("пояснение"),
        max_length=300,
        blank=True,
        help_text=_("Подсказка под названием: какие проблемы относятся к этой категории."),
    )
    routing_email = models.EmailField(
        _("почта ответственной службы"),
        blank=True,
        help_text=_(
            "Сюда придёт уведомление о каждом новом сообщении этой категории. "
            "Если пусто — только на общие адреса страницы формы."
        ),
    )
    active = models.BooleanField(
        _("принимать сообщения"),
        default=True,
        help_text=_("Снимите галочку, чтобы категория пропала из формы. Старые сообщения останутся."),
    )
    sort_order = models.PositiveSmallIntegerField(
        _("порядок"), default=100, help_text=_("Категории с меньшим числом показываются в форме выше.")
    )

    objects = ProblemCategoryQuerySet.as_manager()

    panels = [
        FieldPanel("name"),
        FieldPanel("description"),
        FieldPanel("routing_email"),
        FieldPanel("active"),
        FieldPanel("sort_order"),
    ]

    # Where its reports go, and whether the form offers it, are the Russian version's in every language.
    translatable_fields = [
        TranslatableField("name"),
        TranslatableField("description"),
        SynchronizedField("routing_email", overridable=False),
        SynchronizedField("active", overridable=False),
        SynchronizedField("sort_order", overridable=False),
    ]

    class Meta(TranslatableMixin.Meta):
        verbose_name = _("категория проблем")
        verbose_name_plural = _("категории проблем")
        ordering = ["sort_order", "name"]
        permissions = [
            ("translate_problemcategory", _("Может только переводить категории, не меняя русский оригинал"))
        ]

    def __str__(self):
        return self.name

    @property
    def display_name(self):
        """The name in the visitor's language when a translation exists, else the original one."""
        return self.localized.name

    @property
    def display_description(self):
        return self.localized.description
