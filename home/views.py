"""Site-wide views outside the page tree: search, robots.txt, the visual-mode switch, staff guides."""

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.http import (
    FileResponse,
    Http404,
    HttpResponse,
    HttpResponseForbidden,
    HttpResponseRedirect,
    HttpResponseServerError,
    JsonResponse,
)
from django.shortcuts import render
from django.template import loader
from django.urls import reverse
from django.utils import translation
from django.utils.cache import patch_cache_control
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django.views.csrf import csrf_failure
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST
from django.views.generic import TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.models import Locale, Page

from home import guides, visual_mode
from home.i18n import public, typed_text_language
from home.page_cache import uses_query_parameters
from home.search import search_terms, typed_text

SEARCH_RESULTS_PER_PAGE = 10
SEARCH_QUERY_MAX_LENGTH = 200


@require_GET
@uses_query_parameters("q", "page")
def search(request):
    """Full-text search over every published page in the visitor's language.

    Results are not for search engines (noindex) nor for the page cache: every query a visitor
    or a bot types would be one more entry. Only the empty search page is cached.
    """
    query = typed_text(request.GET.get("q", ""), SEARCH_QUERY_MAX_LENGTH)
    terms = search_terms(query)
    results = Page.objects.none()
    if terms:
        # Untranslated copies (aliases) repeat the Russian text: only this language's own pages.
        own_pages = Page.objects.filter(locale=Locale.get_active(), alias_of__isnull=True, depth__gt=1)
        own_pages = public(own_pages)
        results = Page.objects.live().filter(id__in=own_pages.values("id")).specific().search(terms)
    paginator = Paginator(results, SEARCH_RESULTS_PER_PAGE)
    try:
        results_page = paginator.page(request.GET.get("page", 1))
    except PageNotAnInteger:
        results_page = paginator.page(1)
    except EmptyPage:
        results_page = paginator.page(paginator.num_pages)
    response = render(
        request,
        "home/search.html",
        {
            "search_query": query,
            # The visitor's own words, in whatever language they typed them.
            "marked_query": typed_text_language(query),
            "results": results_page,
            "paginator": paginator,
            "page_range": paginator.get_elided_page_range(results_page.number, on_each_side=2),
            "pagination_query": urlencode({"q": query}) + "&",
        },
    )
    response["X-Robots-Tag"] = "noindex"
    if query:
        patch_cache_control(response, private=True)
    return response


@require_GET
def robots_txt(request):
    """robots.txt: everything public may be indexed except the admin; points to the sitemap."""
    sitemap_url = request.build_absolute_uri(reverse("sitemap"))
    lines = ["User-agent: *", "Disallow: /admin/", "Disallow: /documents/", f"Sitemap: {sitemap_url}", ""]
    return HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8")


class SeeOther(HttpResponseRedirect):
    status_code = 303


def _visual_mode_message(mode):
    """What the live region says after a change, e.g. «Шрифт крупный. Интервал обычный.»."""
    if not mode.active:
        return _("Включена обычная версия сайта.")
    parts = [
        str(visual_mode.SCHEMES[mode.scheme]) if mode.scheme else _("Цвета по умолчанию"),
        str(visual_mode.FONT_SIZES[mode.font]),
        _("Интервал увеличенный") if mode.spacing else _("Интервал обычный"),
        _("Изображения включены") if mode.images else _("Изображения выключены"),
    ]
    return ". ".join(parts) + "."


def is_cross_site(request):
    """Whether the browser says this request comes from another site (Fetch Metadata, else Origin).

    A request with neither header is not from a current browser, so it cannot be a forged one.
    """
    fetch_site = request.headers.get("Sec-Fetch-Site")
    if fetch_site is not None:
        return fetch_site not in {"same-origin", "none"}
    origin = request.headers.get("Origin")
    if origin is None:
        return False
    return (
        origin != f"{request.scheme}://{request.get_host()}" and origin not in settings.CSRF_TRUSTED_ORIGINS
    )


