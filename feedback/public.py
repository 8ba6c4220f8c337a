"""«Решаем вместе» in the open: what the site shows of the reports a moderator published.

The listing, each report's page, the RSS feeds and the open-data export, called by the routes of
FeedbackPage. Everything here reads only what publish_report set (the public text and place, the
coordinates rounded to about 100 m, the photos marked public) and the status, its dates and the
public answer; never the resident's name, contacts, own description or exact coordinates. As a last
guard, the public text and the answer are shown with the resident's own name and contacts hidden
(feedback.personal_data.scrub_own), should a moderator have typed them in.
"""

from django.contrib.syndication.views import Feed
from django.db.models import Prefetch
from django.http import Http404
from django.utils import timezone
from django.utils.feedgenerator import Rss201rev2Feed
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from home import caching, visual_mode
from home.page_cache import uses_query_parameters
from home.spreadsheet import csv_response, open_data_json_response
from news.listings import paginate, query_prefix

from . import stats
from .forms.public import PublicReportFilterForm, category_choices
from .models import ProblemCategory, ProblemReport, ReportPhoto, StatusChange
from .models.categories import translations_by_key
from .personal_data import scrub_own

REPORTS_PER_PAGE = 20
FEED_ITEMS = 30
FILTERS = tuple(PublicReportFilterForm.base_fields)
LISTING_PARAMETERS = (*FILTERS, "page")

# The open-data columns, documented in docs/moderators.md («Открытые данные»), in the same order.
EXPORT_COLUMNS = [
    "number",
    "category",
    "status",
    "status_label",
    "created_at",
    "published_at",
    "answered_at",
    "closed_at",
    "due_date",
    "address",
    "latitude",
    "longitude",
    "text",
    "answer",
    "url",
]


def public_reports():
    """Published reports, newest first, with what their listing shows (constant queries)."""
    public_photos = ReportPhoto.objects.filter(is_public=True).exclude(public_image="")
    return (
        ProblemReport.objects.public()
        .select_related("category", "page")
        .prefetch_related(Prefetch("photos", queryset=public_photos, to_attr="public_photos"))
        .order_by("-created_at", "-pk")
    )


def prepare(reports):
    """Each report with its category in the visitor's language and its public text and answer guarded."""
    reports = list(reports)
    categories = translations_by_key(ProblemCategory.objects.filter(pk__in={r.category_id for r in reports}))
    for report in reports:
        report.category_shown = categories.get(report.category.translation_key) or report.category
        report.shown_text = scrub_own(report.public_text, report)
        report.shown_answer = scrub_own(report.public_answer, report)
    return reports


def report_url(page, report, request=None):
    return page.url + page.reverse_subpage("public_report", args=[report.number])


def listing_url(page):
    return page.url + page.reverse_subpage("public_reports")


@uses_query_parameters(*LISTING_PARAMETERS)
def report_listing(request, page):
    """The public reports: filters, a result count and pagination, all in the URL; no script needed."""
    caching.depends_on(caching.REPORTS)
    form = PublicReportFilterForm(request.GET or None, categories=category_choices())
    reports = form.filter(public_reports())
    paginator, items = paginate(request, reports, REPORTS_PER_PAGE)
    shown = prepare(items.object_list)
    for report in shown:
        report.public_url = report_url(page, report)
    filters = {key: value for key, value in request.GET.items() if key in FILTERS and value}
    category = filters.get("category", "")
    feed_path = page.reverse_subpage("category_feed", args=[category]) if category.isdigit() else None
    return page.render(
        request,
        template="feedback/report_list.html",
        context_overrides={
            "form": form,
            "reports": shown,
            "items": items,
            "paginator": paginator,
            "page_range": paginator.get_elided_page_range(items.number, on_each_side=2),
            "query_prefix": query_prefix(dict(request.GET.items())),
            "export_query": urlencode(filters),
            "is_filtered": form.is_filtered,
            "feed_url": page.url + (feed_path or page.reverse_subpage("reports_feed")),
        },
    )


def find_public(number):
    report = (
        public_reports()
        .prefetch_related(
            Prefetch(
                "status_changes", queryset=StatusChange.objects.only("report_id", "changed_at", "to_status")
            )
        )
        .filter(number=number)
        .first()
    )
    if report is None:
        raise Http404(_("Такого опубликованного сообщения нет."))
    return report


def report_detail(request, page, number):
    """One public report: its text, place, photos, status history (dates and statuses only), answer."""
    caching.depends_on(caching.REPORTS)
    report = prepare([find_public(number)])[0]
    return page.render(
        request,
        template="feedback/report_public.html",
        context_overrides={
            "report": report,
            "history": report.status_changes.all(),
            "listing_url": listing_url(page),
            "images_on": visual_mode.get_effective_mode(request).images,
        },
    )


