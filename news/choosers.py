"""Chooser modals for links between news, decisions and rubrics (news.widgets.SourceLinksWidget).

They offer only the Russian source items (links are made on Russian pages and copied into every
translation, home/localize_sync.py), never the page being edited (``?exclude=<page id>``) nor its
translations, and search by title (a rubric by name) and an act also by its number. Only staff
who edit Russian pages (authors and editors) may open them.
"""

from django import forms
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms.choosers import BaseFilterForm
from wagtail.admin.ui.tables import Column
from wagtail.admin.views.generic import chooser as chooser_views
from wagtail.admin.viewsets.chooser import ChooserViewSet
from wagtail.models import Page
from wagtail.permission_policies.pages import PagePermissionPolicy

from home.admin_tables import LocalDateColumn
from news.models import DecisionPage, NewsPage, Rubric
from news.models.requisites import normalize_number
from news.widgets import describe


def can_link(user):
    """Whether the user edits Russian pages, where links are made (authors, editors)."""
    if not user.is_active:
        return False
    if user.is_superuser:
        return True
    editable = PagePermissionPolicy().instances_user_has_any_permission_for(user, ["add", "change"])
    return editable.filter(locale__language_code=settings.LANGUAGE_CODE).exists()


def source_items(model, exclude=None):
    """The Russian items of `model`, without the page `exclude` (an id) and its translations."""
    items = model.objects.filter(locale__language_code=settings.LANGUAGE_CODE)
    if str(exclude or "").isdigit():
        items = items.exclude(translation_key__in=Page.objects.filter(pk=exclude).values("translation_key"))
    return items


class SourceSearchForm(BaseFilterForm):
    """One search box: words of the title (or name), or an act's number as it is written anywhere."""

    text_field = "title"
    q = forms.CharField(
        label=_("Поиск"),
        required=False,
        widget=forms.TextInput(attrs={"placeholder": _("Слова из названия или номер")}),
    )

    def filter(self, objects):
        query = (self.cleaned_data.get("q") or "").strip()
        if not query:
            return objects
        self.is_searching = True
        self.search_query = query
        condition = Q(**{f"{self.text_field}__icontains": query})
        number = normalize_number(query)
        if number and hasattr(objects.model, "number_normalized"):
            condition |= Q(number_normalized=number) | Q(number__icontains=query)
        return objects.filter(condition)


class RubricSearchForm(SourceSearchForm):
    text_field = "name"


class LinkersOnlyMixin:
    def dispatch(self, request, *args, **kwargs):
        if not can_link(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class TickColumn(chooser_views.CheckboxSelectColumn):
    """The tick box of a row, named in Russian (Wagtail's own says «Выбрать»/"Select ...")."""

    cell_template_name = "news/admin/chooser_tick_cell.html"


class SourceChooseMixin(LinkersOnlyMixin):
    """The list in the modal: Russian items but the page being edited, with `extra_columns`."""

    related = ()
    extra_columns = ()
    # Our own count and "nothing found" lines instead of Wagtail's «Есть 1 совпадение».
    results_template_name = "news/admin/chooser_results.html"

    @property
    def checkbox_column(self):
        return TickColumn("select", label=_("Отметить"), width="1%", accessor="pk")

    def get_object_list(self):
        return source_items(self.model_class, self.request.GET.get("exclude")).select_related(*self.related)

    @property
    def columns(self):
        title = self.title_column
        title.label = _("Название")
        return [title, *self.extra_columns]


class SourceChosenMixin(LinkersOnlyMixin):
    """What the modal hands back: Russian items only, each described by its requisites."""

    related = ()

    def get_object(self, pk):
        return source_items(self.model_class).select_related(*self.related).get(pk=pk)

    def get_objects(self, pks):
        return source_items(self.model_class).select_related(*self.related).filter(pk__in=pks)

    def get_display_title(self, instance):
        return str(describe(instance))


class SourceChooserViewSet(ChooserViewSet):
    # Links are made with news.widgets.SourceLinksWidget, not as a default widget for every ForeignKey.
    register_widget = False
    preserve_url_parameters = ["multiple", "exclude"]
    per_page = 20


# Decisions: kind, date, number and status tell apart acts with similar titles.


class DecisionChooseMixin(SourceChooseMixin):
    related = ("kind",)
    filter_form_class = SourceSearchForm
    extra_columns = (
        Column("kind", label=_("Вид акта"), accessor=lambda act: act.kind.name),
        LocalDateColumn("date_adopted", label=_("Дата принятия")),
        Column("number", label=_("Номер")),
        Column("status", label=_("Статус"), accessor="get_status_display"),
    )


class DecisionChosenMixin(SourceChosenMixin):
    related = ("kind",)


class DecisionChooserViewSet(SourceChooserViewSet):
    model = DecisionPage
    icon = "doc-full-inverse"
    choose_one_text = _("Выбрать решение")
    page_title = _("Выбор решения Думы")
    choose_view_class = type("DecisionChooseView", (DecisionChooseMixin, chooser_views.ChooseView), {})
    choose_results_view_class = type(
        "DecisionChooseResultsView", (DecisionChooseMixin, chooser_views.ChooseResultsView), {}
    )
    chosen_view_class = type("DecisionChosenView", (DecisionChosenMixin, chooser_views.ChosenView), {})
    chosen_multiple_view_class = type(
        "DecisionChosenMultipleView", (DecisionChosenMixin, chooser_views.ChosenMultipleView), {}
    )


# News: the date tells apart items with similar titles.


class NewsChooseMixin(SourceChooseMixin):
    filter_form_class = SourceSearchForm
    extra_columns = (LocalDateColumn("date", label=_("Дата публикации")),)


class NewsChooserViewSet(SourceChooserViewSet):
    model = NewsPage
    icon = "calendar-alt"
    choose_one_text = _("Выбрать новость")
    page_title = _("Выбор новости")
    choose_view_class = type("NewsChooseView", (NewsChooseMixin, chooser_views.ChooseView), {})
    choose_results_view_class = type(
        "NewsChooseResultsView", (NewsChooseMixin, chooser_views.ChooseResultsView), {}
    )
    chosen_view_class = type("NewsChosenView", (SourceChosenMixin, chooser_views.ChosenView), {})
    chosen_multiple_view_class = type(
        "NewsChosenMultipleView", (SourceChosenMixin, chooser_views.ChosenMultipleView), {}
    )


# Rubrics: a short list, searched by name.


class RubricChooseMixin(SourceChooseMixin):
    filter_form_class = RubricSearchForm


class RubricChooserViewSet(SourceChooserViewSet):
    model = Rubric
    icon = "tag"
    choose_one_text = _("Выбрать рубрику")
    page_title = _("Выбор рубрики")
    choose_view_class = type("RubricChooseView", (RubricChooseMixin, chooser_views.ChooseView), {})
    choose_results_view_class = type(
        "RubricChooseResultsView", (RubricChooseMixin, chooser_views.ChooseResultsView), {}
    )
    chosen_view_class = type("RubricChosenView", (SourceChosenMixin, chooser_views.ChosenView), {})
    chosen_multiple_view_class = type(
        "RubricChosenMultipleView", (SourceChosenMixin, chooser_views.ChosenMultipleView), {}
    )


decision_chooser_viewset = DecisionChooserViewSet("news_decision_chooser", url_prefix="news/choose-decision")
news_chooser_viewset = NewsChooserViewSet("news_news_chooser", url_prefix="news/choose-news")
rubric_chooser_viewset = RubricChooserViewSet("news_rubric_chooser", url_prefix="news/choose-rubric")
