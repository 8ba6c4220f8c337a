"""Load the city's demo content: the page tree in three languages, the footer, and the rest."""

from django.core.management.base import BaseCommand
from django.utils.module_loading import import_string

# Each content area adds its own loader; they run in this order, each idempotent.
DEMO_LOADERS = ["home.demo.load.load", "news.demo.load.load", "feedback.demo.load"]


class Command(BaseCommand):
    help = "Создаёт демонстрационное содержимое портала. Повторный запуск ничего не меняет."

    def handle(self, *args, **options):
        for dotted_path in DEMO_LOADERS:
            import_string(dotted_path)()
        self.stdout.write(self.style.SUCCESS("Демонстрационное содержимое загружено."))
