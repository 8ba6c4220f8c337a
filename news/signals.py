"""Keep the registry consistent when a decision is published (cache invalidation: home.caching)."""

from django.db import transaction
from django.dispatch import receiver
from wagtail.signals import page_published

from home import caching
from news.models import DecisionPage, DecisionStatus


@receiver(page_published, sender=DecisionPage)
def mark_repealed_decisions(sender, instance, revision=None, **kwargs):
    """Publishing a decision that repeals others makes them «утратило силу» from its date at once.

    Every language version of a repealed act changes (status and date are synchronised), and
    so does its latest draft, so the next edit in the admin does not bring the old status back.
    """
    repealed_keys = DecisionPage.repeals.through.objects.filter(from_decisionpage=instance.pk).values(
        "to_decisionpage__translation_key"
    )
    targets = list(
        DecisionPage.objects.filter(translation_key__in=repealed_keys)
        .exclude(status__in=[DecisionStatus.LOST_FORCE, DecisionStatus.INVALIDATED])
        .select_related("latest_revision")
    )
    lost_from = instance.effective_date or instance.date_adopted
    with transaction.atomic():
        for target in targets:
            DecisionPage.objects.filter(pk=target.pk).update(
                status=DecisionStatus.LOST_FORCE, lost_force_date=lost_from
            )
            draft = target.latest_revision
            if draft is not None:
                draft.content.update(status=DecisionStatus.LOST_FORCE, lost_force_date=lost_from.isoformat())
                draft.save(update_fields=["content"])
    # The repealed acts' pages and the registry show the new status (set without a publish).
    caching.changed(caching.DECISIONS, *(caching.page_namespace(target) for target in targets))
