"""Signal handlers that keep the page tree consistent and the cached menus and pages fresh."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from wagtail.contrib.settings.models import BaseGenericSetting, BaseSiteSetting
from wagtail.documents.models import AbstractDocument
from wagtail.images.models import AbstractImage
from wagtail.models import BaseViewRestriction, Locale, Page, Site
from wagtail.signals import page_published, page_unpublished, post_page_move

from home.models import FooterContacts
from home.navigation import invalidate_site_chrome
from home.page_cache import purge_page_cache


@receiver(page_published)
def repair_child_count(sender, instance, **kwargs):
    """Keep a published page's child count true to the tree.

    Publishing a revision saves the page's child count as it was when the revision was
    made. wagtail-localize publishes translations on commit, so translating a parent and
    its children in one transaction leaves the parent at 0 children and they 404
    (wagtail-localize #773). Counting costs one query per publish.
    """
    actual = Page.objects.filter(path__startswith=instance.path, depth=instance.depth + 1).count()
    if actual != instance.numchild:
        Page.objects.filter(pk=instance.pk).update(numchild=actual)
        instance.numchild = actual


@receiver(page_published)
@receiver(page_unpublished)
@receiver(post_page_move)
def forget_pages_for_page(sender, **kwargs):
    """Menus, language links, listings and the page itself show published pages: refresh them."""
    invalidate_site_chrome()
    purge_page_cache()


# Besides pages, what public pages show: saved or deleted, these drop the cached pages
# (the first three also the cached menus and footers, which name the languages).
CHROME_MODELS = (FooterContacts, Site, Locale)
PAGE_CACHE_MODELS = (
    *CHROME_MODELS,
    BaseSiteSetting,
    BaseGenericSetting,
    BaseViewRestriction,  # a page made private must leave the cache at once
    AbstractImage,
    AbstractDocument,
)


@receiver(post_save)
def forget_pages_for_save(sender, instance, created=False, **kwargs):
    if isinstance(instance, CHROME_MODELS):
        invalidate_site_chrome()
    # Settings are created with their defaults on first use (by a visitor's page view), which
    # changes nothing shown; the admin saves them again with the editor's values.
    if created and isinstance(instance, (BaseSiteSetting, BaseGenericSetting)):
        return
    if isinstance(instance, PAGE_CACHE_MODELS):
        purge_page_cache()


@receiver(post_delete)
def forget_pages_for_deletion(sender, instance, **kwargs):
    if isinstance(instance, (Page, *CHROME_MODELS)):
        invalidate_site_chrome()
    if isinstance(instance, (Page, *PAGE_CACHE_MODELS)):
        purge_page_cache()
