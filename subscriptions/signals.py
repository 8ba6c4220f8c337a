"""Publishing a news item or a decision for the first time alerts its subscribers (on commit).

Connected with the other reactions to a publish (wagtail's page_published, like news/signals.py);
the sending itself is subscriptions.tasks' and runs in the worker, never in the editor's request.
"""

from django.dispatch import receiver
from wagtail.signals import page_published

from home.deferred import enqueue_on_commit
from news.models import DecisionPage, NewsPage

from . import tasks
from .models import Announcement
from .sending import fingerprint, is_public


def announce(instance, kind):
    if not is_public(instance):
        return None  # a private or unlisted item is announced when it is published for everyone
    defaults = {"page": instance, "kind": kind}
    if kind == Announcement.Kind.DECISION:
        defaults["fingerprint"] = fingerprint(instance)
    announcement, created = Announcement.objects.get_or_create(
        translation_key=instance.translation_key, defaults=defaults
    )
    if created:
        enqueue_on_commit(tasks.send_alerts, announcement.pk)
    return announcement if created else None


@receiver(page_published, sender=NewsPage)
def announce_news(sender, instance, **kwargs):
    announce(instance, Announcement.Kind.NEWS)


@receiver(page_published, sender=DecisionPage)
def announce_decision(sender, instance, **kwargs):
    """A new decision alerts its topics; a changed one (or the acts it repeals) its followers.

    Whether a known decision changed is decided by the worker after the commit, when the acts
    this one repeals have their new status too (news.signals.mark_repealed_decisions).
    """
    announce(instance, Announcement.Kind.DECISION)
    # A new decision may repeal others: their followers are told, even when this one is new.
    enqueue_on_commit(tasks.send_decision_changes, instance.pk)
