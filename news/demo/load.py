"""Add the news index, the decisions registry, rubrics and the seed's news item with its decision.

Like home.demo.load, every step looks for what it would create first, so running it again
changes nothing.
"""

import io

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.images import ImageFile
from django.utils import timezone
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import Locale, Site
from wagtail_localize.synctree import synchronize_tree

from home.demo.load import ensure_translated
from news.models import DecisionIndexPage, DecisionKind, DecisionPage, NewsIndexPage, NewsPage, Rubric

from . import content
from .files import illustration_png, simple_pdf


def ensure_rubrics(locale):
    rubrics = {}
    for order, (name, slug, _english) in enumerate(content.RUBRICS):
        rubric, _ = Rubric.objects.get_or_create(
            slug=slug, locale=locale, defaults={"name": name, "sort_order": (order + 1) * 10}
        )
        rubrics[slug] = rubric
    return rubrics


def ensure_child(parent, model, slug, **fields):
    existing = model.objects.child_of(parent).filter(slug=slug).first()
    if existing:
        return existing
    page = model(slug=slug, **fields)
    parent.add_child(instance=page)
    page.save_revision().publish()
    return page


def ensure_decision(registry):
    existing = DecisionPage.objects.child_of(registry).filter(number=content.DECISION["number"]).first()
    if existing:
        return existing
    pdf = simple_pdf(content.DECISION_PDF_LINES)
    document = get_document_model()(
        title="Решение Глазовской городской Думы от 5 мая 2016 (демонстрационная копия)",
        file=ContentFile(pdf, name="reshenie-2016-05-05-demo.pdf"),
        file_size=len(pdf),
    )
    document.save()
    decision = DecisionPage(
        slug="o-vstuplenii-v-associaciyu-novatorskih-gorodov",
        kind=DecisionKind.objects.get(slug="reshenie", locale=registry.locale),
        status="in_force",
        document=document,
        listing_summary="Глазов вступает в Ассоциацию новаторских городов.",
        **content.DECISION,
    )
    registry.add_child(instance=decision)
    decision.save_revision().publish()
    return decision


def ensure_news(news_index, rubric, decision):
    existing = NewsPage.objects.child_of(news_index).filter(slug=content.NEWS["slug"]).first()
    if existing:
        return existing
    image = get_image_model()(
        title="Иллюстрация к новостям Думы",
        file=ImageFile(io.BytesIO(illustration_png(0)), name="duma-illustration.png"),
    )
    image.save()
    fields = {**content.NEWS, "date": timezone.make_aware(content.NEWS["date"])}
    news = NewsPage(image=image, image_decorative=True, **fields)
    news_index.add_child(instance=news)
    news.rubrics.set([rubric])
    news.related_decisions.set([decision])
    news.save_revision().publish()
    decision = DecisionPage.objects.get(pk=decision.pk)
    decision.related_news.set([news])
    decision.save_revision().publish()
    return news


def load(examples=True):
    """The news feed, the registry and rubrics; with ``examples``, a news item and its decision."""
    source = Locale.objects.get(language_code=settings.LANGUAGE_CODE)
    home = Site.objects.get(is_default_site=True).root_page.specific
    rubrics = ensure_rubrics(source)
    news_index = ensure_child(home, NewsIndexPage, "news", show_in_menus=True, **content.NEWS_INDEX)
    registry = ensure_child(
        home, DecisionIndexPage, "decisions", show_in_menus=True, **content.DECISION_INDEX
    )
    news = None
    if examples:
        decision = ensure_decision(registry)
        news = ensure_news(news_index, rubrics["gorodskaya-duma"], decision)

    for locale in Locale.objects.exclude(pk=source.pk):
        synchronize_tree(source, locale)
    english = Locale.objects.filter(language_code="en").first()
    if english is not None:
        for page in (news_index, registry):
            ensure_translated(page, english, content.EN)
        if news is not None:
            ensure_translated(news, english, content.NEWS_EN)
        for rubric in rubrics.values():
            if rubric.get_translation_or_none(english) is None:
                ensure_translated(rubric, english, content.EN)
        for kind in DecisionKind.objects.filter(locale=source):
            if kind.get_translation_or_none(english) is None:
                ensure_translated(
                    kind,
                    english,
                    {"Решение": "Decision", "Постановление": "Resolution", "Распоряжение": "Order"},
                )