# No CSRF token: it would set a cookie on every page (the panel is on all of them) and keep
# pages out of the page cache. Another site's post is refused from the browser's own headers.
@csrf_exempt
@require_POST
def set_visual_mode(request):
    """Store the visitor's choice from the accessibility panel and send them back where they were.

    A form post gets a 303 to the page it came from (only a local URL); the panel's script
    asks for JSON instead and switches the classes in place.
    """
    if is_cross_site(request):
        return csrf_failure(request, reason="cross-site visual mode change")
    current = visual_mode.get_mode(request)
    reset = "reset" in request.POST
    mode = visual_mode.NORMAL if reset else visual_mode.apply_choice(current, request.POST)
    next_url = request.POST.get("next", "")
    # Only a path on this site: a relative "next" would resolve under /visual-mode/ and not be found.
    if not next_url.startswith("/") or not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        next_url = "/"
    if request.headers.get("Accept", "").startswith("application/json"):
        effective = visual_mode.get_effective_mode(request, mode)
        # This URL has no language prefix: announce the change in the language of the page.
        language = translation.get_language_from_path(next_url) or settings.LANGUAGE_CODE
        with translation.override(language):
            message = _visual_mode_message(effective)
        response = JsonResponse(
            {
                "html_class": effective.html_class,
                "scheme": effective.scheme or "",
                "font": effective.font,
                "spacing": "on" if effective.spacing else "off",
                "images": "on" if effective.images else "off",
                "active": effective.active,
                "message": message,
            }
        )
    else:
        response = SeeOther(next_url)
    if reset:
        response.delete_cookie(visual_mode.COOKIE_NAME, path="/", samesite="Lax")
    else:
        response.set_cookie(
            visual_mode.COOKIE_NAME,
            visual_mode.serialise(mode),
            max_age=visual_mode.COOKIE_MAX_AGE,
            path="/",
            secure=settings.SESSION_COOKIE_SECURE,
            httponly=True,
            samesite="Lax",
        )
    return response


class GuideView(WagtailAdminTemplateMixin, TemplateView):
    """A staff guide from docs/, rendered inside the admin for the groups it is written for."""

    template_name = "home/admin/guide.html"
    header_icon = "help"

    def dispatch(self, request, name):
        self.guide = guides.BY_NAME.get(name)
        if self.guide is None:
            raise Http404
        if self.guide not in guides.guides_for(request.user):
            raise PermissionDenied
        return super().dispatch(request, name)

    def get_page_title(self):
        return self.guide.title

    def get_breadcrumbs_items(self):
        return [*self.breadcrumbs_items, {"url": "", "label": self.guide.title}]

    def get_context_data(self, **kwargs):
        html = mark_safe(guides.render(self.guide))  # noqa: S308 (the project's own files in docs/)
        others = guides.guides_for(self.request.user)
        return super().get_context_data(**kwargs, guide_html=html, guides=others)


@require_GET
def guide_image(request, filename):
    """An image of the staff guides (docs/img/), for any admin user."""
    path = guides.IMAGES_DIR / filename
    if not guides.IMAGE_NAME.match(filename) or not path.is_file():
        raise Http404
    return FileResponse(path.open("rb"))


# The error pages' texts, translated when a page is shown (makemessages finds gettext_noop).
ERROR_HOME_LINK = gettext_noop("На главную страницу")
SERVER_ERROR_TITLE = gettext_noop("Ошибка на сервере")
SERVER_ERROR_TEXTS = [
    gettext_noop(
        "Что-то пошло не так на нашей стороне. Мы уже знаем об ошибке. "
        "Попробуйте обновить страницу через несколько минут."
    ),
    gettext_noop(
        "Если вы отправляли сообщение через форму «Решаем вместе» и не увидели номер обращения, "
        "отправьте его ещё раз или позвоните в администрацию города."
    ),
]
FORBIDDEN_TITLE = gettext_noop("Доступ закрыт")
FORBIDDEN_TEXTS = [
    gettext_noop(
        "У вас нет прав открыть эту страницу. Если вы сотрудник администрации, войдите под своей "
        "учётной записью; если страница нужна вам как жителю, позвоните в администрацию города."
    ),
]


def error_page(request, template_name, title, texts, response_class):
    """An error page in the visitor's language: the address's (/en/...), else their browser's, else Russian.

    Whatever failed may be the database or a context processor, so it renders a small template
    with no request context. A text not yet translated into the language is shown in Russian and
    marked so (`lang="ru"`), as a screen reader must read it.
    """
    language = translation.get_language_from_request(request, check_path=True)
    with translation.override(language):

        def part(message):
            text = _(message)
            return {"text": text, "lang": language if text != message or language == "ru" else "ru"}

        context = {
            "language": language,
            "site_name": _("Город Глазов"),
            "title": part(title),
            "texts": [part(message) for message in texts],
            "home": {**part(ERROR_HOME_LINK), "url": f"/{language}/"},
        }
        return response_class(loader.get_template(template_name).render(context))


def server_error(request, template_name="500.html"):
    """handler500."""
    return error_page(request, template_name, SERVER_ERROR_TITLE, SERVER_ERROR_TEXTS, HttpResponseServerError)


def permission_denied(request, exception=None, template_name="403.html"):
    """handler403 (a CSRF failure has its own page, templates/403_csrf.html)."""
    return error_page(request, template_name, FORBIDDEN_TITLE, FORBIDDEN_TEXTS, HttpResponseForbidden)
