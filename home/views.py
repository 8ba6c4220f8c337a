"""Site-wide views outside the page tree: search and robots.txt."""

from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_GET
from wagtail.models import Locale, Page

SEARCH_RESULTS_PER_PAGE = 10
SEARCH_QUERY_MAX_LENGTH = 200


@require_GET
def search(request):
    """Full-text search over every published page in the visitor's language."""
    query = request.GET.get("q", "").strip()[:SEARCH_QUERY_MAX_LENGTH]
    results = Page.objects.none()
    if query:
        # Untranslated copies (aliases) repeat the Russian text: only this language's own pages.
        own_pages = Page.objects.filter(locale=Locale.get_active(), alias_of__isnull=True, depth__gt=1)
        results = Page.objects.live().public().filter(id__in=own_pages.values("id")).specific().search(query)
    paginator = Paginator(results, SEARCH_RESULTS_PER_PAGE)
    try:
        results_page = paginator.page(request.GET.get("page", 1))
    except PageNotAnInteger:
        results_page = paginator.page(1)
    except EmptyPage:
        results_page = paginator.page(paginator.num_pages)
    return render(
        request,
        "home/search.html",
        {
            "search_query": query,
            "results": results_page,
            "paginator": paginator,
            "page_range": paginator.get_elided_page_range(results_page.number, on_each_side=2),
            "pagination_query": urlencode({"q": query}) + "&",
        },
    )


@require_GET
def robots_txt(request):
    """robots.txt: everything public may be indexed except the admin; points to the sitemap."""
    sitemap_url = request.build_absolute_uri(reverse("sitemap"))
    lines = ["User-agent: *", "Disallow: /admin/", "Disallow: /documents/", f"Sitemap: {sitemap_url}", ""]
    return HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8")
