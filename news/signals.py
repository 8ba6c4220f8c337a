"""Keep the registry consistent when a decision is published, and cached lists and pages fresh."""

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from wagtail.signals import page_published

from home.page_cache import purge_page_cache
from news.models import DecisionKind, DecisionPage, DecisionStatus, Rubric
from news.models.snippets import forget_localized_snippets


@receiver(page_published, sender=DecisionPage)
def mark_repealed_decisions(sender, instance, revision=None, **kwargs):
    """Publishing a decision that repeals others makes them «утратило силу» from its date at once.

    Every language version of a repealed act changes (status and date are synchronised), and
    so does its latest draft, so the next edit in the admin does not bring the old status back.
    """
    repealed_keys = DecisionPage.repeals.through.objects.filter(from_decisionpage=instance.pk).values(
        "to_decisionpage__translation_key"
    )
    targets = DecisionPage.objects.filter(translation_key__in=repealed_keys).exclude(
        status__in=[DecisionStatus.LOST_FORCE, DecisionStatus.INVALIDATED]
    )
    lost_from = instance.effective_date or instance.date_adopted
    with transaction.atomic():
        for target in targets.select_related("latest_revision"):
            DecisionPage.objects.filter(pk=target.pk).update(
                status=DecisionStatus.LOST_FORCE, lost_force_date=lost_from
            )
            draft = target.latest_revision
            if draft is not None:
                draft.content.update(status=DecisionStatus.LOST_FORCE, lost_force_date=lost_from.isoformat())
                draft.save(update_fields=["content"])
    # The repealed acts' pages and the registry show the new status (set after the publish purged).
    purge_page_cache()


@receiver([post_save, post_delete], sender=Rubric)
@receiver([post_save, post_delete], sender=DecisionKind)
def forget_rubric_and_kind_names(sender, **kwargs):
    """Listings, filters and news and decision pages show rubrics and kinds of act by name:
    a change shows at once."""
    forget_localized_snippets(sender)
    purge_page_cache()
