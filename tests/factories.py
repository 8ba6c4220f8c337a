"""Factories for the portal's models (wagtail-factories / factory_boy)."""

import factory
import wagtail_factories

from home.models import InfoPage


class InfoPageFactory(wagtail_factories.PageFactory):
    title = factory.Sequence(lambda n: f"Информационная страница {n}")
    slug = factory.Sequence(lambda n: f"info-{n}")
    listing_summary = "Краткое описание страницы."

    class Meta:
        model = InfoPage
