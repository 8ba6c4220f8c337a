"""What the news index and the decisions registry show and export: the functions their routes call.

Models (the routes of NewsIndexPage and DecisionIndexPage), feeds and template tags import this
module; it imports no page model, so none of them needs a function-level import to dodge a cycle.
"""

from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.db.models import Count, Prefetch
from django.db.models.functions import ExtractMonth, ExtractYear
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.dates import MONTHS
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from wagtail.images import get_image_model

from home import caching
from home.i18n import visible_to_everyone
from home.page_cache import uses_query_parameters
from home.spreadsheet import csv_response, open_data_json_response
from news.forms import DecisionFilterForm
from news.models.snippets import DecisionKind, Rubric, localized_snippets

NEWS_PER_PAGE = 12
DECISIONS_PER_PAGE = 20
LISTING_RENDITION = "fill-480x320"
# The query parameters each listing uses (the page cache keys its entries by these alone).
NEWS_PARAMETERS = ("page", "rubric", "year", "month")
REGISTRY_FILTERS = tuple(DecisionFilterForm.base_fields)
REGISTRY_PARAMETERS = (*REGISTRY_FILTERS, "page")


def absolute_url(request, page):
    """A page's URL on the host the visitor used."""
    return request.build_absolute_uri(page.get_url(request))


def paginate(request, items, per_page):
    """A page of results that never fails: a wrong page number shows the nearest page."""
    paginator = Paginator(items, per_page)
    try:
        page = paginator.page(request.GET.get("page", 1))
    except PageNotAnInteger:
        page = paginator.page(1)
    except EmptyPage:
        page = paginator.page(paginator.num_pages)
    return paginator, page


def query_prefix(params):
    """The current filters as a query-string prefix for pagination links ("a=1&b=2&")."""
    clean = {key: value for key, value in params.items() if value not in (None, "") and key != "page"}
    return urlencode(clean) + "&" if clean else ""


def with_listing_images(news):
    """News with their main image (joined) and its listing rendition (one more query for the list)."""
    renditions = get_image_model().get_rendition_model().objects.filter(filter_spec=LISTING_RENDITION)
    return news.select_related("image").prefetch_related(Prefetch("image__renditions", queryset=renditions))


def news_archive(news):
    """Years and months that have news, with counts, newest first (one query)."""
    rows = (
        news.order_by()
        .annotate(year=ExtractYear("date"), month=ExtractMonth("date"))
        .values("year", "month")
        .annotate(count=Count("pk"))
        .order_by("-year", "-month")
    )
    years = {}
    for row in rows:
        years.setdefault(row["year"], []).append(
            {"month": row["month"], "name": MONTHS[row["month"]], "count": row["count"]}
        )
    return [
        {"year": year, "months": months, "count": sum(m["count"] for m in months)}
        for year, months in years.items()
    ]


def int_param(request, name, lowest, highest):
    try:
        value = int(request.GET.get(name, ""))
    except ValueError:
        return None
    return value if lowest <= value <= highest else None


@uses_query_parameters(*NEWS_PARAMETERS)
def news_listing(request, index_page):
    """The news list: newest first, 12 a page, filtered by rubric and by month of the archive."""
    all_news = news = index_page.news()
    rubrics = localized_snippets(Rubric)
    rubric = rubrics.get_by_slug(request.GET.get("rubric"))
    year = int_param(request, "year", 1780, 2100)
    month = int_param(request, "month", 1, 12) if year else None
    if rubric:
        news = news.filter(rubrics__slug=rubric.slug)
    if year:
        news = news.filter(date__year=year)
    if month:
        news = news.filter(date__month=month)
    paginator, page = paginate(request, with_listing_images(news), NEWS_PER_PAGE)
    items = list(page.object_list)
    caching.shows_pages(items)
    attach_rubrics(items)
    filters = {"rubric": rubric.slug if rubric else "", "year": year, "month": month}
    context = index_page.get_context(request)
    context.update(
        {
            "news_items": items,
            "items": page,
            "paginator": paginator,
            "page_range": paginator.get_elided_page_range(page.number, on_each_side=2),
            "query_prefix": query_prefix(filters),
            "rubrics": list(rubrics),
            "current_rubric": rubric,
            "archive": news_archive(all_news),
            "current_year": year,
            "current_month": month,
            "current_month_name": MONTHS[month] if month else "",
            "rendition_spec": LISTING_RENDITION,
        }
    )
    return TemplateResponse(request, "news/news_index_page.html", context)


def attach_rubrics(items):
    """Give each news item its rubrics in the visitor's language (one query for a whole list)."""
    if not items:
        return
    rubrics = localized_snippets(Rubric)
    links = type(items[0]).rubrics.through.objects.filter(newspage__in=items)
    by_news = {}
    for news_id, rubric_id in links.values_list("newspage_id", "rubric_id"):
        by_news.setdefault(news_id, []).append(rubrics.get(rubric_id))
    for item in items:
        item.rubric_list = sorted(
            filter(None, by_news.get(item.pk, [])), key=lambda r: (r.sort_order, r.name)
        )


