from .base import BasePage
from .pages import HomePage, HomePageFeaturedLink, InfoPage
from .snippets import FooterContacts

__all__ = ["BasePage", "FooterContacts", "HomePage", "HomePageFeaturedLink", "InfoPage"]
