"""Signal handlers that keep the page tree consistent (cache invalidation: home.caching)."""

from django.dispatch import receiver
from wagtail.models import Page
from wagtail.signals import page_published


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
