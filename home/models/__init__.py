from .base import BasePage
from .pages import HomePage, HomePageFeaturedLink, InfoPage
from .settings import AccessibilitySettings
from .snippets import FooterContacts

__all__ = [
    "AccessibilitySettings",
    "BasePage",
    "FooterContacts",
    "HomePage",
    "HomePageFeaturedLink",
    "InfoPage",
]
