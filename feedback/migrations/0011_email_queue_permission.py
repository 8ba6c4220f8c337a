"""«Очередь писем» in the admin: a permission of its own, given to «Модераторы обращений»."""

from django.db import migrations

from home.migration_utils import grant_model_permissions

REPORT_MODERATORS = "Модераторы обращений"


def grant(apps, schema_editor):
    grant_model_permissions(apps, REPORT_MODERATORS, "feedback", ["view_email_queue"])


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    permission = Permission.objects.filter(content_type__app_label="feedback", codename="view_email_queue")
    for group in Group.objects.filter(name=REPORT_MODERATORS):
        group.permissions.remove(*permission)


class Migration(migrations.Migration):
    dependencies = [
        ("feedback", "0010_notification_deferred_sending"),
        ("home", "0002_create_groups"),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="notification",
            options={
                "ordering": ["created_at", "pk"],
                "permissions": [("view_email_queue", "Может видеть очередь писем и отправлять их ещё раз")],
                "verbose_name": "письмо",
                "verbose_name_plural": "письма",
            },
        ),
        migrations.RunPython(grant, revoke),
    ]
