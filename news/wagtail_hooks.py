from wagtail import hooks
from wagtail.snippets.models import register_snippet

from news.choosers import decision_chooser_viewset, news_chooser_viewset, rubric_chooser_viewset
from news.viewsets import NewsAndDecisionsGroup

register_snippet(NewsAndDecisionsGroup)


@hooks.register("register_admin_viewset")
def register_chooser_viewsets():
    return [decision_chooser_viewset, news_chooser_viewset, rubric_chooser_viewset]
