"""The hourly safety net: send the stored e-mails the task worker has not (it was down, say).

The worker sends every e-mail and retries with back-off on its own (feedback/tasks.py); this
command only picks up rows nobody is sending, so it never sends a message twice.
"""

from django.core.management.base import BaseCommand

from feedback.tasks import retry_unsent


class Command(BaseCommand):
    help = "Отправляет письма «Решаем вместе», которые не отправил обработчик очереди (страховка, раз в час)."

    def handle(self, *args, **options):
        sent, failed = retry_unsent()
        self.stdout.write(f"Отправлено: {sent}, не удалось: {failed}")
