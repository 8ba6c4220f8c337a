"""The registry of the city Duma's decisions: one page per municipal act."""

from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import formats
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalManyToManyField
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import RichTextField
from wagtail.search import index
from wagtail_localize.fields import SynchronizedField, TranslatableField

from home import caching
from home.i18n import linked_pages, visible_to_everyone, with_text_language
from home.models import BasePage
from home.models.base import PAGE_TRANSLATABLE_FIELDS, SpecificChildRouteMixin, parent_of
from news.forms import SourceLinksPageForm
from news.listings import decision_export_csv, decision_export_json, decision_registry
from news.widgets import decision_links, news_links

from .requisites import DecisionStatus, normalize_number, number_sort_key
from .snippets import DecisionKind, localized_snippets


class DecisionIndexPage(RoutablePageMixin, SpecificChildRouteMixin, BasePage):
    """The registry of decisions: filters, search, and open-data downloads (CSV, JSON)."""

    intro = models.TextField(
        _("вступление"),
        blank=True,
        max_length=1000,
        help_text=_("Короткий текст над реестром: что в нём публикуется и откуда берутся тексты."),
    )

    parent_page_types = ["home.HomePage"]
    subpage_types = ["news.DecisionPage"]
    max_count_per_parent = 1

    content_panels = [*BasePage.content_panels, FieldPanel("intro")]
    translatable_fields = [
        *PAGE_TRANSLATABLE_FIELDS,
        TranslatableField("intro"),
        TranslatableField("listing_summary"),
        SynchronizedField("listing_image"),
    ]

    default_description = _(
        "Реестр решений Глазовской городской Думы: поиск по номеру, дате и словам, "
        "тексты и подписанные документы."
    )

    def own_summary(self):
        return self.intro

    class Meta:
        verbose_name = _("реестр решений Думы")
        verbose_name_plural = _("реестры решений Думы")

    def decisions(self):
        """Published decisions of this registry anyone may open, with what listings and exports show."""
        caching.depends_on(caching.DECISIONS)
        return (
            with_text_language(visible_to_everyone(DecisionPage.objects.child_of(self)))
            .select_related("kind__locale", "document", "locale")
            .defer_streamfields()
        )

    def child_route_queryset(self):
        return DecisionPage.objects.select_related("locale", "alias_of", "kind", "document")

    @path("")
    def registry(self, request):
        return decision_registry(request, self)

    @path("export/csv/", name="export_csv")
    def export_csv(self, request):
        return decision_export_csv(request, self)

    @path("export/json/", name="export_json")
    def export_json(self, request):
        return decision_export_json(request, self)


