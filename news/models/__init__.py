from .decisions import DecisionIndexPage, DecisionPage, DecisionStatus
from .news import NewsIndexPage, NewsPage, NewsPageTag
from .snippets import DecisionKind, Rubric

__all__ = [
    "DecisionIndexPage",
    "DecisionKind",
    "DecisionPage",
    "DecisionStatus",
    "NewsIndexPage",
    "NewsPage",
    "NewsPageTag",
    "Rubric",
]
