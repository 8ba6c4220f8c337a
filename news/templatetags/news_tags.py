"""Template tags for news outside the news index: the home page's latest news."""

from django import template
from django.templatetags.static import static
from django.utils import formats
from django.utils.html import format_html
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from home import caching
from home.i18n import in_source_language
from news.listings import LISTING_RENDITION, attach_rubrics, with_listing_images
from news.models import NewsIndexPage

register = template.Library()


def news_index_for(request):
    """The live news index of the visitor's language (kept like the menu: the ``site`` namespace)."""
    language = get_language()
    return caching.per_request(
        request,
        "news_index",
        lambda: caching.cached(
            f"glazov:news-index:{language}",
            lambda: NewsIndexPage.objects.live().filter(locale__language_code=language).first(),
        ),
    )


@register.simple_tag
def decision_number(decision):
    """The act's number, marked as Russian on other language versions (numbers keep letters: «123-р»)."""
    return in_source_language(decision.display_number)


@register.simple_tag
def requisites(decision):
    """«от 5 мая 2016 № 123» as HTML, the number marked as Russian where the page is in another language."""
    # The translator's pattern, its %-placeholders turned into format_html's (which escapes the rest).
    pattern = _("от %(date)s %(number)s").replace("{", "{{").replace("}", "}}")
    return format_html(
        pattern.replace("%(date)s", "{date}").replace("%(number)s", "{number}"),
        date=formats.date_format(decision.date_adopted, "j E Y"),
        number=decision_number(decision),
    )


@register.inclusion_tag("news/components/latest_news.html", takes_context=True)
def latest_news(context):
    """The latest news of the visitor's language, as many as the news index's editors chose."""
    index = news_index_for(context["request"])
    items = []
    if index is not None and index.home_page_count:
        items = list(with_listing_images(index.news())[: index.home_page_count])
        caching.shows_pages(items)
        attach_rubrics(items)
    return {
        "request": context["request"],
        "index_page": index,
        "news_items": items,
        "rendition_spec": LISTING_RENDITION,
    }


@register.simple_tag(takes_context=True)
def news_head(context):
    """The news stylesheet and, where there is a news index, its RSS feed for feed readers."""
    html = format_html('<link rel="stylesheet" href="{}">', static("css/news.css"))
    index = news_index_for(context["request"])
    if index is not None:
        url = index.get_url(context["request"]) + index.reverse_subpage("feed")
        html += format_html(
            '\n    <link rel="alternate" type="application/rss+xml" title="{}" href="{}">', index.title, url
        )
    return html
