"""Helpers for data migrations that hand permissions to the staff groups."""

from django.contrib.auth.management import create_permissions


def ensure_permissions(apps, app_label=None):
    """Create the Permission rows now: Django only creates them after all migrations have run."""
    for app_config in apps.get_app_configs():
        if app_label is None or app_config.label == app_label:
            app_config.models_module = True
            create_permissions(app_config, apps=apps, verbosity=0)
            app_config.models_module = None


def get_permission(apps, app_label, codename):
    Permission = apps.get_model("auth", "Permission")
    return Permission.objects.get(content_type__app_label=app_label, codename=codename)


def grant_model_permissions(apps, group_name, app_label, codenames):
    """Give a staff group model permissions, creating the group if a fresh database lacks it."""
    ensure_permissions(apps, app_label)
    Group = apps.get_model("auth", "Group")
    group, _ = Group.objects.get_or_create(name=group_name)
    group.permissions.add(*[get_permission(apps, app_label, codename) for codename in codenames])