class ReportsFeed(Feed):
    """The latest public reports as RSS 2.0, all or of one category; dates in RFC 822."""

    feed_type = Rss201rev2Feed

    def __init__(self, form_page, category_id=None):
        super().__init__()
        self.form_page = form_page
        self.category_id = category_id

    def get_object(self, request, *args, **kwargs):
        self.request = request
        caching.depends_on(caching.REPORTS)
        if self.category_id is None:
            return None
        category = ProblemCategory.objects.filter(pk=self.category_id, locale__language_code="ru").first()
        if category is None:
            raise Http404(_("Такой категории нет."))
        return category.localized

    def title(self, category):
        name = _("Сообщения жителей")
        suffix = _("Город Глазов")
        return f"{name}: {category.name} — {suffix}" if category else f"{name} — {suffix}"

    def link(self, category):
        url = self.request.build_absolute_uri(listing_url(self.form_page))
        return f"{url}?category={self.category_id}" if category else url

    def feed_url(self, category):
        page = self.form_page
        route = ("category_feed", [self.category_id]) if category else ("reports_feed", [])
        return self.request.build_absolute_uri(page.url + page.reverse_subpage(route[0], args=route[1]))

    def description(self, category):
        return _("Сообщения о проблемах в городе, опубликованные модераторами, и ответы администрации.")

    def items(self, category):
        reports = public_reports()
        if self.category_id is not None:
            reports = reports.filter(category_id=self.category_id)
        return prepare(reports[:FEED_ITEMS])

    def item_title(self, item):
        status = item.get_status_display()
        return f"{item.number}: {item.category_shown.name}, {item.public_address} — {status}"

    def item_description(self, item):
        if item.shown_answer:
            return f"{item.shown_text}\n\n{_('Ответ')}: {item.shown_answer}"
        return item.shown_text

    def item_link(self, item):
        return self.request.build_absolute_uri(report_url(self.form_page, item))

    def item_guid(self, item):
        return self.item_link(item)

    def item_pubdate(self, item):
        return item.published_at or item.created_at

    def item_updateddate(self, item):
        return max(filter(None, [item.published_at, item.public_answer_at, item.closed_at]))

    def item_categories(self, item):
        return [item.category_shown.name]


def reports_feed(request, page, category_id=None):
    return ReportsFeed(page, category_id)(request)


@uses_query_parameters("period")
def statistics(request, page):
    """Counts by category and status and the city's speed, as tables; cached like any public page
    (a published report's change refreshes it at once, other reports within PAGE_CACHE_SECONDS)."""
    caching.depends_on(caching.REPORTS)
    period = request.GET.get("period", "")
    period = period if period in stats.PERIODS else ""
    return page.render(
        request,
        template="feedback/report_stats.html",
        context_overrides={
            "stats": stats.report_statistics(period),
            "period": period,
            "periods": [
                ("", _("за всё время")),
                *((key, _("%(days)s дней") % {"days": key}) for key in stats.PERIODS),
            ],
            "listing_url": listing_url(page),
        },
    )


STATS_COLUMNS = ["section", "item", "value", "sample_size"]


@uses_query_parameters("period")
def statistics_csv(request, page):
    """The statistics page's figures as CSV (UTF-8 with a BOM, `;`): one row per figure."""
    caching.depends_on(caching.REPORTS)
    period = request.GET.get("period", "")
    figures = stats.report_statistics(period if period in stats.PERIODS else "")
    totals = figures["totals"]
    rows = [
        ["totals", "received", totals["received"], ""],
        ["totals", "published", totals["published"], ""],
        ["totals", "closed", totals["closed"], ""],
    ]
    for name in ("to_answer", "to_close"):
        summary = figures[name]
        rows += [
            [
                f"days_{name}",
                "median",
                summary["median"] if summary["median"] is not None else "",
                summary["count"],
            ],
            [f"days_{name}", "p90", summary["p90"] if summary["p90"] is not None else "", summary["count"]],
        ]
    in_time = figures["in_time"]
    rows.append(
        ["closed_in_time", "percent", "" if in_time["share"] is None else in_time["share"], in_time["count"]]
    )
    rows += [["category", category.name, count, ""] for category, count in figures["by_category"]]
    rows += [["status", str(label), count, ""] for label, count in figures["by_status"]]
    filename = f"glazov-reports-stats-{timezone.localdate():%Y-%m-%d}.csv"
    return csv_response(STATS_COLUMNS, rows, filename)


def export_rows(request, page):
    """One dict per public report of the filtered listing, in EXPORT_COLUMNS order (constant queries)."""
    form = PublicReportFilterForm(request.GET or None, categories=category_choices())

    def iso(value):
        if value is None:
            return ""
        if hasattr(value, "hour"):
            return timezone.localtime(value).isoformat(timespec="seconds")
        return value.isoformat()

    for report in prepare(form.filter(public_reports())):
        yield {
            "number": report.number,
            "category": report.category_shown.name,
            "status": report.status,
            "status_label": str(report.get_status_display()),
            "created_at": iso(report.created_at),
            "published_at": iso(report.published_at),
            "answered_at": iso(report.public_answer_at),
            "closed_at": iso(report.closed_at),
            "due_date": iso(report.due_date),
            "address": report.public_address,
            "latitude": str(report.public_latitude) if report.public_latitude is not None else "",
            "longitude": str(report.public_longitude) if report.public_longitude is not None else "",
            "text": report.shown_text,
            "answer": report.shown_answer,
            "url": request.build_absolute_uri(report_url(page, report)),
        }


def export_filename(extension):
    return f"glazov-reports-{timezone.localdate():%Y-%m-%d}.{extension}"


@uses_query_parameters(*FILTERS)
def export_csv(request, page):
    """The (filtered) public reports as CSV for Excel: UTF-8 with a BOM, `;`, safe cells."""
    caching.depends_on(caching.REPORTS)
    rows = ([row[column] for column in EXPORT_COLUMNS] for row in export_rows(request, page))
    return csv_response(EXPORT_COLUMNS, rows, export_filename("csv"))


@uses_query_parameters(*FILTERS)
def export_json(request, page):
    """The (filtered) public reports as JSON: metadata, the documented columns and one object per report."""
    caching.depends_on(caching.REPORTS)
    return open_data_json_response(
        request,
        _("Сообщения жителей Глазова о проблемах в городе (опубликованные)"),
        EXPORT_COLUMNS,
        list(export_rows(request, page)),
        export_filename("json"),
        license="CC BY 4.0",
    )
