"""City news: the news index (listing, archive, rubrics, RSS) and the news item."""

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from taggit.models import TaggedItemBase
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import StreamField
from wagtail.search import index
from wagtail_localize.fields import SynchronizedField, TranslatableField

from home import caching
from home.blocks import BodyBlock
from home.i18n import linked_pages, public, with_text_language
from home.models import BasePage
from home.models.base import SpecificChildRouteMixin, parent_of
from news.feeds import NewsFeed
from news.forms import SourceLinksPageForm
from news.listings import news_listing
from news.widgets import decision_links, news_links, rubric_links

from .decisions import PAGE_TRANSLATABLE_FIELDS, DecisionPage
from .snippets import Rubric, localized_snippets


class NewsIndexPage(RoutablePageMixin, SpecificChildRouteMixin, BasePage):
    """The list of news with rubric and month filters, and the RSS feeds."""

    intro = models.TextField(
        _("вступление"), blank=True, max_length=1000, help_text=_("Короткий текст над списком новостей.")
    )
    home_page_count = models.PositiveSmallIntegerField(
        _("новостей на главной странице"),
        default=4,
        validators=[MaxValueValidator(12)],
        help_text=_("Сколько последних новостей показать на главной (от 0 до 12; 0 — не показывать)."),
    )

    parent_page_types = ["home.HomePage"]
    subpage_types = ["news.NewsPage"]
    max_count_per_parent = 1

    content_panels = [*BasePage.content_panels, FieldPanel("intro"), FieldPanel("home_page_count")]
    translatable_fields = [
        *PAGE_TRANSLATABLE_FIELDS,
        TranslatableField("intro"),
        TranslatableField("listing_summary"),
        SynchronizedField("home_page_count", overridable=False),
        SynchronizedField("listing_image"),
    ]

    default_description = _("Новости города Глазова: события, решения, объявления Администрации и Думы.")

    def own_summary(self):
        return self.intro

    class Meta:
        verbose_name = _("лента новостей")
        verbose_name_plural = _("ленты новостей")

    def news(self):
        """Published news of this index, newest first, with what a listing shows."""
        caching.depends_on(caching.NEWS)
        return (
            public(with_text_language(NewsPage.objects.child_of(self)).live())
            .select_related("locale")
            .defer_streamfields()
            .order_by("-date", "-pk")
        )

    def child_route_queryset(self):
        return NewsPage.objects.select_related("locale", "alias_of", "image")

    @path("")
    def listing(self, request):
        return news_listing(request, self)

    @path("feed/", name="feed")
    def feed(self, request):
        return NewsFeed(self)(request)

    @path("feed/<slug:rubric>/", name="rubric_feed")
    def rubric_feed(self, request, rubric):
        return NewsFeed(self, rubric_slug=rubric)(request)


class NewsPageTag(TaggedItemBase):
    content_object = ParentalKey("news.NewsPage", on_delete=models.CASCADE, related_name="tagged_items")


