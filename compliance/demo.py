"""Demo links of the mandatory information registry: what the demo pages satisfy, the rest left missing.

So `make run` shows a realistic dashboard: most items missing, a few current, one stale (the
«О городе» page, whose last publication is put back four months, past its quarterly check).
"""

import datetime

from django.conf import settings
from django.utils import timezone
from wagtail.models import Locale, Page
from wagtail_localize.synctree import synchronize_tree

from .models import MandatoryInformationPage, RequiredItem, RequiredItemPage

# item code -> slug of the Russian demo page that publishes it
DEMO_LINKS = {
    "13.1.1.а": "contacts",  # name, address, e-mail, phones
    "13.1.2.а": "decisions",  # municipal acts and their changes: the Duma decisions registry
    "13.1.3": "news",  # events and visits: the news
    "13.1.1.б": "about",  # powers of the bodies: «О городе» has a section on self-government
}
STALE_SLUG = "about"
STALE_AGE = datetime.timedelta(days=120)


MAP_SLUG = "mandatory-information"
MAP_INTRO = (
    "<p>Какая информация о деятельности Администрации и Городской Думы Глазова размещена на портале "
    "по Федеральному закону от 09.02.2009 № 8-ФЗ (статья 13) и на каких страницах её найти.</p>"
)


def load_public_map():
    """The public map page under «О городе», with its copies in the other languages."""
    about = Page.objects.filter(slug=STALE_SLUG, locale__language_code=settings.LANGUAGE_CODE).first()
    if about is None or MandatoryInformationPage.objects.filter(slug=MAP_SLUG).exists():
        return
    page = MandatoryInformationPage(
        title="Обязательная информация о деятельности органов местного самоуправления",
        slug=MAP_SLUG,
        intro=MAP_INTRO,
    )
    about.add_child(instance=page)
    page.save_revision().publish()
    source = Locale.objects.get(language_code=settings.LANGUAGE_CODE)
    for locale in Locale.objects.exclude(pk=source.pk):
        synchronize_tree(source, locale)


def load(examples=True):
    load_public_map()
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
