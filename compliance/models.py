"""The registry of information the law requires the site to publish (8-ФЗ art. 13–14).

Staff-only records in Russian: they are neither pages nor translatable snippets (the public map
page, MandatoryInformationPage, shows them as they are, marked as Russian). The law speaks
of the official site in the state language, so an item is satisfied by Russian pages only; its
English and Udmurt copies are the translators' business, not the prosecutor's.
"""

from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel, MultipleChooserPanel
from wagtail.fields import RichTextField
from wagtail.models import Orderable, Page
from wagtail_localize.fields import TranslatableField

from home import caching
from home.i18n import localized_pages_by_id, visible_to_everyone
from home.models.base import BASE_PAGE_TRANSLATABLE_FIELDS, BasePage


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


# --- The public map of mandatory information ----------------------------------------------------


@dataclass
class PublicItem:
    title: str
    legal_reference: str
    not_applicable_reason: str = ""
    pages: list = field(default_factory=list)


@dataclass
class PublicSection:
    label: str
    items: list = field(default_factory=list)


def public_map():
    """The sections of the law in order, each with its items and the public pages that satisfy them.

    Only what any visitor may open is linked (home.i18n.visible_to_everyone), in the visitor's
    language where a live version exists; an item whose pages are all unpublished or private
    says it is not published yet. Nothing about who keeps an item, reviews or reminders is shown.
    Three queries whatever the number of items: the items with their links, the linked pages
    anyone may open, and their versions in the visitor's language.
    """
    caching.depends_on(caching.MANDATORY)
    items = list(RequiredItem.objects.prefetch_related("page_links"))
    linked_ids = {link.page_id for item in items for link in item.page_links.all()}
    public_ids = set(visible_to_everyone(Page.objects.filter(pk__in=linked_ids)).values_list("pk", flat=True))
    shown = localized_pages_by_id(sorted(public_ids))
    sections = {value: PublicSection(label) for value, label in Section.choices}
    for item in items:
        public_item = PublicItem(item.title, item.legal_reference)
        if item.not_applicable:
            public_item.not_applicable_reason = item.not_applicable_reason
        else:
            public_item.pages = [
                shown[link.page_id] for link in item.page_links.all() if link.page_id in shown
            ]
        sections[item.section].items.append(public_item)
    return [section for section in sections.values() if section.items]


class MandatoryInformationPage(BasePage):
    """The public map of mandatory information: each item of the law and the pages that publish it.

    Regions ask municipal sites for such a map, and a prosecutor checks the site with it. It is
    read from the registry editors keep (RequiredItem): nothing is typed twice. The items are
    the registry's Russian records, shown as such (marked lang="ru") on the other languages.
    """

    intro = RichTextField(
        _("вступление"),
        blank=True,
        features=["bold", "italic", "link"],
        help_text=_("Несколько слов над списком: что это за перечень и на каком законе он основан."),
    )

    parent_page_types = ["home.HomePage", "home.InfoPage"]
    subpage_types = []
    max_count_per_parent = 1

    content_panels = [*BasePage.content_panels, FieldPanel("intro")]
    translatable_fields = [*BASE_PAGE_TRANSLATABLE_FIELDS, TranslatableField("intro")]

    default_description = _(
        "Какая информация о деятельности органов местного самоуправления Глазова размещена на "
        "портале по закону (8-ФЗ, статья 13) и на каких страницах."
    )

    template = "compliance/mandatory_information_page.html"

    class Meta:
        verbose_name = _("страница обязательной информации")
        verbose_name_plural = _("страницы обязательной информации")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["sections"] = public_map()
        return context
