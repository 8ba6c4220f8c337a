"""Open311 GeoReport v2 under /open311/v2/: the city's problem reports in the civic standard.

The read side shows exactly what the public report pages show (feedback.public): published
reports only, their public text, place, rounded coordinates, status, dates, public answer and
public photo copies; never a resident's name, contacts, own description or exact coordinates.
Reports are submitted with a partner's API key through the same form, rate limit and service
function as the web form (feedback.forms.ReportForm, feedback.services.create_report).
GET responses are public and cached by the page cache under the ``reports`` namespace;
docs/open311.md describes the API for integrators.
"""

import datetime
import logging

from django.conf import settings
from django.urls import re_path
from django.utils import timezone
from django.utils.datastructures import MultiValueDict
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from home import caching
from home.page_cache import uses_query_parameters

from . import open311_format as doc
from . import ratelimit
from .forms import ReportForm
from .models import CLOSED_STATUSES, ApiKey, FeedbackPage, ProblemCategory
from .models.categories import translations_by_key
from .personal_data import scrub_own
from .public import public_reports
from .services import create_report

logger = logging.getLogger(__name__)

SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
# When this API last changed in a way integrators must know (discovery's changeset).
CHANGESET = "2026-12-06T00:00:00+04:00"
DEFAULT_DAYS = 90
MAX_SPAN_DAYS = 90
MAX_RESULTS = 1000
DEFAULT_PAGE_SIZE = 1000
REQUEST_FILTERS = (
    "service_request_id",
    "service_code",
    "start_date",
    "end_date",
    "status",
    "page",
    "page_size",
    "bbox",
    "jurisdiction_id",
)
OPEN, CLOSED = "open", "closed"


class ApiError(Exception):
    """One or more errors to answer with the spec's error document."""

    def __init__(self, status, *descriptions):
        super().__init__(*descriptions)
        self.status = status
        self.descriptions = descriptions


def w3c(value):
    """A date-time as the W3C note the spec names wants it: with the time zone."""
    if value is None:
        return ""
    return timezone.localtime(value).isoformat(timespec="seconds")


def api_view(methods=("GET", "HEAD")):
    """A view of the API: ``fmt`` checked, ApiError answered as the spec's error document."""

    def decorator(view):
        def wrapped(request, *args, fmt, **kwargs):
            if fmt not in doc.FORMATS:
                return doc.errors_response(
                    "xml", 404, [_("Формат не поддерживается: используйте .xml или .json.")]
                )
            if request.method not in methods:
                result = doc.errors_response(fmt, 405, [_("Этот метод здесь не поддерживается.")])
                result["Allow"] = ", ".join(methods)
                return result
            try:
                return view(request, *args, fmt=fmt, **kwargs)
            except ApiError as error:
                return doc.errors_response(fmt, error.status, error.descriptions)

        wrapped.__name__ = view.__name__
        wrapped.__doc__ = view.__doc__
        return wrapped

    return decorator


def form_page():
    """The Russian «Решаем вместе» page: its categories, consent, deadline and addresses count."""
    return FeedbackPage.objects.live().filter(locale__language_code=settings.LANGUAGE_CODE).first()


def api_url(request, name):
    return request.build_absolute_uri(f"/open311/v2/{name}")


# --- Discovery and services ----------------------------------------------------------------------


@api_view()
def discovery(request, fmt):
    """Where the API lives, which formats it speaks, whom to ask for a key."""
    caching.depends_on(caching.SITE)
    endpoint = {
        "specification": SPECIFICATION,
        "url": request.build_absolute_uri("/open311/v2"),
        "changeset": CHANGESET,
        "type": "production",
        "formats": list(doc.FORMATS.values()),
    }
    # Not a list of dicts: XML wants each format as its own <format> element.
    data = {
        "changeset": CHANGESET,
        "contact": _("Администрация города Глазова, отдел по работе с обращениями: %(url)s")
        % {"url": request.build_absolute_uri("/")},
        "key_service": _(
            "Ключ для отправки сообщений выдаёт администратор портала по письму организации-партнёра; "
            "порядок описан в документации API."
        ),
        "endpoints": [endpoint],
    }
    return doc.response(fmt, "discovery", None, data)


def active_categories():
    """The active original (Russian) categories the form offers, in the form's order."""
    page = form_page()
    if page is None:
        return []
    # The page chooses the categories and holds the consent text: its publication refreshes these.
    caching.depends_on(caching.page_namespace(page))
    return list(page.offered_categories().order_by("sort_order", "name"))


