"""The abstract page every portal page type builds on."""

from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.admin.widgets import SlugInput
from wagtail.models import Page, PageViewRestriction
from wagtail.search import index
from wagtail_localize.fields import SynchronizedField, TranslatableField

from home.forms import PortalPageForm
from home.i18n import restricted_paths
from home.slugs import SLUG_FORMATTERS, latin_slugify


def parent_of(page):
    """The page's parent: the one routing came through (no query), else from the tree."""
    return getattr(page, "routed_parent", None) or page.get_parent()


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
                child.routed_parent = self  # what parent_of() gives back without a query
                return child.route(request, path_components[1:])
        return super().route(request, path_components)


# What wagtail-localize does with the fields every portal page has (see home/localize_sync.py):
# reader-facing text is translated; anything else is the same in every language.
# What every page of the portal translates of Wagtail's own page fields.
PAGE_TRANSLATABLE_FIELDS = [
    TranslatableField("title"),
    TranslatableField("slug"),
    TranslatableField("seo_title"),
    TranslatableField("search_description"),
    SynchronizedField("show_in_menus"),
]
BASE_PAGE_TRANSLATABLE_FIELDS = [
    *PAGE_TRANSLATABLE_FIELDS,
    TranslatableField("listing_summary"),
    SynchronizedField("listing_image"),
]


# Wagtail copies a copy as an alias of the copy, so chains exist (a Russian page, its English
# alias, a Udmurt alias of that); longer ones are not made by the admin.
ALIAS_CHAIN_DEPTH = 3


def alias_chain_ids(page):
    """The ids of a page's aliases, of their aliases and so on."""
    ids, step = [], [page.pk]
    while step:
        step = list(Page.objects.filter(alias_of_id__in=step).values_list("pk", flat=True))
        ids.extend(step)
    return ids


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
                FieldPanel("slug", widget=SlugInput(formatters=SLUG_FORMATTERS)),
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

    base_form_class = PortalPageForm

    class Meta:
        abstract = True

    def full_clean(self, *args, **kwargs):
        # Wagtail fills a missing slug from the title with Django's slugify, which drops Cyrillic
        # letters (WAGTAIL_ALLOW_UNICODE_SLUGS is off): transliterate first, as the admin does.
        if not self.slug and self.title and self.path:
            base_slug = latin_slugify(self.title)
            if base_slug:
                self.slug = self.free_slug(base_slug)
        super().full_clean(*args, **kwargs)

    def free_slug(self, base_slug):
        """``base_slug``, or ``base_slug-2``, ``-3``… whichever no sibling of this page has."""
        siblings = self.get_parent().get_children().exclude(pk=self.pk)
        taken = set(siblings.filter(slug__startswith=base_slug).values_list("slug", flat=True))
        candidate, suffix = base_slug, 1
        while candidate in taken:
            suffix += 1
            candidate = f"{base_slug}-{suffix}"
        return candidate

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

    def update_aliases(self, *args, **kwargs):
        """Publish the untranslated copies with the source, but never before it.

        Wagtail makes the copies live whenever the source's revision is published, even when that
        publication is only scheduled (wagtail/wagtail#11344): a news item planned for tomorrow was
        public today on /en/ and /udm/. The copies get the content now and go live with the source,
        when `publish_scheduled` publishes it (which updates them again).
        """
        super().update_aliases(*args, **kwargs)
        if self.alias_of_id is None and not self.live:
            Page.objects.filter(pk__in=alias_chain_ids(self)).update(live=False)

    update_aliases.alters_data = True

    def get_view_restrictions(self):
        """The restrictions that apply to this page, those of an untranslated copy's source included.

        Wagtail resolves an alias (and an alias among the ancestors) to its source page, but not to
        the source's own ancestors: the copy of a page in a private Russian section was public.
        """
        if not restricted_paths():  # nothing on the site is restricted: no query at all
            return PageViewRestriction.objects.none()
        # The page and its ancestors are the prefixes of its path: no query needed to know them.
        own = {self.path[:end] for end in range(Page.steplen, len(self.path) + 1, Page.steplen)}
        # A restriction on a source (or its ancestors) of the page or of an ancestor, through a chain
        # of aliases up to ALIAS_CHAIN_DEPTH long; all inside the one query for the restrictions.
        through_sources = Q()
        for depth in range(1, ALIAS_CHAIN_DEPTH + 1):
            under_source = {"__".join(["alias_of"] * depth) + "__path__startswith": OuterRef("page__path")}
            through_sources |= Exists(Page.objects.filter(path__in=own, **under_source))
        return PageViewRestriction.objects.filter(Q(page__path__in=own) | through_sources)

    @property
    def untranslated_original(self):
        """The source page when this page is an untranslated copy (an alias) from another language."""
        if self.alias_of_id is None:
            return None
        original = self.alias_of
        return original if original.locale_id != self.locale_id else None
