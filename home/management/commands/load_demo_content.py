"""Load the city's demo content: the page tree in three languages, the footer, and the rest."""

from django.core.management.base import BaseCommand
from django.utils.module_loading import import_string

# Each content area adds its own loader; they run in this order, each idempotent.
SITE_LOADERS = [
    "home.demo.load.load",
    "news.demo.load.load",
    "feedback.demo.load",
    "compliance.demo.load",
    "subscriptions.demo.load",
]


def load_site(examples):
    """The page tree, sections, footer and feedback form; with ``examples``, the sample news item,
    Duma decision and example.org service addresses too (a new production site goes without)."""
    for dotted_path in SITE_LOADERS:
        import_string(dotted_path)(examples=examples)


class Command(BaseCommand):
    help = (
        "Создаёт демонстрационное содержимое портала: структуру сайта, пример новости и решения Думы. "
        "Повторный запуск ничего не меняет. Для рабочего сервера — setup_site."
    )

    def handle(self, *args, **options):
        load_site(examples=True)
        self.stdout.write(self.style.SUCCESS("Демонстрационное содержимое загружено."))