def shown(categories):
    """Each category's version in the request's language (Accept-Language), else the original."""
    translated = translations_by_key(ProblemCategory.objects.filter(pk__in=[c.pk for c in categories]))
    return [(category, translated.get(category.translation_key) or category) for category in categories]


def service_item(category, localized):
    return {
        "service_code": str(category.pk),
        "service_name": localized.name,
        "description": localized.description,
        "metadata": True,  # the consent attribute
        "type": "realtime",
        "keywords": "",
        "group": _("Городское хозяйство"),
    }


@api_view()
def services(request, fmt):
    """One service per category residents can report; names in the language of Accept-Language."""
    caching.depends_on(caching.SITE)
    items = [service_item(category, localized) for category, localized in shown(active_categories())]
    return vary_on_language(doc.response(fmt, "services", "service", items))


def vary_on_language(response):
    response["Vary"] = "Accept-Language"
    response["Content-Language"] = get_language()
    return response


def find_category(code):
    if code.isdigit():
        for category in active_categories():
            if category.pk == int(code):
                return category
    return None


def consent_attribute(page):
    text, version, _language = page.shown_consent()
    return {
        "variable": True,
        "code": "consent",
        "datatype": "singlevaluelist",
        "required": True,
        "datatype_description": _(
            "Согласие жителя на обработку персональных данных (версия %(version)s): передайте "
            "attribute[consent]=true, только если житель прочитал этот текст и согласился."
        )
        % {"version": version},
        "order": 1,
        "description": text,
        "values": [{"key": "true", "name": _("Согласен на обработку персональных данных")}],
    }


@api_view()
def service_definition(request, fmt, code):
    """A service's attributes: the resident's consent, required as on the web form."""
    caching.depends_on(caching.SITE)
    category = find_category(code)
    if category is None:
        raise ApiError(404, _("Услуги с кодом «%(code)s» нет.") % {"code": code})
    data = {"service_code": str(category.pk), "attributes": [consent_attribute(form_page())]}
    return vary_on_language(doc.response(fmt, "service_definition", None, data))


# --- Reading requests -----------------------------------------------------------------------------


def parse_moment(value, name, *, end=False):
    """A W3C date-time (or a bare date: its start, or its end for end_date) or an ApiError."""
    moment = parse_datetime(value)
    if moment is None:
        day = parse_date(value)
        if day is not None:
            moment = datetime.datetime.combine(day, datetime.time.max if end else datetime.time.min)
    if moment is None:
        raise ApiError(
            400,
            _("%(name)s: дата и время в формате W3C, например 2026-05-01T00:00:00+04:00.") % {"name": name},
        )
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return moment


def parse_positive(value, name, maximum):
    if not value.isdigit() or not 1 <= int(value) <= maximum:
        raise ApiError(400, _("%(name)s: целое число от 1 до %(max)d.") % {"name": name, "max": maximum})
    return int(value)


def parse_bbox(value):
    """bbox=min_long,min_lat,max_long,max_lat (the order of OGC and most map libraries)."""
    try:
        west, south, east, north = (float(part) for part in value.split(","))
    except ValueError:
        west = None
    if west is None or not (-180 <= west <= east <= 180 and -90 <= south <= north <= 90):
        raise ApiError(
            400,
            _(
                "bbox: четыре числа через запятую — долгота и широта юго-западного угла, "
                "затем северо-восточного."
            ),
        )
    return west, south, east, north


