"""Daily: e-mail the responsible about mandatory information due within a week or stale (once each)."""

from django.core.management.base import BaseCommand

from compliance.services import send_reminders


class Command(BaseCommand):
    help = "Напомнить ответственным об обязательной информации, срок проверки которой подходит или прошёл."

    def handle(self, *args, **options):
        sent = send_reminders()
        if options["verbosity"]:
            self.stdout.write(f"Reminders sent: {sent}")
