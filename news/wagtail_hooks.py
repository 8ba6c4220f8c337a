from wagtail.snippets.models import register_snippet

from news.viewsets import NewsAndDecisionsGroup

register_snippet(NewsAndDecisionsGroup)
