"""Language helpers for pages."""

from django.utils.translation import get_language
from wagtail.models import Page


def localized_pages(pages):
    """Map each page's id to its live version in the visitor's language, else to the page itself.

    Wagtail's `page.localized` answers the same question with two queries per page.
    """
    pages = [page for page in pages if page is not None]
    translations = {
        page.translation_key: page
        for page in Page.objects.live().filter(
            translation_key__in={page.translation_key for page in pages},
            locale__language_code=get_language(),
        )
    }
    return {page.pk: translations.get(page.translation_key, page) for page in pages}