class NewsPage(BasePage):
    """One news item: date, lead, text, main image, rubrics, tags and related pages."""

    date = models.DateTimeField(
        _("дата публикации"),
        default=timezone.now,
        help_text=_(
            "Стоит у новости и задаёт её место в ленте. "
            "Время выхода на сайт задают в панели «Статус», кнопкой «Установить расписание»."
        ),
    )
    lead = models.TextField(
        _("лид"),
        max_length=400,
        help_text=_(
            "Одно-два предложения о главном. Видны в списке новостей, на главной, в RSS и "
            "в описании для поисковиков."
        ),
    )
    body = StreamField(BodyBlock(), verbose_name=_("текст новости"), blank=True)
    image = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("главное изображение"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Показывается над текстом, в списке новостей и при публикации ссылки в соцсетях."),
    )
    image_alt = models.CharField(
        _("описание изображения (alt)"),
        max_length=250,
        blank=True,
        help_text=_(
            "Что изображено, для незрячих читателей: «Депутаты на сессии городской Думы». "
            "Если пусто, возьмём описание из библиотеки изображений."
        ),
    )
    image_decorative = models.BooleanField(
        _("изображение декоративное"),
        default=False,
        help_text=_(
            "Отметьте, только если картинка ничего не сообщает (фон, узор). Тогда описание не нужно."
        ),
    )
    rubrics = ParentalManyToManyField(
        "news.Rubric",
        verbose_name=_("рубрики"),
        blank=True,
        related_name="news_pages",
        help_text=_("Одна или несколько рубрик. Читатели могут смотреть новости одной рубрики."),
    )
    tags = ClusterTaggableManager(
        through=NewsPageTag,
        verbose_name=_("теги"),
        blank=True,
        help_text=_("Ключевые слова через запятую: «дороги, ремонт»."),
    )
    related_news = ParentalManyToManyField(
        "self",
        verbose_name=_("связанные новости"),
        symmetrical=False,
        blank=True,
        related_name="related_from_news",
        help_text=_("Другие новости на ту же тему. Связь видна на обеих страницах."),
    )
    related_decisions = ParentalManyToManyField(
        "news.DecisionPage",
        verbose_name=_("связанные решения Думы"),
        blank=True,
        related_name="related_from_news_pages",
        help_text=_("Решения, о которых эта новость. Связь видна на обеих страницах."),
    )

    parent_page_types = ["news.NewsIndexPage"]
    subpage_types = []

    search_fields = [
        *BasePage.search_fields,
        index.SearchField("lead"),
        index.SearchField("body"),
        index.FilterField("date"),
    ]

    content_panels = [
        *BasePage.content_panels,
        FieldPanel("date"),
        FieldPanel("lead"),
        MultiFieldPanel(
            [FieldPanel("image"), FieldPanel("image_alt"), FieldPanel("image_decorative")],
            heading=_("Главное изображение"),
        ),
        FieldPanel("body"),
        MultiFieldPanel(
            [
                FieldPanel("rubrics", widget=rubric_links()),
                FieldPanel("tags"),
                FieldPanel("related_news", widget=news_links()),
                FieldPanel("related_decisions", widget=decision_links()),
            ],
            heading=_("Рубрики и связи"),
        ),
    ]
    # The lead and the main image are what listings show, so the generic listing fields are hidden.
    promote_panels = [BasePage.promote_panels[0]]
    base_form_class = SourceLinksPageForm
    translatable_fields = [
        *PAGE_TRANSLATABLE_FIELDS,
        TranslatableField("lead"),
        TranslatableField("body"),
        TranslatableField("image_alt"),
        # Set from the lead and the image on save; declared so that nothing is left undecided.
        TranslatableField("listing_summary"),
        SynchronizedField("listing_image"),
        SynchronizedField("date", overridable=False),
        SynchronizedField("image"),
        SynchronizedField("image_decorative"),
        SynchronizedField("tagged_items"),
        # Links point to Russian items in every language (home/localize_sync.py keeps them equal).
        SynchronizedField("rubrics", overridable=False),
        SynchronizedField("related_news", overridable=False),
        SynchronizedField("related_decisions", overridable=False),
    ]

    class Meta:
        verbose_name = _("новость")
        verbose_name_plural = _("новости")
        # Listings read the newest first: with it the home page's latest news read 4 rows, not 1,000.
        indexes = [models.Index(fields=["-date", "-page_ptr"], name="news_newest_first")]

    def save(self, *args, **kwargs):
        # Search results and generic listings read these BasePage fields.
        self.listing_summary = self.lead[:400]
        self.listing_image = self.image
        return super().save(*args, **kwargs)

    def clean(self):
        super().clean()
        if self.image and not self.image_decorative and not (self.image_alt or self.image.description):
            raise ValidationError(
                {
                    "image_alt": _(
                        "Опишите, что изображено на картинке, или отметьте «изображение декоративное»."
                    )
                }
            )

    def own_summary(self):
        return self.lead

    @property
    def alt_text(self):
        """The image's text alternative: empty for a decorative image."""
        if self.image_decorative or not self.image:
            return ""
        return self.image_alt or self.image.description

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        rubrics = localized_snippets(Rubric)
        context["rubrics"] = sorted(
            filter(None, (rubrics.get(rubric.pk) for rubric in self.rubrics.all())),
            key=lambda rubric: (rubric.sort_order, rubric.name),
        )
        context["index_page"] = parent_of(self).specific
        context["page_full_url"] = request.build_absolute_uri(self.get_url(request))
        context["og_locale"] = {"ru": "ru_RU", "en": "en_GB", "udm": "udm_RU"}.get(
            self.locale.language_code, "ru_RU"
        )
        if self.image:
            rendition = self.image.get_rendition("fill-1200x630")
            context["og_image"] = {
                "url": request.build_absolute_uri(rendition.url),
                "width": rendition.width,
                "height": rendition.height,
            }
        context["related_decisions_list"] = sorted(
            self.related_decisions_linked(), key=lambda d: d.date_adopted, reverse=True
        )
        news = [n for n in self.related_news_linked() if n.translation_key != self.translation_key]
        context["related_news_list"] = sorted(news, key=lambda n: n.date, reverse=True)[:6]
        return context

    def _linked(self, queryset, lookups):
        found = linked_pages(queryset, self.translation_key, lookups)
        return list({page.translation_key: page for pages in found.values() for page in pages}.values())

    def related_decisions_linked(self):
        """Decisions linked either way (chosen here, or this news chosen on the decision), in one query."""
        return self._linked(
            DecisionPage.objects.defer("full_text"),
            {"chosen_there": "related_news", "chosen_here": "related_from_news_pages"},
        )

    def related_news_linked(self):
        """Other news linked either way, in one query."""
        return self._linked(
            NewsPage.objects.defer_streamfields(),
            {"chosen_there": "related_news", "chosen_here": "related_from_news"},
        )
