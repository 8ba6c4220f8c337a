"""Receivers of «Решаем вместе» that start deferred work (caching has its own: home/caching.py)."""

from django.db.models.signals import post_delete
from django.dispatch import receiver

from home.deferred import enqueue_on_commit

from .models import ReportPhoto
from .tasks import delete_photo_file


@receiver(post_delete, sender=ReportPhoto, dispatch_uid="feedback_delete_photo_file")
def delete_photo_file_after_commit(sender, instance, **kwargs):
    """A deleted report takes its photos' files with it, once the deletion has committed."""
    if instance.image.name:
        enqueue_on_commit(delete_photo_file, instance.image.name)
