"""The abstract page every portal page type builds on."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.models import Page
from wagtail.search import index


class SpecificChildRouteMixin:
    """Route to a child page with one query that also fetches what the child's page shows.

    Wagtail finds the child, then its specific page, then each related object as the template
    reads it. Index pages whose children are one type list that type and its related objects in
    `child_route_queryset()`. Put the mixin after RoutablePageMixin, so the index's own routes win.
    """

    def child_route_queryset(self):
        raise NotImplementedError

    def route(self, request, path_components):
        if path_components:
            child = self.child_route_queryset().child_of(self).filter(slug=path_components[0]).first()
            if child is not None:
                child._cached_parent_obj = self  # as Wagtail does: the child's get_parent() costs nothing
                return child.route(request, path_components[1:])
        return super().route(request, path_components)


class BasePage(Page):
    """What every page shares: a listing summary and image, and the SEO description.

    Concrete pages add only their own fields and set their parent and child types.
    """

    listing_summary = models.TextField(
        _("краткое описание для списков"),
        blank=True,
        max_length=400,
        help_text=_(
            "Одно-два предложения, которые увидят в списках страниц и в поиске. "
            "Если пусто, в списках будет только заголовок."
        ),
    )
    listing_image = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("изображение для списков"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Показывается в списках и при публикации ссылки в соцсетях."),
    )

    search_fields = [*Page.search_fields, index.SearchField("listing_summary")]

    promote_panels = [
        MultiFieldPanel(
            [
                FieldPanel("slug"),
                FieldPanel("seo_title"),
                FieldPanel("search_description"),
                FieldPanel("show_in_menus"),
            ],
            heading=_("Адрес и поисковые системы"),
        ),
        MultiFieldPanel(
            [FieldPanel("listing_summary"), FieldPanel("listing_image")],
            heading=_("Как страница выглядит в списках"),
        ),
    ]

    class Meta:
        abstract = True

    # What `<meta name="description">` says of a page of this type whose editors wrote nothing.
    default_description = _(
        "Официальный портал муниципального образования «Город Глазов»: новости, решения "
        "городской Думы, сообщения о проблемах в городе."
    )

    @property
    def summary(self):
        """The page in a sentence or two, as the editors wrote it: SEO text, summary, else its own lead."""
        return self.search_description or self.listing_summary or self.own_summary()

    def own_summary(self):
        """The page type's own short text (a lead, an introduction); empty when it has none."""
        return ""

    @property
    def meta_description(self):
        """The text for `<meta name="description">`: the summary, else the page type's default."""
        return self.summary or str(self.default_description)

    @property
    def untranslated_original(self):
        """The source page when this page is an untranslated copy (an alias) from another language."""
        if self.alias_of_id is None:
            return None
        original = self.alias_of
        return original if original.locale_id != self.locale_id else None
