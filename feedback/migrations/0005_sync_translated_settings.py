"""Give every translated copy the Russian version's routing and consent settings.

Until now a translator could change, on the English or Udmurt form page and categories, where
residents' reports are e-mailed, the deadline, the consent version and the legal pages. From
now on they are the Russian version's (home/localize_sync.py keeps them so); this puts the
existing copies right. A copy's consent version is cleared where its wording is not the
Russian one: nothing says which version it translates, so the form shows the Russian wording
until a translator publishes the translation again.
"""

from django.conf import settings
from django.db import migrations

PAGE_FIELDS = ["deadline_days", "notification_emails", "official_appeal_page_id", "privacy_page_id"]
CATEGORY_FIELDS = ["routing_email", "active", "sort_order"]


def sources(model):
    return {
        obj.translation_key: obj for obj in model.objects.filter(locale__language_code=settings.LANGUAGE_CODE)
    }


def sync(apps, schema_editor):
    FeedbackPage = apps.get_model("feedback", "FeedbackPage")
    ProblemCategory = apps.get_model("feedback", "ProblemCategory")

    originals = sources(ProblemCategory)
    for copy in ProblemCategory.objects.exclude(locale__language_code=settings.LANGUAGE_CODE):
        source = originals.get(copy.translation_key)
        if source is not None:
            ProblemCategory.objects.filter(pk=copy.pk).update(
                **{name: getattr(source, name) for name in CATEGORY_FIELDS}
            )

    originals = sources(FeedbackPage)
    for copy in FeedbackPage.objects.exclude(locale__language_code=settings.LANGUAGE_CODE):
        source = originals.get(copy.translation_key)
        if source is None:
            continue
        values = {name: getattr(source, name) for name in PAGE_FIELDS}
        values["consent_version"] = source.consent_version if copy.consent_text == source.consent_text else ""
        FeedbackPage.objects.filter(pk=copy.pk).update(**values)
        Through = FeedbackPage.categories.through
        chosen = Through.objects.filter(feedbackpage_id=source.pk).values_list(
            "problemcategory_id", flat=True
        )
        Through.objects.filter(feedbackpage_id=copy.pk).delete()
        Through.objects.bulk_create(
            Through(feedbackpage_id=copy.pk, problemcategory_id=category) for category in list(chosen)
        )


class Migration(migrations.Migration):
    dependencies = [
        ("feedback", "0004_report_consent_language"),
        ("wagtailcore", "0098_apitoken"),
    ]

    operations = [migrations.RunPython(sync, migrations.RunPython.noop)]
