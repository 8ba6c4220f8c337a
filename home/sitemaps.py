"""sitemap.xml for every language version of the portal."""

from django.db.models import Q
from wagtail.contrib.sitemaps import Sitemap
from wagtail.models import Page

from home.i18n import public


class AllLanguagesSitemap(Sitemap):
    """Every live, public page of every language tree (Wagtail's own sitemap lists only the
    tree the site's root page is in, which is the Russian one)."""

    def items(self):
        site = self.get_wagtail_site()
        homes = site.root_page.get_translations(inclusive=True)
        tree = Q()
        for home in homes.only("path"):
            tree |= Q(path__startswith=home.path)
        return public(Page.objects.filter(tree).live()).order_by("path").defer_streamfields().specific()
