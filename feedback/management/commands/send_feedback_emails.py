"""Retry the e-mails about residents' reports that could not be sent (run from cron every few minutes)."""

from django.core.management.base import BaseCommand

from feedback.tasks import retry_unsent


class Command(BaseCommand):
    help = "Повторно отправляет письма по сообщениям «Решаем вместе», которые не удалось отправить."

    def handle(self, *args, **options):
        sent, failed = retry_unsent()
        self.stdout.write(f"Отправлено: {sent}, не удалось: {failed}")
