"""RSS 2.0 feeds of the news index and of each rubric (Django's syndication framework)."""

from django.contrib.syndication.views import Feed
from django.http import Http404
from django.utils.feedgenerator import Rss201rev2Feed
from django.utils.translation import gettext as _

from home import caching
from news.listings import absolute_url
from news.models.snippets import Rubric, localized_snippets

FEED_ITEMS = 20


class NewsFeed(Feed):
    """The latest news of one index, optionally of one rubric only; dates in RFC 822."""

    feed_type = Rss201rev2Feed

    def __init__(self, index_page, rubric_slug=None):
        super().__init__()
        self.index_page = index_page
        self.rubric_slug = rubric_slug

    def get_object(self, request, *args, **kwargs):
        self.request = request
        if self.rubric_slug is None:
            return None
        rubric = localized_snippets(Rubric).get_by_slug(self.rubric_slug)
        if rubric is None:
            raise Http404(_("Такой рубрики нет."))
        return rubric

    def title(self, rubric):
        name = self.index_page.title
        return f"{name}: {rubric.name} — {_('Город Глазов')}" if rubric else f"{name} — {_('Город Глазов')}"

    def link(self, rubric):
        url = absolute_url(self.request, self.index_page)
        return f"{url}?rubric={rubric.slug}" if rubric else url

    def feed_url(self, rubric):
        route = ("rubric_feed", (rubric.slug,)) if rubric else ("feed", ())
        return absolute_url(self.request, self.index_page) + self.index_page.reverse_subpage(
            route[0], args=route[1]
        )

    def description(self, rubric):
        return self.index_page.intro or _("Новости города Глазова")

    def items(self, rubric):
        news = self.index_page.news()
        if rubric:
            news = news.filter(rubrics__slug=rubric.slug)
        items = list(news[:FEED_ITEMS])
        caching.shows_pages(items)
        return items

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        return item.lead

    def item_link(self, item):
        return absolute_url(self.request, item)

    def item_pubdate(self, item):
        return item.date

    def item_updateddate(self, item):
        return item.last_published_at or item.date
