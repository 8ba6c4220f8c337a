"""Put the daily jobs into the task queue: overdue reminders, removal of orphaned photo files,
the subscribers' daily digests, the removal of unconfirmed subscription requests and the
reminders of mandatory information due for review.

Started by deploy/glazov-daily.timer (its time is the digests' time); the worker
(glazov-worker.service) runs them.
"""

from django.core.management.base import BaseCommand

from compliance.tasks import DAILY_TASKS as COMPLIANCE_DAILY_TASKS
from feedback.tasks import DAILY_TASKS as FEEDBACK_DAILY_TASKS
from home.deferred import enqueue
from subscriptions.tasks import DAILY_TASKS as SUBSCRIPTION_DAILY_TASKS

DAILY_TASKS = [*FEEDBACK_DAILY_TASKS, *SUBSCRIPTION_DAILY_TASKS, *COMPLIANCE_DAILY_TASKS]


class Command(BaseCommand):
    help = (
        "Ставит в очередь ежедневные задания: напоминания о просроченных сообщениях, удаление лишних "
        "фото, сводки подписчикам, удаление неподтверждённых подписок, напоминания об обязательной "
        "информации."
    )

    def handle(self, *args, **options):
        results = [enqueue(daily_task) for daily_task in DAILY_TASKS]
        queued = sum(result is not None for result in results)
        self.stdout.write(f"Поставлено в очередь: {queued} из {len(DAILY_TASKS)}")
        if queued < len(DAILY_TASKS):
            raise SystemExit(1)
