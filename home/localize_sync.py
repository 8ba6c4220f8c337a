"""Synchronised fields that no translation can change: kept equal to the Russian version's.

A field declared ``SynchronizedField(..., overridable=False)`` in a model's
``translatable_fields`` (addresses residents' data is sent to, phones, dates, numbers,
documents, the consent version…) is copied from the Russian source by wagtail-localize only
when a translation is saved through it. A translated copy may also be saved otherwise (its own
editor once the translation is stopped, an old translation source whose segments still
include the field), and the source may change after the copy was made. So:

- a translated copy, whenever it is saved, takes those fields from its Russian source;
- the Russian source, whenever it is saved, hands them to every translated copy.

A model may name in ``synchronized_with_translation`` fields that follow the translated text
rather than the live source (FeedbackPage.consent_version): they are left to wagtail-localize.
"""

from django.conf import settings
from django.db.models.signals import post_save, pre_save
from modelcluster.fields import ParentalManyToManyField
from wagtail.models import TranslatableMixin
from wagtail_localize.fields import SynchronizedField, get_translatable_fields

APPS = {"home", "news", "feedback"}


def locked_fields(model):
    """Names of the model's synchronised, non-overridable fields."""
    return [
        field.field_name
        for field in get_translatable_fields(model)
        if isinstance(field, SynchronizedField) and not field.overridable
    ]


def forced_fields(model):
    """The locked fields copied from the live source (all but those that follow the translation)."""
    follow = set(getattr(model, "synchronized_with_translation", ()))
    return [model._meta.get_field(name) for name in locked_fields(model) if name not in follow]


def applies_to(model):
    return (
        issubclass(model, TranslatableMixin)
        and model._meta.app_label in APPS
        and not model._meta.abstract
        and bool(locked_fields(model))
    )


def source_of(instance):
    manager = type(instance)._default_manager
    return manager.filter(
        translation_key=instance.translation_key, locale__language_code=settings.LANGUAGE_CODE
    ).first()


def is_source(instance):
    return instance.locale_id is None or instance.locale.language_code == settings.LANGUAGE_CODE


def copy_from_source(sender, instance, raw=False, update_fields=None, **kwargs):
    """pre_save of a translated copy: its locked fields become the source's."""
    if raw or not applies_to(sender) or is_source(instance):
        return
    source = source_of(instance)
    if source is None:
        return
    for field in forced_fields(sender):
        if isinstance(field, ParentalManyToManyField):
            setattr(instance, field.name, list(getattr(source, field.name).all()))
        elif not field.many_to_many:
            setattr(instance, field.attname, getattr(source, field.attname))


def hand_to_copies(sender, instance, raw=False, update_fields=None, **kwargs):
    """post_save of a Russian source: every translated copy takes its locked fields."""
    if raw or not applies_to(sender) or not is_source(instance):
        return
    fields = forced_fields(sender)
    if update_fields is not None:
        fields = [field for field in fields if field.name in update_fields or field.attname in update_fields]
    copies = sender._default_manager.filter(translation_key=instance.translation_key).exclude(pk=instance.pk)
    values = {field.attname: getattr(instance, field.attname) for field in fields if not field.many_to_many}
    if values:
        copies.update(**values)
    for field in fields:
        if field.many_to_many:
            through = field.remote_field.through
            source_column = field.m2m_field_name()
            target_column = field.m2m_reverse_field_name()
            # A ParentalManyToManyField is written to the database after post_save: read what the page holds.
            chosen = [item.pk for item in getattr(instance, field.name).all()]
            copy_ids = list(copies.values_list("pk", flat=True))
            through.objects.filter(**{f"{source_column}__in": copy_ids}).delete()
            through.objects.bulk_create(
                through(**{f"{source_column}_id": copy_id, f"{target_column}_id": target})
                for copy_id in copy_ids
                for target in chosen
            )


def connect():
    pre_save.connect(copy_from_source, dispatch_uid="localize_sync_copy_from_source")
    post_save.connect(hand_to_copies, dispatch_uid="localize_sync_hand_to_copies")
