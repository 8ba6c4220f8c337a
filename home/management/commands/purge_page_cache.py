"""Stop serving every page in the page cache: after a release, or whenever an operator needs to."""

from django.core.management.base import BaseCommand

from home.page_cache import purge_page_cache


class Command(BaseCommand):
    help = (
        "Сбрасывает кэш страниц: все страницы будут построены заново. "
        "Выполняйте после обновления портала (docs/operations.md, раздел 13)."
    )

    def handle(self, *args, **options):
        purge_page_cache()
        self.stdout.write(
            "Кэш страниц сброшен: процессы портала перестанут отдавать старые страницы в течение секунды."
        )
