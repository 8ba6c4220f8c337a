"""Put the daily jobs into the task queue: overdue reminders, removal of orphaned photo files.

Started by deploy/glazov-daily.timer; the worker (glazov-worker.service) runs them.
"""

from django.core.management.base import BaseCommand

from feedback.tasks import DAILY_TASKS, enqueue_daily_tasks


class Command(BaseCommand):
    help = "Ставит в очередь ежедневные задания: напоминания о просроченных сообщениях, удаление лишних фото."

    def handle(self, *args, **options):
        results = enqueue_daily_tasks()
        queued = sum(result is not None for result in results)
        self.stdout.write(f"Поставлено в очередь: {queued} из {len(DAILY_TASKS)}")
        if queued < len(DAILY_TASKS):
            raise SystemExit(1)
