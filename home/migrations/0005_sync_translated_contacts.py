"""Give every translated copy the Russian version's phone, e-mail and «report a problem» page.

They were translatable or overridable: a translator could change them on the English or
Udmurt version. From now on they are the Russian version's (home/localize_sync.py keeps them
so); this puts the existing copies right.
"""

from django.conf import settings
from django.db import migrations


def copy_fields(model, names):
    originals = {
        obj.translation_key: obj for obj in model.objects.filter(locale__language_code=settings.LANGUAGE_CODE)
    }
    for copy in model.objects.exclude(locale__language_code=settings.LANGUAGE_CODE):
        source = originals.get(copy.translation_key)
        if source is not None:
            model.objects.filter(pk=copy.pk).update(**{name: getattr(source, name) for name in names})


def sync(apps, schema_editor):
    copy_fields(apps.get_model("home", "FooterContacts"), ["phone", "email"])
    copy_fields(apps.get_model("home", "HomePage"), ["problem_cta_page_id"])


class Migration(migrations.Migration):
    dependencies = [
        ("home", "0004_translate_permissions"),
        ("wagtailcore", "0098_apitoken"),
    ]

    operations = [migrations.RunPython(sync, migrations.RunPython.noop)]
