"""The admin menu shows only what the user can open: no item that would answer «нет доступа».

Wagtail's snippet and model viewsets hide their menu items from users without rights, but a
page listing (PageListingViewSet, e.g. «Новости и решения») is shown to everyone who can log
in, moderators of reports included, and refuses them when clicked.
"""

from urllib.parse import urlsplit

from django.urls import Resolver404, resolve
from django.views import View
from wagtail.admin.menu import SubmenuMenuItem
from wagtail.admin.views.generic.permissions import PermissionCheckedMixin


def may_open(request, url):
    """Whether the admin view at ``url`` lets this user in, by the permission checks it declares."""
    parts = urlsplit(url)
    if parts.scheme or parts.netloc:
        return True  # another site's page, e.g. a guide
    try:
        match = resolve(parts.path)
    except Resolver404:
        return True
    view_class = getattr(match.func, "view_class", None)
    if view_class is None or not issubclass(view_class, PermissionCheckedMixin):
        return True
    view = view_class(**match.func.view_initkwargs)
    # Django's own setup only: the view's setup may already fetch objects.
    View.setup(view, request, *match.args, **match.kwargs)
    if view.permission_required is not None and not view.user_has_permission(view.permission_required):
        return False
    any_required = view.any_permission_required
    return any_required is None or view.user_has_any_permission(any_required)


def is_usable(request, item):
    if isinstance(item, SubmenuMenuItem):
        return any(is_usable(request, child) for child in item.menu.menu_items_for_request(request))
    return may_open(request, item.url)


def hide_unusable_menu_items(request, menu_items):
    """construct_main_menu hook: drop items (and groups) whose every link the user may not open."""
    menu_items[:] = [item for item in menu_items if is_usable(request, item)]
