"""The outbox as the task worker's record: a claim, an idempotency key (Message-ID), reminders."""

import uuid

from django.db import migrations, models

import feedback.models.reports


def give_each_row_a_key(apps, schema_editor):
    Notification = apps.get_model("feedback", "Notification")
    for notification in Notification.objects.filter(idempotency_key__isnull=True).only("pk"):
        Notification.objects.filter(pk=notification.pk).update(idempotency_key=uuid.uuid4().hex)


class Migration(migrations.Migration):
    dependencies = [
        ("feedback", "0009_public_answer_help"),
    ]

    operations = [
        migrations.AddField(
            model_name="notification",
            name="idempotency_key",
            field=models.CharField(editable=False, max_length=100, null=True, verbose_name="ключ письма"),
        ),
        migrations.RunPython(give_each_row_a_key, migrations.RunPython.noop, elidable=True),
        migrations.AlterField(
            model_name="notification",
            name="idempotency_key",
            field=models.CharField(
                default=feedback.models.reports.new_idempotency_key,
                editable=False,
                max_length=100,
                unique=True,
                verbose_name="ключ письма",
            ),
        ),
        migrations.AddField(
            model_name="notification",
            name="sending_since",
            field=models.DateTimeField(blank=True, editable=False, null=True, verbose_name="отправляется с"),
        ),
        migrations.AddField(
            model_name="notification",
            name="last_attempt_at",
            field=models.DateTimeField(
                blank=True, editable=False, null=True, verbose_name="последняя попытка"
            ),
        ),
        migrations.AlterField(
            model_name="notification",
            name="report",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=models.deletion.CASCADE,
                related_name="notifications",
                to="feedback.problemreport",
            ),
        ),
        migrations.AlterField(
            model_name="notification",
            name="kind",
            field=models.CharField(
                choices=[
                    ("confirmation", "подтверждение жителю"),
                    ("routing", "уведомление службе"),
                    ("status", "новый статус жителю"),
                    ("overdue", "напоминание о просроченных сообщениях"),
                ],
                max_length=20,
                verbose_name="вид",
            ),
        ),
    ]
