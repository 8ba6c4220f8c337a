"""URL configuration: the admin outside the language prefixes, everything public under /ru/, /en/, /udm/."""

from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.urls import include, path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.contrib.sitemaps.views import sitemap
from wagtail.documents import urls as wagtaildocs_urls

from feedback import open311 as open311_urls
from home import admin_reports, localize_guard
from home import views as home_views
from home.page_cache import uses_query_parameters
from home.sitemaps import AllLanguagesSitemap

# The 403 and 500 pages in the language of the address (home/views.py).
handler403 = "home.views.permission_denied"
handler500 = "home.views.server_error"

urlpatterns = [
    # Wagtail's reports with safe spreadsheet downloads, in front of Wagtail's own at the same addresses.
    path("admin/", include(admin_reports)),
    # wagtail-localize's admin routes with Wagtail's own permissions checked first: these paths
    # come before the admin's, which still serves the rest of them (home/localize_guard.py).
    path("admin/localize/", include((localize_guard.urlpatterns, "localize_guard"))),
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    # Django's sitemap view pages its entries with ?p=.
    path(
        "sitemap.xml",
        uses_query_parameters("p")(sitemap),
        {"sitemaps": {"pages": AllLanguagesSitemap}},
        name="sitemap",
    ),
    # Open311 GeoReport v2 for partners' systems and apps, one address in every language.
    path("open311/v2/", include(open311_urls)),
    path("robots.txt", home_views.robots_txt, name="robots_txt"),
    # One address for every language: the form posts here and is sent back to its page.
    path("visual-mode/", home_views.set_visual_mode, name="visual_mode"),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

urlpatterns += i18n_patterns(
    path("search/", home_views.search, name="search"),
    path("subscribe/", include("subscriptions.urls")),
    path("", include(wagtail_urls)),
)
