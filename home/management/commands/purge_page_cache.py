"""Stop serving every page in the page cache: after a release, or whenever an operator needs to."""

from django.core.management.base import BaseCommand, CommandError

from home.page_cache import purge_now


class Command(BaseCommand):
    help = (
        "Сбрасывает кэш страниц: все страницы будут построены заново. "
        "Выполняйте после обновления портала (docs/operations.md, раздел 13)."
    )

    def handle(self, *args, **options):
        if not purge_now():
            raise CommandError(
                "Кэш страниц не сброшен: Redis недоступен (подробности выше). Запустите Redis и повторите."
            )
        self.stdout.write(
            "Кэш страниц сброшен: процессы портала перестанут отдавать старые страницы в течение секунды."
        )
