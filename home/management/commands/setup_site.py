"""Build a new production site: the structure of the demo content without its examples."""

from django.core.management.base import BaseCommand

from home.management.commands.load_demo_content import load_site


class Command(BaseCommand):
    help = (
        "Создаёт структуру портала на трёх языках: главную, разделы, ленту новостей, реестр решений, "
        "форму «Решаем вместе» с категориями. Без примеров новостей и решений и без адресов служб. "
        "Повторный запуск ничего не меняет."
    )

    def handle(self, *args, **options):
        load_site(examples=False)
        self.stdout.write(
            self.style.SUCCESS(
                "Структура портала создана. Укажите почту служб в категориях проблем "
                "(Решаем вместе → Категории проблем) и адреса уведомлений на странице «Решаем вместе»."
            )
        )