def filtered_reports(query):
    """Published reports matching the spec's filters (and page/page_size/bbox), or ApiError(400)."""
    reports = public_reports()
    errors = []

    def check(parse, *args, **kwargs):
        try:
            return parse(*args, **kwargs)
        except ApiError as error:
            errors.extend(error.descriptions)
            return None

    ids = [part.strip() for part in query.get("service_request_id", "").split(",") if part.strip()]
    if ids:
        # The spec: a list of ids overrides every other filter.
        return reports.filter(number__in=ids[:MAX_RESULTS]), 1, MAX_RESULTS
    code = query.get("service_code", "").strip()
    if code:
        reports = reports.filter(category_id=int(code)) if code.isdigit() else reports.none()
    start = check(parse_moment, query["start_date"], "start_date") if query.get("start_date") else None
    end = check(parse_moment, query["end_date"], "end_date", end=True) if query.get("end_date") else None
    if start is None and end is None and not errors:
        start = timezone.now() - datetime.timedelta(days=DEFAULT_DAYS)
    elif start and end and end - start > datetime.timedelta(days=MAX_SPAN_DAYS):
        errors.append(_("Между start_date и end_date не больше %(days)d дней.") % {"days": MAX_SPAN_DAYS})
    elif start and end is None:
        end = start + datetime.timedelta(days=MAX_SPAN_DAYS)
    elif end and start is None:
        start = end - datetime.timedelta(days=MAX_SPAN_DAYS)
    if start:
        reports = reports.filter(created_at__gte=start)
    if end:
        reports = reports.filter(created_at__lte=end)
    statuses = {part.strip() for part in query.get("status", "").split(",") if part.strip()}
    if statuses - {OPEN, CLOSED}:
        errors.append(_("status: open, closed или open,closed."))
    elif statuses == {OPEN}:
        reports = reports.exclude(status__in=CLOSED_STATUSES)
    elif statuses == {CLOSED}:
        reports = reports.filter(status__in=CLOSED_STATUSES)
    if query.get("bbox"):
        box = check(parse_bbox, query["bbox"])
        if box:
            west, south, east, north = box
            reports = reports.filter(
                public_longitude__gte=west,
                public_longitude__lte=east,
                public_latitude__gte=south,
                public_latitude__lte=north,
            )
    page = check(parse_positive, query["page"], "page", 10**6) if query.get("page") else 1
    size = (
        check(parse_positive, query["page_size"], "page_size", MAX_RESULTS)
        if query.get("page_size")
        else DEFAULT_PAGE_SIZE
    )
    if errors:
        raise ApiError(400, *errors)
    return reports, page, size


def request_item(request, report, localized_category):
    photos = getattr(report, "public_photos", [])
    expected = datetime.datetime.combine(report.due_date, datetime.time(23, 59, 59))
    updates = [report.created_at, report.published_at, report.public_answer_at, report.closed_at]
    updates += [change.changed_at for change in report.status_changes.all()]
    return {
        "service_request_id": report.number,
        "status": CLOSED if report.is_closed else OPEN,
        "status_notes": scrub_own(report.public_answer, report),
        "service_name": localized_category.name,
        "service_code": str(report.category_id),
        "description": scrub_own(report.public_text, report),
        "agency_responsible": _("Администрация города Глазова"),
        "service_notice": str(report.get_status_display()),
        "requested_datetime": w3c(report.created_at),
        "updated_datetime": w3c(max(filter(None, updates))),
        "expected_datetime": w3c(timezone.make_aware(expected)),
        "address": report.public_address,
        "address_id": "",
        "zipcode": "",
        "lat": str(report.public_latitude) if report.public_latitude is not None else "",
        "long": str(report.public_longitude) if report.public_longitude is not None else "",
        "media_url": request.build_absolute_uri(photos[0].public_image.url) if photos else "",
    }


def request_items(request, reports):
    reports = list(reports.prefetch_related("status_changes"))
    categories = translations_by_key(ProblemCategory.objects.filter(pk__in={r.category_id for r in reports}))
    return [
        request_item(request, report, categories.get(report.category.translation_key) or report.category)
        for report in reports
    ]


@uses_query_parameters(*REQUEST_FILTERS)
@api_view(methods=("GET", "HEAD", "POST"))
def service_requests(request, fmt):
    """GET: published reports by the spec's filters; POST: a partner submits a resident's report."""
    if request.method == "POST":
        return submit(request, fmt)
    caching.depends_on(caching.REPORTS)
    reports, page, size = filtered_reports(request.GET)
    start = (page - 1) * size
    items = request_items(request, reports[start : start + size])
    return vary_on_language(doc.response(fmt, "service_requests", "request", items))


@api_view()
def service_request(request, fmt, number):
    """One published report by its ГЛЗ number, as a list of one (the spec's shape)."""
    caching.depends_on(caching.REPORTS)
    reports = public_reports().filter(number=number)
    items = request_items(request, reports)
    if not items:
        raise ApiError(404, _("Опубликованного сообщения с номером «%(number)s» нет.") % {"number": number})
    return vary_on_language(doc.response(fmt, "service_requests", "request", items))


# --- Submitting requests --------------------------------------------------------------------------


# The web form's fields under the names the spec gives them, for error messages.
SPEC_NAMES = {
    "category": "service_code",
    "description": "description",
    "address": "address_string",
    "latitude": "lat",
    "longitude": "long",
    "name": "first_name",
    "email": "email",
    "phone": "phone",
    "consent": "attribute[consent]",
    "photos": "media",
}


