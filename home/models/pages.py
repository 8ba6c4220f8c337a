"""The home page of each language and the information pages under it."""

from django.db import models
from django.utils.html import strip_tags
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel, PageChooserPanel
from wagtail.fields import StreamField
from wagtail.models import Orderable
from wagtail.search import index
from wagtail_localize.fields import SynchronizedField, TranslatableField

from home.blocks import BodyBlock
from home.i18n import localized_pages_by_id, public, with_text_language

from .base import BASE_PAGE_TRANSLATABLE_FIELDS, BasePage


class HomePage(BasePage):
    """The front page of one language version of the portal."""

    intro = models.TextField(
        _("вступление"),
        blank=True,
        max_length=500,
        help_text=_("Короткий текст под названием портала на главной странице."),
    )
    problem_cta_title = models.CharField(
        _("заголовок призыва «Решаем вместе»"), max_length=100, default="Решаем вместе"
    )
    problem_cta_text = models.CharField(
        _("текст призыва"),
        max_length=300,
        default="Не убран мусор, яма на дороге, не горит фонарь? Столкнулись с проблемой — сообщите о ней!",
    )
    problem_cta_button = models.CharField(
        _("надпись на кнопке"), max_length=60, default="Сообщить о проблеме"
    )
    problem_cta_page = models.ForeignKey(
        "wagtailcore.Page",
        verbose_name=_("куда ведёт кнопка"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Обычно — страница формы «Решаем вместе». Без страницы кнопка не показывается."),
    )

    max_count_per_parent = 1
    parent_page_types = ["wagtailcore.Page"]
    subpage_types = [
        "home.InfoPage",
        "news.NewsIndexPage",
        "news.DecisionIndexPage",
        "feedback.FeedbackPage",
        "compliance.MandatoryInformationPage",
    ]

    search_fields = [*BasePage.search_fields, index.SearchField("intro")]

    content_panels = [
        *BasePage.content_panels,
        FieldPanel("intro"),
        MultiFieldPanel(
            [
                FieldPanel("problem_cta_title"),
                FieldPanel("problem_cta_text"),
                FieldPanel("problem_cta_button"),
                PageChooserPanel("problem_cta_page"),
            ],
            heading=_("Решаем вместе"),
        ),
        InlinePanel(
            "featured_links",
            label=_("Быстрая ссылка"),
            heading=_("Быстрые ссылки"),
            help_text=_("Разделы, которые жители ищут чаще всего. Порядок можно менять перетаскиванием."),
            max_num=12,
        ),
    ]

    translatable_fields = [
        *BASE_PAGE_TRANSLATABLE_FIELDS,
        TranslatableField("intro"),
        TranslatableField("problem_cta_title"),
        TranslatableField("problem_cta_text"),
        TranslatableField("problem_cta_button"),
        # Where residents are sent to report a problem: the same form page in every language.
        SynchronizedField("problem_cta_page", overridable=False),
        SynchronizedField("featured_links"),
    ]

    def own_summary(self):
        return self.intro

    class Meta:
        verbose_name = _("главная страница")
        verbose_name_plural = _("главные страницы")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        links = list(self.featured_links.all())
        # Chosen pages (the links' and the button's) in the visitor's language, in one query.
        localized = localized_pages_by_id([*(link.link_page_id for link in links), self.problem_cta_page_id])
        context["featured_links"] = []
        for link in links:
            target = localized[link.link_page_id]
            # An own title is in this page's language; else the title is the target's (maybe untranslated).
            context["featured_links"].append(
                {
                    "title": link.title or target.title,
                    "url": target.get_url(request),
                    "text_of": self if link.title else target,
                }
            )
        if self.problem_cta_page_id:
            target = localized[self.problem_cta_page_id]
            context["problem_cta_url"] = target.get_url(request)
            # The «Решаем вместе» form has the residents' published reports under it.
            if target.specific_class._meta.label_lower == "feedback.feedbackpage":
                context["problem_reports_url"] = context["problem_cta_url"] + "reports/"
        return context


class HomePageFeaturedLink(Orderable):
    """A quick link on the home page to a page of the portal, with an optional own title."""

    home_page = ParentalKey(HomePage, on_delete=models.CASCADE, related_name="featured_links")
    link_page = models.ForeignKey(
        "wagtailcore.Page",
        verbose_name=_("страница"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    title = models.CharField(
        _("надпись"),
        max_length=100,
        blank=True,
        help_text=_("Если пусто, покажем заголовок выбранной страницы."),
    )

    panels = [PageChooserPanel("link_page"), FieldPanel("title")]

    class Meta(Orderable.Meta):
        verbose_name = _("быстрая ссылка")
        verbose_name_plural = _("быстрые ссылки")

    def __str__(self):
        return self.display_title

    @property
    def display_title(self):
        return self.title or self.link_page.title


class InfoPage(BasePage):
    """A page of reference information: about the city, contacts, how to get a service."""

    body = StreamField(BodyBlock(), verbose_name=_("содержание"), blank=True)
    show_children = models.BooleanField(
        _("показывать список вложенных страниц"),
        default=True,
        help_text=_("Под текстом появится список страниц этого раздела с их кратким описанием."),
    )

    parent_page_types = ["home.HomePage", "home.InfoPage"]
    subpage_types = ["home.InfoPage", "compliance.MandatoryInformationPage"]

    search_fields = [*BasePage.search_fields, index.SearchField("body")]

    content_panels = [*BasePage.content_panels, FieldPanel("body"), FieldPanel("show_children")]
    translatable_fields = [
        *BASE_PAGE_TRANSLATABLE_FIELDS,
        TranslatableField("body"),
        SynchronizedField("show_children"),
    ]

    default_description = _("Справочная информация официального портала города Глазова.")

    def own_summary(self):
        """The first paragraph of the text, shortened to what a search engine shows."""
        for block in self.body:
            if block.block_type == "paragraph":
                return Truncator(strip_tags(block.value.source)).words(30)
        return ""

    class Meta:
        verbose_name = _("информационная страница")
        verbose_name_plural = _("информационные страницы")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        if self.show_children:
            # Children are information pages (subpage_types): one query with their listing images.
            context["child_pages"] = public(
                with_text_language(InfoPage.objects.child_of(self).live())
                .select_related("listing_image")
                .defer_streamfields()
            )
        return context
