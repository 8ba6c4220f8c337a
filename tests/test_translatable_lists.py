"""Rubrics and kinds of act share one abstract base, so their admin and translation rules cannot drift."""

import pytest
from wagtail.models import Locale

from news.models import DecisionKind, Rubric
from news.models.snippets import TranslatableListItem, localized_snippets

LISTS = [Rubric, DecisionKind]


@pytest.mark.parametrize("model", LISTS)
def test_each_list_takes_panels_translation_rules_and_order_from_the_base(model):
    assert issubclass(model, TranslatableListItem)
    assert TranslatableListItem._meta.abstract
    for attribute in ("panels", "translatable_fields", "__str__"):
        assert attribute not in vars(model), f"{model.__name__} redefines {attribute}"
    assert model._meta.ordering == ["sort_order", "name"]
    synchronized = {field.field_name for field in model.translatable_fields if not field.is_translated(None)}
    assert synchronized == {"slug", "sort_order"}


@pytest.mark.django_db
@pytest.mark.parametrize("model", LISTS)
def test_both_lists_are_ordered_by_the_editors_number_then_name(model):
    russian = Locale.objects.get(language_code="ru")
    for name, slug, order in [("Яблоко", "t-b", 1), ("Груша", "t-c", 5), ("Арбуз", "t-a", 5)]:
        model.objects.create(name=name, slug=slug, sort_order=order, locale=russian)
    ours = [str(item) for item in model.objects.all() if item.slug.startswith("t-")]
    assert ours == ["Яблоко", "Арбуз", "Груша"]
    listed = [item.name for item in localized_snippets(model, "ru") if item.slug.startswith("t-")]
    assert listed == ["Яблоко", "Арбуз", "Груша"]
