"""Give «Модераторы обращений» the report inbox and «Редакторы» the problem categories.

Moderators may view and change reports, never add (reports come only from residents) or
delete them (superusers only; see feedback.viewsets.ReportPermissionPolicy).
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

REPORT_MODERATORS = "Модераторы обращений"
EDITORS = "Редакторы"


def grant(apps, schema_editor):
    app_config = apps.get_app_config("feedback")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")

    def perms(*codenames):
        return Permission.objects.filter(content_type__app_label="feedback", codename__in=codenames)

    moderators, _ = Group.objects.get_or_create(name=REPORT_MODERATORS)
    moderators.permissions.add(*perms("view_problemreport", "change_problemreport"))
    editors = Group.objects.filter(name=EDITORS).first()
    if editors is not None:
        editors.permissions.add(
            *perms("add_problemcategory", "change_problemcategory", "delete_problemcategory")
        )


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for group in Group.objects.filter(name__in=[REPORT_MODERATORS, EDITORS]):
        group.permissions.remove(*Permission.objects.filter(content_type__app_label="feedback"))


class Migration(migrations.Migration):
    dependencies = [
        ("feedback", "0001_initial"),
        ("home", "0002_create_groups"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
