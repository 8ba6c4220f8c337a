from .api_keys import ApiKey
from .categories import ProblemCategory
from .limits import RateLimitEvent
from .pages import FeedbackPage
from .reports import (
    CLOSED_STATUSES,
    Notification,
    ProblemReport,
    ReportPhoto,
    Status,
    StatusChange,
    YearCounter,
)

__all__ = [
    "CLOSED_STATUSES",
    "ApiKey",
    "FeedbackPage",
    "Notification",
    "ProblemCategory",
    "ProblemReport",
    "RateLimitEvent",
    "ReportPhoto",
    "Status",
    "StatusChange",
    "YearCounter",
]
