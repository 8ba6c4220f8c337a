"""The registry of information the law requires the site to publish (8-ФЗ art. 13–14).

Staff-only records in Russian: they are neither pages nor translatable snippets. The law speaks
of the official site in the state language, so an item is satisfied by Russian pages only; its
English and Udmurt copies are the translators' business, not the prosecutor's.
"""

from django.conf import settings
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel, MultipleChooserPanel
from wagtail.models import Orderable


class Section(models.TextChoices):
    """The points of 8-ФЗ art. 13 part 1, and the city's own items."""

    GENERAL = "general", _("Общая информация (п. 1)")
    LAWMAKING = "lawmaking", _("Нормотворческая деятельность (п. 2)")
    PROGRAMMES = "programmes", _("Программы и мероприятия (п. 3)")
    EMERGENCIES = "emergencies", _("Защита от чрезвычайных ситуаций (п. 4)")
    INSPECTIONS = "inspections", _("Результаты проверок (п. 5)")
    SPEECHES = "speeches", _("Выступления руководителей (п. 6)")
    STATISTICS = "statistics", _("Статистика и бюджетные средства (п. 7)")
    PERSONNEL = "personnel", _("Кадровое обеспечение (п. 8)")
    APPEALS = "appeals", _("Работа с обращениями (п. 9)")
    LOCAL = "local", _("Местные требования")


class Body(models.TextChoices):
    ADMINISTRATION = "administration", _("Администрация")
    DUMA = "duma", _("Городская Дума")
    BOTH = "both", _("Администрация и Городская Дума")


class ReviewPeriod(models.TextChoices):
    MONTHLY = "monthly", _("ежемесячно")
    QUARTERLY = "quarterly", _("ежеквартально")
    HALF_YEARLY = "half_yearly", _("раз в полгода")
    YEARLY = "yearly", _("ежегодно")
    ON_CHANGE = "on_change", _("при изменении")


# How many months an item stays current after its page was published or reviewed. The site cannot
# know when the world changed, so an «on change» item is confirmed every quarter all the same.
PERIOD_MONTHS = {
    ReviewPeriod.MONTHLY: 1,
    ReviewPeriod.QUARTERLY: 3,
    ReviewPeriod.HALF_YEARLY: 6,
    ReviewPeriod.YEARLY: 12,
    ReviewPeriod.ON_CHANGE: 3,
}


