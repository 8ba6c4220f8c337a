"""Who may use the registry: Django's model permissions on RequiredItem (granted to «Редакторы»)."""

from wagtail.permission_policies import ModelPermissionPolicy

from .models import RequiredItem


class RequiredItemPermissionPolicy(ModelPermissionPolicy):
    """Items the law requires are never deleted, only marked «не относится» with a reason; the
    city's own items may be deleted by whoever may delete items (the site's administrators)."""

    def user_has_permission_for_instance(self, user, action, instance):
        if action == "delete" and not instance.is_local:
            return False
        return super().user_has_permission_for_instance(user, action, instance)


item_permission_policy = RequiredItemPermissionPolicy(RequiredItem)


def may_view(user):
    return item_permission_policy.user_has_any_permission(user, ["view", "change"])


def may_review(user):
    return item_permission_policy.user_has_permission(user, "change")
