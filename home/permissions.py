"""Page permissions that depend on the page tree, so a data migration cannot grant them."""

from django.conf import settings
from django.contrib.auth.models import Group, Permission
from wagtail.models import GroupPagePermission, Page

TRANSLATORS = "Переводчики"
TRANSLATOR_PAGE_PERMISSIONS = ["add_page", "change_page", "publish_page"]


def grant_translator_page_permissions():
    """Let «Переводчики» edit and publish the English and Udmurt trees, and nothing in Russian.

    Wagtail's page permissions follow the tree, and each language has a tree of its own
    under the root, so granting them on each translated home page is exactly that.
    """
    translators = Group.objects.filter(name=TRANSLATORS).first()
    if translators is None:
        return
    permissions = Permission.objects.filter(
        content_type__app_label="wagtailcore", codename__in=TRANSLATOR_PAGE_PERMISSIONS
    )
    homes = Page.objects.filter(depth=2).exclude(locale__language_code=settings.LANGUAGE_CODE)
    for home in homes:
        for permission in permissions:
            GroupPagePermission.objects.get_or_create(group=translators, page=home, permission=permission)
