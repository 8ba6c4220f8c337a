"""Factories for the portal's models (wagtail-factories / factory_boy)."""

import datetime

import factory
import wagtail_factories

from home.models import InfoPage
from news.models import DecisionKind, DecisionPage, NewsPage


class InfoPageFactory(wagtail_factories.PageFactory):
    title = factory.Sequence(lambda n: f"Информационная страница {n}")
    slug = factory.Sequence(lambda n: f"info-{n}")
    listing_summary = "Краткое описание страницы."

    class Meta:
        model = InfoPage


class NewsPageFactory(wagtail_factories.PageFactory):
    title = factory.Sequence(lambda n: f"Новость {n}")
    slug = factory.Sequence(lambda n: f"news-item-{n}")
    lead = factory.Sequence(lambda n: f"Лид новости {n}.")

    class Meta:
        model = NewsPage


class DecisionPageFactory(wagtail_factories.PageFactory):
    title = factory.Sequence(lambda n: f"О тестовом вопросе {n}")
    slug = factory.Sequence(lambda n: f"decision-{n}")
    number = factory.Sequence(lambda n: f"№ {n + 500}")
    date_adopted = datetime.date(2020, 3, 1)
    kind = factory.LazyFunction(lambda: DecisionKind.objects.get(slug="reshenie", locale__language_code="ru"))

    class Meta:
        model = DecisionPage
