"""Small helpers the tests share."""

from django.conf import settings
from wagtail.models import Locale, Page, Site


def home_page(language_code=None):
    """The home page of a language tree (Russian by default)."""
    root = Site.objects.get(is_default_site=True).root_page
    if language_code in (None, settings.LANGUAGE_CODE):
        return root.specific
    return root.get_translation(Locale.objects.get(language_code=language_code)).specific


def page_by_slug(slug, language_code="ru"):
    return Page.objects.get(slug=slug, locale__language_code=language_code).specific


def site_root_url():
    """Where full URLs (canonical, hreflang, sitemap) point: the Wagtail site's address."""
    return Site.objects.get(is_default_site=True).root_url


def news_index(language_code="ru"):
    from news.models import NewsIndexPage

    return NewsIndexPage.objects.get(slug="news", locale__language_code=language_code)


def decision_registry(language_code="ru"):
    from news.models import DecisionIndexPage

    return DecisionIndexPage.objects.get(slug="decisions", locale__language_code=language_code)


# The staff groups (home/migrations/0002_create_groups.py), in the order the role tests list them.
AUTHORS, EDITORS, REPORT_MODERATORS, TRANSLATORS = (
    "Авторы",
    "Редакторы",
    "Модераторы обращений",
    "Переводчики",
)
GROUPS = (AUTHORS, EDITORS, TRANSLATORS, REPORT_MODERATORS)
