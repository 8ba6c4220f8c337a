"""Admin views: the decisions listing with filters and number lookup, rubrics and kinds of acts."""

import django_filters
from django.conf import settings
from django.utils.translation import gettext_lazy as _
from wagtail.admin.ui.tables import Column
from wagtail.admin.ui.tables.pages import PageStatusColumn
from wagtail.admin.viewsets.pages import PageListingViewSet
from wagtail.snippets.views.snippets import SnippetViewSetGroup

from home.admin_tables import LocalDateColumn, TranslationsColumn, annotate_translation_states
from home.spreadsheet import SafeSpreadsheetExportMixin
from home.viewsets import TranslatableSnippetViewSet
from news.models import DecisionKind, DecisionPage, DecisionStatus, NewsPage, Rubric
from news.models.decisions import normalize_number


def decision_years(request=None):
    years = DecisionPage.objects.dates("date_adopted", "year", order="DESC")
    return [(d.year, str(d.year)) for d in years]


class DecisionFilterSet(PageListingViewSet.filterset_class):
    status = django_filters.ChoiceFilter(label=_("Статус"), choices=DecisionStatus.choices)
    kind = django_filters.ModelChoiceFilter(
        label=_("Вид акта"), queryset=DecisionKind.objects.filter(locale__language_code="ru")
    )
    year = django_filters.TypedChoiceFilter(
        label=_("Год принятия"),
        field_name="date_adopted",
        lookup_expr="year",
        choices=decision_years,
        coerce=int,
    )

    class Meta:
        model = DecisionPage
        fields = []


class SourceLanguageIndexView(SafeSpreadsheetExportMixin, PageListingViewSet.index_view_class):
    """One row per item: its Russian source, with its translations in a column of their own.

    Choosing a language in the «Язык» filter lists that language's copies instead.
    """

    def get_base_queryset(self):
        pages = super().get_base_queryset()
        if not self.request.GET.get("locale"):
            pages = pages.filter(locale__language_code=settings.LANGUAGE_CODE)
        return pages

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        annotate_translation_states(context["object_list"])
        return context


def listing_columns(*own_columns):
    bulk_actions, title = PageListingViewSet.columns[:2]
    return [
        bulk_actions,
        title,
        *own_columns,
        TranslationsColumn(label=_("Переводы")),
        LocalDateColumn(
            "latest_revision_created_at",
            with_time=True,
            label=_("Изменено"),
            sort_key="latest_revision_created_at",
        ),
    ]


class DecisionStatusColumn(PageStatusColumn):
    """The act's legal status and, under it, whether its page is published: one «Статус» column."""

    cell_template_name = "news/admin/decision_status_cell.html"


class DecisionIndexView(SourceLanguageIndexView):
    list_export = ["number", "title", "date_adopted", "status", "kind"]
    default_ordering = "-date_adopted"

    def search_queryset(self, queryset):
        # An editor typing "123" means the act № 123, not every text mentioning 123.
        number = normalize_number(self.search_query) if self.is_searching else ""
        if number:
            by_number = queryset.filter(number_normalized=number)
            if by_number.exists():
                return by_number
        return super().search_queryset(queryset)


class DecisionListingViewSet(PageListingViewSet):
    model = DecisionPage
    icon = "doc-full-inverse"
    name = "decision_pages"
    menu_label = _("Решения Думы")
    index_view_class = DecisionIndexView
    filterset_class = DecisionFilterSet
    columns = listing_columns(
        Column("number", label=_("Номер"), sort_key="number_sort"),
        LocalDateColumn("date_adopted", label=_("Дата принятия"), sort_key="date_adopted"),
        DecisionStatusColumn("status", label=_("Статус"), sort_key="status"),
    )


class NewsListingViewSet(PageListingViewSet):
    model = NewsPage
    icon = "calendar-alt"
    name = "news_pages"
    menu_label = _("Новости")
    index_view_class = SourceLanguageIndexView
    columns = listing_columns(
        LocalDateColumn("date", label=_("Дата публикации"), sort_key="date"),
        PageStatusColumn("status", label=_("Статус"), sort_key="live"),
    )


class RubricViewSet(TranslatableSnippetViewSet):
    model = Rubric
    icon = "tag"
    menu_label = _("Рубрики новостей")
    list_display = ["name", "slug", "sort_order", "locale"]
    search_fields = ["name"]


class DecisionKindViewSet(TranslatableSnippetViewSet):
    model = DecisionKind
    icon = "list-ul"
    menu_label = _("Виды правовых актов")
    list_display = ["name", "slug", "sort_order", "locale"]
    search_fields = ["name"]


class NewsAndDecisionsGroup(SnippetViewSetGroup):
    menu_label = _("Новости и решения")
    menu_icon = "doc-full-inverse"
    menu_order = 250
    items = (DecisionListingViewSet, NewsListingViewSet, RubricViewSet, DecisionKindViewSet)
