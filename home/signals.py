"""Signal handlers that keep the page tree consistent."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from wagtail.models import Locale, Page, Site
from wagtail.signals import page_published, page_unpublished, post_page_move

from home.models import FooterContacts
from home.navigation import invalidate_site_chrome


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
def forget_site_chrome_for_page(sender, **kwargs):
    """Menus and language links show published pages: refresh them when one changes."""
    invalidate_site_chrome()


@receiver(post_delete)
def forget_site_chrome_for_deletion(sender, instance, **kwargs):
    if isinstance(instance, (Page, FooterContacts, Site, Locale)):
        invalidate_site_chrome()


@receiver(post_save, sender=FooterContacts)
@receiver(post_save, sender=Site)
@receiver(post_save, sender=Locale)
def forget_site_chrome_for_footer(sender, **kwargs):
    invalidate_site_chrome()
