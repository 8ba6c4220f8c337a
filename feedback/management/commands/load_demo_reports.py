"""Load a few published demo reports with answers (after load_demo_content; idempotent)."""

from django.core.management.base import BaseCommand

from feedback.demo import ensure_public_reports


class Command(BaseCommand):
    help = (
        "Создаёт несколько опубликованных демонстрационных сообщений жителей с ответами, "
        "чтобы на странице «Что сообщили жители» было что показать. Повторный запуск ничего не меняет."
    )

    def handle(self, *args, **options):
        ensure_public_reports()
        self.stdout.write(self.style.SUCCESS("Демонстрационные сообщения жителей загружены."))
