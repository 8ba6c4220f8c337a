"""Demo links of the mandatory information registry: what the demo pages satisfy, the rest left missing.

So `make run` shows a realistic dashboard: most items missing, a few current, one stale (the
«О городе» page, whose last publication is put back four months, past its quarterly check).
"""

import datetime

from django.conf import settings
from django.utils import timezone
from wagtail.models import Page

from .models import RequiredItem, RequiredItemPage

# item code -> slug of the Russian demo page that publishes it
DEMO_LINKS = {
    "13.1.1.а": "contacts",  # name, address, e-mail, phones
    "13.1.2.а": "decisions",  # municipal acts and their changes: the Duma decisions registry
    "13.1.3": "news",  # events and visits: the news
    "13.1.1.б": "about",  # powers of the bodies: «О городе» has a section on self-government
}
STALE_SLUG = "about"
STALE_AGE = datetime.timedelta(days=120)


def load(examples=True):
    if not examples:
        return
    pages = {
        page.slug: page
        for page in Page.objects.filter(
            slug__in=DEMO_LINKS.values(), locale__language_code=settings.LANGUAGE_CODE
        )
    }
    for code, slug in DEMO_LINKS.items():
        item = RequiredItem.objects.filter(code=code).first()
        page = pages.get(slug)
        if item is None or page is None or item.page_links.exists():
            continue  # loaded before, or an editor has changed it since
        RequiredItemPage.objects.create(item=item, page=page)
        if slug == STALE_SLUG:
            Page.objects.filter(pk=page.pk).update(last_published_at=timezone.now() - STALE_AGE)
