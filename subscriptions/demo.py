"""Demo content: one confirmed subscription to all news, so `make run` shows an alert in the
console (the development e-mail backend) when an editor publishes a news item."""

from django.utils import timezone

from .forms import CONSENT_TEXT
from .models import Subscription

DEMO_ADDRESS = "podpischik@example.org"  # example.org: never a real person's mailbox


def load(examples=True):
    if not examples:
        return  # a production site starts with no subscribers
    if Subscription.objects.filter(email=DEMO_ADDRESS, topic=Subscription.Topic.NEWS).exists():
        return
    now = timezone.now()
    Subscription.objects.create(
        email=DEMO_ADDRESS,
        topic=Subscription.Topic.NEWS,
        language="ru",
        consent_text=str(CONSENT_TEXT),
        consent_at=now,
        created_at=now,
        confirmed_at=now,
    )