class RequiredItem(ClusterableModel):
    """One piece of information the site must publish, the pages that publish it and who keeps it."""

    code = models.CharField(
        _("код пункта закона"),
        max_length=40,
        blank=True,
        editable=False,
        help_text=_("Заполняется у пунктов из закона; у местных требований пуст."),
    )
    title = models.CharField(
        _("название"), max_length=255, help_text=_("Коротко, как в отчёте: «Вакантные должности».")
    )
    section = models.CharField(
        _("раздел"),
        max_length=20,
        choices=Section.choices,
        default=Section.LOCAL,
        help_text=_("Пункт части 1 статьи 13 или «Местные требования» для пунктов из правовых актов города."),
    )
    body = models.CharField(
        _("чья информация"),
        max_length=20,
        choices=Body.choices,
        default=Body.BOTH,
        help_text=_("Какой орган обязан её размещать."),
    )
    legal_reference = models.CharField(
        _("основание"),
        max_length=255,
        help_text=_(
            "Статья, часть, пункт и подпункт закона или реквизиты местного акта, "
            "например «постановление Администрации от 01.02.2026 № 1/5, п. 3»."
        ),
    )
    legal_text = models.TextField(
        _("текст требования"), blank=True, help_text=_("Формулировка закона или акта, чтобы не искать её.")
    )
    review_period = models.CharField(
        _("как часто проверять"),
        max_length=20,
        choices=ReviewPeriod.choices,
        default=ReviewPeriod.QUARTERLY,
        help_text=_(
            "Через сколько после последней публикации страницы или отметки «проверено» пункт "
            "считается устаревшим. «При изменении» — проверять раз в квартал."
        ),
    )
    change_working_days = models.PositiveSmallIntegerField(
        _("срок обновления, рабочих дней"),
        null=True,
        blank=True,
        help_text=_("Для «при изменении»: за сколько рабочих дней после изменения обновить страницу."),
    )
    responsible_group = models.ForeignKey(
        Group,
        verbose_name=_("ответственная группа"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Напоминания получают её сотрудники, если ответственный сотрудник не указан."),
    )
    responsible_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("ответственный сотрудник"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Кому приходят напоминания о сроке проверки."),
    )
    not_applicable = models.BooleanField(
        _("не относится к городу"),
        default=False,
        help_text=_("Например, у органа нет подведомственных СМИ. Причину укажите ниже."),
    )
    not_applicable_reason = models.TextField(
        _("почему не относится"), blank=True, help_text=_("Эту причину увидит проверяющий в отчёте.")
    )
    reviewed_at = models.DateTimeField(_("проверено"), null=True, blank=True, editable=False)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("кем проверено"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    sort_order = models.PositiveIntegerField(_("порядок"), default=1000, editable=False)

    panels = [
        FieldPanel("title"),
        FieldRowPanel([FieldPanel("section"), FieldPanel("body")]),
        FieldPanel("legal_reference"),
        FieldPanel("legal_text"),
        FieldRowPanel([FieldPanel("review_period"), FieldPanel("change_working_days")]),
        FieldRowPanel([FieldPanel("responsible_user"), FieldPanel("responsible_group")]),
        MultipleChooserPanel(
            "page_links",
            chooser_field_name="page",
            heading=_("Страницы, где размещена информация"),
            label=_("Страница"),
            help_text=_("Русские страницы или реестры, которые выполняют требование. Можно несколько."),
        ),
        MultiFieldPanel(
            [FieldPanel("not_applicable"), FieldPanel("not_applicable_reason")],
            heading=_("Неприменимость"),
        ),
    ]

    class Meta:
        verbose_name = _("пункт обязательной информации")
        verbose_name_plural = _("обязательная информация")
        ordering = ["sort_order", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["code"], condition=~models.Q(code=""), name="compliance_unique_law_code"
            )
        ]

    def __str__(self):
        return self.title

    @property
    def is_local(self):
        return not self.code

    @property
    def period_months(self):
        return PERIOD_MONTHS[self.review_period]

    def clean(self):
        super().clean()
        if self.not_applicable and not self.not_applicable_reason.strip():
            raise ValidationError(
                {
                    "not_applicable_reason": _(
                        "Напишите, почему пункт не относится к городу: это увидит проверяющий."
                    )
                }
            )
        if self.review_period == ReviewPeriod.ON_CHANGE and not self.change_working_days:
            raise ValidationError(
                {
                    "change_working_days": _(
                        "Укажите, за сколько рабочих дней после изменения обновить страницу."
                    )
                }
            )

    @property
    def responsible_display(self):
        if self.responsible_user:
            return self.responsible_user.get_full_name() or self.responsible_user.get_username()
        return self.responsible_group.name if self.responsible_group else ""


class RequiredItemPage(Orderable):
    """A page (or registry) that publishes the item."""

    item = ParentalKey(RequiredItem, on_delete=models.CASCADE, related_name="page_links")
    page = models.ForeignKey(
        "wagtailcore.Page",
        verbose_name=_("страница"),
        on_delete=models.CASCADE,
        related_name="mandatory_item_links",
    )

    panels = [FieldPanel("page")]

    class Meta(Orderable.Meta):
        verbose_name = _("страница пункта")
        verbose_name_plural = _("страницы пункта")


class ItemReview(models.Model):
    """«Проверено, изменений нет»: who looked at the item's pages and when (no page revision)."""

    item = models.ForeignKey(RequiredItem, on_delete=models.CASCADE, related_name="reviews")
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_at = models.DateTimeField()

    class Meta:
        ordering = ["-reviewed_at"]
        verbose_name = _("отметка о проверке")
        verbose_name_plural = _("отметки о проверке")

    def __str__(self):
        return f"{self.item} — {self.reviewed_at:%d.%m.%Y %H:%M}"


class Reminder(models.Model):
    """An e-mail sent about an item; one of each kind per due date, so nobody is reminded every day."""

    class Kind(models.TextChoices):
        DUE_SOON = "due_soon", _("скоро срок проверки")
        STALE = "stale", _("устарело")

    item = models.ForeignKey(RequiredItem, on_delete=models.CASCADE, related_name="reminders")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    due_date = models.DateField()
    recipients = models.TextField()
    sent_at = models.DateTimeField()

    class Meta:
        ordering = ["-sent_at"]
        constraints = [
            models.UniqueConstraint(fields=["item", "kind", "due_date"], name="compliance_reminder_once")
        ]

    def __str__(self):
        return f"{self.item} — {self.get_kind_display()}, {self.due_date:%d.%m.%Y}"
