"""Demo accounts for trying the admin in each role. Development settings only."""

import os

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError

DEMO_PASSWORD = "glazov-demo"  # noqa: S105 - printed on purpose; refused outside DEBUG
DEMO_USERS = [
    ("admin", "Администратор", None),
    ("editor", "Редактор", "Редакторы"),
    ("author", "Автор", "Авторы"),
    ("moderator", "Модератор обращений", "Модераторы обращений"),
    ("translator", "Переводчик", "Переводчики"),
]


class Command(BaseCommand):
    help = "Создаёт демонстрационные учётные записи (только при DEBUG) и печатает логины."

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError("Демонстрационные учётные записи создаются только с настройками разработки.")
        User = get_user_model()
        for username, first_name, group_name in DEMO_USERS:
            user, created = User.objects.get_or_create(
                username=username,
                defaults={
                    "first_name": first_name,
                    "email": f"{username}@example.org",
                    "is_staff": group_name is None,
                    "is_superuser": group_name is None,
                },
            )
            if created:
                user.set_password(DEMO_PASSWORD)
                user.save()
            if group_name:
                user.groups.add(Group.objects.get(name=group_name))
        port = os.environ.get("PORT", "8000")
        self.stdout.write(f"Вход в админку: http://127.0.0.1:{port}/admin/")
        for username, first_name, _group in DEMO_USERS:
            self.stdout.write(f"  {first_name:<22} логин: {username:<11} пароль: {DEMO_PASSWORD}")