def form_input(post, files):
    """The web form's data and files from an Open311 POST."""
    lat, long = post.get("lat", "").strip(), post.get("long", "").strip()
    address = post.get("address_string", "").strip()
    if not address and lat and long:
        address = f"{lat}, {long}"  # the spec allows a point alone; the inbox shows it as the place
    names = (post.get("first_name", "").strip(), post.get("last_name", "").strip())
    name = " ".join(part for part in names if part)
    data = {
        "category": post.get("service_code", "").strip(),
        "description": post.get("description", ""),
        "address": address,
        "latitude": lat,
        "longitude": long,
        "name": name,
        "email": post.get("email", "").strip(),
        "phone": post.get("phone", "").strip(),
        "website": "",
    }
    if post.get("attribute[consent]", "").strip().lower() == "true":
        data["consent"] = "on"
    media = files.getlist("media")
    return data, MultiValueDict({"photos": media} if media else {})


def submission_errors(post, page):
    """What the spec allows but the portal refuses, before the form checks the rest."""
    errors = []
    if post.get("media_url", "").strip():
        errors.append(
            _(
                "media_url: портал не загружает файлы с других сайтов. Передайте фото файлами в поле media "
                "(multipart/form-data), до 5 снимков JPEG, PNG, WebP или HEIC по 10 МБ."
            )
        )
    if post.get("address_id", "").strip() and not (post.get("address_string") or post.get("lat")):
        errors.append(_("address_id: справочника адресов нет; укажите address_string или lat и long."))
    version = post.get("attribute[consent_version]", "").strip()
    current = page.shown_consent()[1]
    if version and version != current:
        errors.append(
            _(
                "attribute[consent_version]: житель согласился с версией %(given)s, а действует версия "
                "%(current)s. Покажите жителю текущий текст согласия (services/{code}) и отправьте снова."
            )
            % {"given": version, "current": current}
        )
    return errors


def form_errors(form):
    messages = []
    for field, errors in form.errors.items():
        name = SPEC_NAMES.get(field, field)
        messages.extend(f"{name}: {message}" for message in errors)
    return messages


def submit(request, fmt):
    """A partner submits a resident's report: the web form's checks, rate limit and numbering."""
    key = ApiKey.find_active(request.POST.get("api_key", "").strip())
    if key is None:
        raise ApiError(403, _("api_key не указан, неверен или отозван. Ключ выдаёт администратор портала."))
    page = form_page()
    if page is None:
        raise ApiError(400, _("Приём сообщений на портале сейчас не работает."))
    if ratelimit.is_limited(request, ratelimit.REPORT):
        raise ApiError(429, _("С этого адреса недавно отправили много сообщений. Повторите через 10 минут."))
    if request.FILES:
        if ratelimit.is_limited(request, ratelimit.UPLOAD):
            raise ApiError(429, _("С этого адреса недавно много раз отправляли фото. Повторите позже."))
        ratelimit.record(request, ratelimit.UPLOAD)
    errors = submission_errors(request.POST, page)
    data, files = form_input(request.POST, request.FILES)
    form = ReportForm(data, files, page=page)
    valid = form.is_valid()  # validated even after a refusal above: every error in one answer
    if errors or not valid:
        raise ApiError(400, *errors, *form_errors(form))
    report = create_report(page, form.cleaned_data, get_language(), api_key=key)
    ratelimit.record(request, ratelimit.REPORT)
    logger.info("Report %s submitted through the API by key %s", report.number, key.prefix)
    notice = _(
        "Сообщение принято под номером %(number)s. Ответ — до %(date)s; после проверки модератор может "
        "опубликовать его на сайте без имени и контактов жителя."
    ) % {"number": report.number, "date": report.due_date.strftime("%d.%m.%Y")}
    item = {
        "service_request_id": report.number,
        "service_notice": notice,
        "account_id": request.POST.get("account_id", "").strip()[:100],
    }
    result = doc.response(fmt, "service_requests", "request", [item])
    result["Cache-Control"] = "private, no-store"
    return result


def not_found(request):
    """Any other address under /open311/v2/: the spec's 404 in XML, its required format."""
    return doc.errors_response("xml", 404, [_("Такого метода нет. Список методов: discovery.xml.")])


FORMAT = r"(?P<fmt>[A-Za-z0-9]+)"
urlpatterns = [
    re_path(rf"^discovery\.{FORMAT}$", discovery, name="open311_discovery"),
    re_path(rf"^services\.{FORMAT}$", services, name="open311_services"),
    re_path(rf"^services/(?P<code>[^/.]+)\.{FORMAT}$", service_definition, name="open311_service"),
    re_path(rf"^requests\.{FORMAT}$", csrf_exempt(service_requests), name="open311_requests"),
    re_path(rf"^requests/(?P<number>[^/]+?)\.{FORMAT}$", service_request, name="open311_request"),
    re_path(r"^", not_found),
]
