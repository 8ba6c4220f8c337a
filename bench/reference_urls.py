"""The site's addresses plus /bench-reference/: a Wagtail page found by routing and shown bare.

The reference page goes through every middleware, finds the site and its home page exactly as
Wagtail's serve view does, and renders only the page's title: no chrome, no listing, no query of
its own. A page's requests per second divided by this page's is its cost beyond routing, a figure
that means the same on a fast machine and a slow one.
"""

from django.http import HttpResponse
from django.urls import path
from django.utils.html import format_html
from wagtail.models import Site

from site_glazov.urls import urlpatterns as site_urlpatterns

REFERENCE_PATH = "bench-reference/"


def reference_page(request):
    """The home page, routed as wagtail.views.serve routes it, in a bare HTML document."""
    site = Site.find_for_request(request)
    page, _args, _kwargs = site.root_page.localized.specific.route(request, [])
    html = format_html(
        '<!doctype html><html lang="ru"><head><meta charset="utf-8"><title>{}</title></head>'
        "<body><h1>{}</h1></body></html>",
        page.title,
        page.title,
    )
    return HttpResponse(html)


urlpatterns = [path(REFERENCE_PATH, reference_page, name="bench-reference"), *site_urlpatterns]