@uses_query_parameters(*REGISTRY_PARAMETERS)
def decision_registry(request, index_page):
    """The registry: filters, search, sorting, a result count and pagination, all in the URL."""
    form = DecisionFilterForm(request.GET or None)
    decisions = form.filter(index_page.decisions()) if request.GET else form_default(index_page)
    paginator, page = paginate(request, decisions, DECISIONS_PER_PAGE)
    decisions_on_page = attach_kind_names(page.object_list)
    params = form.cleaned_data if form.is_bound and form.is_valid() else {}
    export_query = urlencode({k: v for k, v in request.GET.items() if k != "page" and v})
    context = index_page.get_context(request)
    context.update(
        {
            "form": form,
            "decisions": decisions_on_page,
            "items": page,
            "paginator": paginator,
            "page_range": paginator.get_elided_page_range(page.number, on_each_side=2),
            "query_prefix": query_prefix(dict(request.GET.items())),
            "export_query": export_query,
            "is_filtered": form.is_bound and form.is_filtered,
            "filter_params": params,
        }
    )
    return TemplateResponse(request, "news/decision_index_page.html", context)


def attach_kind_names(decisions):
    """Name each decision's kind in the visitor's language (no query: the kinds are cached)."""
    decisions = list(decisions)
    kinds = localized_snippets(DecisionKind)
    for decision in decisions:
        kind = kinds.get(decision.kind_id) or decision.kind
        decision.kind_name = kind.name
        decision.kind_shown = kind  # whose language the name is in
    return decisions


def form_default(index_page):
    return index_page.decisions().order_by("-date_adopted", "-number_sort", "-pk")


EXPORT_COLUMNS = [
    "number",
    "kind",
    "date_adopted",
    "title",
    "status",
    "status_label",
    "effective_date",
    "lost_force_date",
    "adopting_body",
    "publication_source",
    "publication_date",
    "url",
    "document_url",
    "amends",
    "repeals",
]


def export_rows(request, index_page):
    """One dict per decision of the filtered registry, in EXPORT_COLUMNS order (constant queries)."""
    form = DecisionFilterForm(request.GET or None)
    decisions = form.filter(index_page.decisions()) if request.GET else form_default(index_page)
    # An act is cited only when anyone may open it: never a draft, an unpublished or a private one.
    acts = decisions.model.objects.only("number", "date_adopted")
    linked = visible_to_everyone(acts).order_by("date_adopted")
    decisions = decisions.prefetch_related(Prefetch("amends", linked), Prefetch("repeals", linked))

    def cite(decision):
        return f"{decision.date_adopted:%d.%m.%Y} {decision.display_number}"

    def iso(value):
        return value.isoformat() if value else ""

    for decision in attach_kind_names(decisions):
        document_url = decision.document.url if decision.document else ""
        yield {
            "number": decision.number,
            "kind": decision.kind_name,
            "date_adopted": iso(decision.date_adopted),
            "title": decision.title,
            "status": decision.status,
            "status_label": str(decision.get_status_display()),
            "effective_date": iso(decision.effective_date),
            "lost_force_date": iso(decision.lost_force_date),
            "adopting_body": decision.adopting_body,
            "publication_source": decision.publication_source,
            "publication_date": iso(decision.publication_date),
            "url": absolute_url(request, decision),
            "document_url": request.build_absolute_uri(document_url) if document_url else "",
            "amends": [cite(d) for d in decision.amends.all()],
            "repeals": [cite(d) for d in decision.repeals.all()],
        }


def export_filename(extension):
    return f"glazov-duma-decisions-{timezone.localdate():%Y-%m-%d}.{extension}"


@uses_query_parameters(*REGISTRY_FILTERS)
def decision_export_csv(request, index_page):
    """The (filtered) registry as CSV for Excel: UTF-8 with a BOM, `;`, safe cells (home/spreadsheet.py)."""
    rows = (
        [
            row[column] if column not in ("amends", "repeals") else "; ".join(row[column])
            for column in EXPORT_COLUMNS
        ]
        for row in export_rows(request, index_page)
    )
    return csv_response(EXPORT_COLUMNS, rows, export_filename("csv"))


@uses_query_parameters(*REGISTRY_FILTERS)
def decision_export_json(request, index_page):
    """The (filtered) registry as JSON: metadata and one object per decision."""
    return open_data_json_response(
        request,
        _("Реестр решений Глазовской городской Думы"),
        EXPORT_COLUMNS,
        list(export_rows(request, index_page)),
        export_filename("json"),
    )