class DecisionPage(BasePage):
    """One municipal act with its requisites, signed document, text and links to other acts."""

    kind = models.ForeignKey(
        "news.DecisionKind",
        verbose_name=_("вид акта"),
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Решение, постановление, распоряжение. Список видов — в меню «Новости и решения»."),
    )
    number = models.CharField(
        _("номер"),
        max_length=50,
        help_text=_("Как в подписанном документе, например «№ 123» или «123-р»."),
    )
    number_normalized = models.CharField(max_length=50, editable=False, db_index=True, default="")
    number_sort = models.PositiveIntegerField(editable=False, default=0)
    date_adopted = models.DateField(_("дата принятия"), help_text=_("Дата, стоящая на документе."))
    adopting_body = models.CharField(
        _("принявший орган"),
        max_length=200,
        default="Глазовская городская Дума",
        help_text=_("Например: Глазовская городская Дума."),
    )
    status = models.CharField(
        _("статус"),
        max_length=20,
        choices=DecisionStatus.choices,
        default=DecisionStatus.IN_FORCE,
        help_text=_(
            "Статус «утратило силу» ставится сам, когда публикуется решение, отменяющее это. "
            "Его можно поставить и вручную вместе с датой утраты силы."
        ),
    )
    effective_date = models.DateField(
        _("дата вступления в силу"), null=True, blank=True, help_text=_("Пусто, если ещё не вступило.")
    )
    lost_force_date = models.DateField(
        _("дата утраты силы"),
        null=True,
        blank=True,
        help_text=_("Заполняется сама при публикации отменяющего решения."),
    )
    publication_source = models.CharField(
        _("источник официального опубликования"),
        max_length=300,
        blank=True,
        help_text=_("Например: газета «Красное знамя», № 45 (12345)."),
    )
    publication_date = models.DateField(_("дата официального опубликования"), null=True, blank=True)
    document = models.ForeignKey(
        "wagtaildocs.Document",
        verbose_name=_("подписанный документ"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Скан или файл подписанного решения в PDF или DOCX из библиотеки документов."),
    )
    full_text = RichTextField(
        _("текст решения"),
        blank=True,
        features=["h2", "h3", "h4", "bold", "italic", "ol", "ul", "link", "document-link"],
        help_text=_("Полный текст для чтения на сайте и поиска. Официальный текст — подписанный документ."),
    )
    amends = ParentalManyToManyField(
        "self",
        verbose_name=_("вносит изменения в"),
        symmetrical=False,
        blank=True,
        related_name="amended_by",
        help_text=_("Решения, в которые это решение вносит изменения. У них появится строка «в редакции…»."),
    )
    repeals = ParentalManyToManyField(
        "self",
        verbose_name=_("признаёт утратившими силу"),
        symmetrical=False,
        blank=True,
        related_name="repealed_by",
        help_text=_(
            "Решения, которые это решение отменяет. При публикации их статус станет «утратило силу»."
        ),
    )
    related_news = ParentalManyToManyField(
        "news.NewsPage",
        verbose_name=_("связанные новости"),
        blank=True,
        related_name="related_from_decisions",
        help_text=_("Новости об этом решении. Связь видна на обеих страницах."),
    )

    parent_page_types = ["news.DecisionIndexPage"]
    subpage_types = []

    search_fields = [
        *BasePage.search_fields,
        index.SearchField("number"),
        index.SearchField("full_text"),
        index.FilterField("number_normalized"),
        index.FilterField("status"),
        index.FilterField("date_adopted"),
        index.FilterField("kind_id"),
    ]

    content_panels = [
        *BasePage.content_panels,
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("kind"), FieldPanel("number"), FieldPanel("date_adopted")]),
                FieldPanel("adopting_body"),
            ],
            heading=_("Реквизиты"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("status"),
                FieldRowPanel([FieldPanel("effective_date"), FieldPanel("lost_force_date")]),
            ],
            heading=_("Действие"),
        ),
        MultiFieldPanel(
            [FieldRowPanel([FieldPanel("publication_source"), FieldPanel("publication_date")])],
            heading=_("Официальное опубликование"),
        ),
        FieldPanel("document"),
        FieldPanel("full_text"),
        MultiFieldPanel(
            [
                FieldPanel("amends", widget=decision_links()),
                FieldPanel("repeals", widget=decision_links()),
                FieldPanel("related_news", widget=news_links()),
            ],
            heading=_("Связи"),
        ),
    ]
    base_form_class = SourceLinksPageForm
    translatable_fields = [
        *PAGE_TRANSLATABLE_FIELDS,
        TranslatableField("full_text"),
        TranslatableField("adopting_body"),
        TranslatableField("publication_source"),
        TranslatableField("listing_summary"),
        SynchronizedField("kind", overridable=False),
        SynchronizedField("number", overridable=False),
        SynchronizedField("date_adopted", overridable=False),
        SynchronizedField("status", overridable=False),
        SynchronizedField("effective_date", overridable=False),
        SynchronizedField("lost_force_date", overridable=False),
        SynchronizedField("publication_date", overridable=False),
        SynchronizedField("document", overridable=False),
        # Links point to Russian acts and news in every language (home/localize_sync.py keeps them equal).
        SynchronizedField("amends", overridable=False),
        SynchronizedField("repeals", overridable=False),
        SynchronizedField("related_news", overridable=False),
        SynchronizedField("listing_image"),
    ]

    def own_summary(self):
        """How the act is cited: «Решение от 5 мая 2016 № 1 «О …»», by the body that adopted it."""
        return f"{self.kind_name} {self.requisites} «{self.title}». {self.adopting_body}."

    class Meta:
        verbose_name = _("решение Думы")
        verbose_name_plural = _("решения Думы")
        ordering = ["-date_adopted", "-number_sort"]
        # The registry's default order: its first page reads 20 rows, not every act.
        indexes = [models.Index(fields=["-date_adopted", "-number_sort"], name="news_decision_newest_first")]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        self.number_normalized = normalize_number(self.number)
        self.number_sort = number_sort_key(self.number)
        return super().save(*args, **kwargs)

    def clean(self):
        super().clean()
        errors = {}
        if self.date_adopted:
            for field in ("effective_date", "lost_force_date"):
                value = getattr(self, field)
                if value and value < self.date_adopted:
                    errors[field] = _("Эта дата не может быть раньше даты принятия. Проверьте год и месяц.")
        if self.status == DecisionStatus.LOST_FORCE and not self.lost_force_date:
            errors["lost_force_date"] = _("Для статуса «утратило силу» укажите дату утраты силы.")
        if not normalize_number(self.number):
            errors["number"] = _("Укажите номер с цифрами или буквами, например «№ 123».")
        if errors:
            raise ValidationError(errors)

    @property
    def requisites(self):
        """ "решения от 5 мая 2016 № 123": how an act is cited in another act's text."""
        return _("от %(date)s %(number)s") % {
            "date": formats.date_format(self.date_adopted, "j E Y"),
            "number": self.display_number,
        }

    @cached_property
    def kind_shown(self):
        """The kind of act in the visitor's language, else in Russian (listings set it for a whole page)."""
        return localized_snippets(DecisionKind).get(self.kind_id) or self.kind

    @cached_property
    def kind_name(self):
        """The kind of act («Решение») in the visitor's language (listings set it for a whole page)."""
        return self.kind_shown.name

    @property
    def display_number(self):
        """The number with a "№" sign in front when the editor typed only digits."""
        return self.number if self.number.strip().startswith("№") else f"№ {self.number.strip()}"

    @property
    def registry(self):
        """The registry the act is listed in (its parent: no query when routing came through it)."""
        return parent_of(self)

    @property
    def is_in_force(self):
        return self.status == DecisionStatus.IN_FORCE

    def get_context(self, request, *args, **kwargs):
        NewsPage = apps.get_model("news", "NewsPage")  # news.models.news imports this module
        context = super().get_context(request, *args, **kwargs)
        by_date = lambda d: (d.date_adopted, d.number_sort)  # noqa: E731
        # Every link between acts in one query, and every news item linked either way in another.
        acts = linked_pages(
            DecisionPage.objects.defer("full_text"),
            self.translation_key,
            {
                "amended_by": "amends",
                "repealed_by": "repeals",
                "amends_list": "amended_by",
                "repeals_list": "repealed_by",
            },
        )
        for name, pages in acts.items():
            context[name] = sorted(pages, key=by_date)
        news = linked_pages(
            NewsPage.objects.defer_streamfields(),
            self.translation_key,
            {"chosen_there": "related_decisions", "chosen_here": "related_from_decisions"},
        )
        related = {page.translation_key: page for pages in news.values() for page in pages}
        context["related_news_list"] = sorted(related.values(), key=lambda n: n.date, reverse=True)[:10]
        return context
