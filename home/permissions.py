"""Permissions beyond Django's model permissions: translators' pages and snippets."""

from django.conf import settings
from django.contrib.auth.models import Group, Permission
from wagtail.models import GroupPagePermission, Page
from wagtail.permission_policies import ModelPermissionPolicy

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


class TranslationPermissionPolicy(ModelPermissionPolicy):
    """Model permissions, narrowed for translators to the translated languages.

    A user holding ``<app>.translate_<model>`` (the «Переводчики» group) also holds the
    model's change permission, because wagtail-localize's translation editor requires it,
    but may change only the English and Udmurt versions, never the Russian source.
    """

    def _translates_only(self, user):
        return not user.is_superuser and user.has_perm(f"{self.app_label}.translate_{self.model_name}")

    def user_has_permission_for_instance(self, user, action, instance):
        if not self.user_has_permission(user, action):
            return False
        return not self._translates_only(user) or instance.locale.language_code != settings.LANGUAGE_CODE

    def instances_user_has_any_permission_for(self, user, actions):
        instances = super().instances_user_has_any_permission_for(user, actions)
        if self._translates_only(user):
            instances = instances.exclude(locale__language_code=settings.LANGUAGE_CODE)
        return instances
