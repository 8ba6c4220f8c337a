"""Seed the three kinds of municipal act and let the portal's groups manage the new snippets.

«Редакторы» add and change rubrics and kinds of acts; «Переводчики» may change them, which
wagtail-localize needs to translate them. Pages need no new grants: editors' page
permissions on the root cover news and decisions.
"""

import uuid

from django.conf import settings
from django.contrib.auth.management import create_permissions
from django.db import migrations

KINDS = [
    ("Решение", "reshenie", 10),
    ("Постановление", "postanovlenie", 20),
    ("Распоряжение", "rasporyazhenie", 30),
]
EDITOR_CODENAMES = [
    f"{action}_{model}" for model in ("rubric", "decisionkind") for action in ("add", "change", "delete")
]
TRANSLATOR_CODENAMES = ["change_rubric", "change_decisionkind"]


def seed(apps, schema_editor):
    app_config = apps.get_app_config("news")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None

    Locale = apps.get_model("wagtailcore", "Locale")
    DecisionKind = apps.get_model("news", "DecisionKind")
    locale, _ = Locale.objects.get_or_create(language_code=settings.LANGUAGE_CODE)
    for name, slug, order in KINDS:
        DecisionKind.objects.get_or_create(
            slug=slug,
            locale=locale,
            defaults={"name": name, "sort_order": order, "translation_key": uuid.uuid4()},
        )

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for group_name, codenames in (("Редакторы", EDITOR_CODENAMES), ("Переводчики", TRANSLATOR_CODENAMES)):
        group = Group.objects.filter(name=group_name).first()
        if group is not None:
            group.permissions.add(
                *Permission.objects.filter(content_type__app_label="news", codename__in=codenames)
            )


class Migration(migrations.Migration):
    dependencies = [("news", "0001_initial"), ("home", "0002_create_groups")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
