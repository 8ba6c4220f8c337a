"""«Редакторы» keep the registry: see it and its report, add local items, change items, mark them reviewed.

Deleting an item stays with the site's administrators: an item the law requires is marked «не
относится» with a reason instead, so the prosecutor sees why.
"""

from django.db import migrations

from home.migration_utils import grant_model_permissions


def grant(apps, schema_editor):
    grant_model_permissions(
        apps, "Редакторы", "compliance", ["view_requireditem", "add_requireditem", "change_requireditem"]
    )


class Migration(migrations.Migration):
    dependencies = [("compliance", "0002_seed_items"), ("home", "0002_create_groups")]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
