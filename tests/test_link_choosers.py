"""Links between news, decisions and rubrics are picked in a searchable chooser of Russian items.

The chooser never offers a translation or the page being edited, tells acts apart by kind, date,
number and status, finds an act by its number, opens for authors and editors only, and the links
chosen on the Russian page are the links of every translation.
"""

import datetime
import json
import re

import pytest
from django.urls import reverse
from wagtail.models import Locale

from news.models import DecisionPage, Rubric
from tests.factories import DecisionPageFactory, NewsPageFactory
from tests.feedback_helpers import staff_user
from tests.helpers import AUTHORS, EDITORS, REPORT_MODERATORS, TRANSLATORS, decision_registry, news_index

pytestmark = pytest.mark.django_db

CHOOSERS = ("news_decision_chooser", "news_news_chooser", "news_rubric_chooser")


def act(**fields):
    return DecisionPageFactory(parent=decision_registry(), **fields)


def offered(response):
    """The ids of the items the chooser modal offers to tick."""
    assert response.status_code == 200
    html = response.text if response.text.lstrip().startswith("<") else json.loads(response.content)["html"]
    return {int(pk) for pk in re.findall(r'data-multiple-choice-select name="id" value="(\d+)"', html)}, html


def choose(client, chooser, **params):
    return client.get(reverse(f"{chooser}:choose"), {"multiple": 1, **params})


@pytest.fixture
def editor(client):
    client.force_login(staff_user("redaktor", EDITORS))
    return client


@pytest.fixture
def acts():
    repealed = act(
        title="О правилах благоустройства", number="№ 123", date_adopted=datetime.date(2026, 11, 26)
    )
    repealed.save_revision().publish()
    other = act(title="О правилах благоустройства территории", number="№ 124-р")
    other.save_revision().publish()
    english = repealed.copy_for_translation(
        Locale.objects.get(language_code="en"), copy_parents=True, alias=True
    )
    return repealed, other, english


def test_only_russian_acts_are_offered_with_their_requisites_and_never_the_act_itself(editor, acts):
    repealed, other, english = acts
    ids, html = offered(choose(editor, "news_decision_chooser", exclude=other.pk))
    assert repealed.pk in ids
    assert english.pk not in ids
    assert other.pk not in ids  # the act being edited
    assert not DecisionPage.objects.filter(pk__in=ids).exclude(locale__language_code="ru").exists()
    row = next(row for row in html.split("<tr") if f'value="{repealed.pk}"' in row)
    text = " ".join(re.sub(r"<[^>]+>", " ", row).split())
    for requisite in ("Решение", "26.11.2026", "№ 123", "в силе"):
        assert requisite in text


def test_the_page_being_edited_and_its_translations_are_never_offered(editor):
    item = NewsPageFactory(parent=news_index(), title="Открылся каток")
    item.save_revision().publish()
    english = item.copy_for_translation(Locale.objects.get(language_code="en"), copy_parents=True, alias=True)
    ids, _ = offered(choose(editor, "news_news_chooser", exclude=english.pk))
    assert not {item.pk, english.pk} & ids
    ids, _ = offered(choose(editor, "news_news_chooser"))
    assert item.pk in ids and english.pk not in ids


@pytest.mark.parametrize("query", ["123", "№ 123", "№123"])
def test_an_act_is_found_by_its_number(editor, acts, query):
    repealed, _other, _english = acts
    ids, _ = offered(editor.get(reverse("news_decision_chooser:choose_results"), {"multiple": 1, "q": query}))
    assert ids == {repealed.pk}


def test_an_act_is_found_by_words_of_its_title_and_search_keeps_the_exclusion(editor, acts):
    repealed, other, _english = acts
    url = reverse("news_decision_chooser:choose_results")
    ids, _ = offered(editor.get(url, {"multiple": 1, "q": "благоустройства", "exclude": repealed.pk}))
    assert ids == {other.pk}


def test_rubrics_are_offered_once_in_russian(editor):
    ids, _ = offered(choose(editor, "news_rubric_chooser"))
    assert ids
    assert set(Rubric.objects.filter(pk__in=ids).values_list("locale__language_code", flat=True)) == {"ru"}
    assert len(ids) == Rubric.objects.filter(locale__language_code="ru").count()


def test_the_chosen_acts_come_back_described_by_their_requisites(editor, acts):
    repealed, _other, english = acts
    response = editor.get(
        reverse("news_decision_chooser:chosen_multiple"), {"id": [repealed.pk, english.pk], "multiple": 1}
    )
    result = json.loads(response.content)["result"]
    assert [item["id"] for item in result] == [str(repealed.pk)]  # never a translation
    assert result[0]["title"] == "Решение от 26.11.2026 № 123 «О правилах благоустройства» (в силе)"


@pytest.mark.parametrize("group", [AUTHORS, EDITORS])
def test_authors_and_editors_use_the_choosers(client, group, acts):
    client.force_login(staff_user("staff", group))
    for chooser in CHOOSERS:
        assert choose(client, chooser).status_code == 200


@pytest.mark.parametrize("group", [TRANSLATORS, REPORT_MODERATORS])
def test_translators_and_moderators_cannot_open_the_choosers(client, group, acts):
    client.force_login(staff_user("staff", group))
    repealed = acts[0]
    for chooser in CHOOSERS:
        for response in (
            choose(client, chooser),
            client.get(reverse(f"{chooser}:choose_results"), {"q": "123"}),
            client.get(reverse(f"{chooser}:chosen_multiple"), {"id": repealed.pk}),
        ):
            # Wagtail answers a refused admin view by sending the user to the dashboard with a message.
            assert response.status_code in (302, 403)
            assert repealed.title not in response.text


def test_the_editor_shows_only_what_is_chosen_and_a_chooser_without_the_page(editor, acts):
    repealed, other, english = acts
    other.repeals.set([repealed])
    other.save_revision().publish()
    html = editor.get(reverse("wagtailadmin_pages:edit", args=[other.pk])).text
    assert "Решение от 26.11.2026 № 123 «О правилах благоустройства» (утратило силу)" in html
    assert f"{reverse('news_decision_chooser:choose')}?exclude={other.pk}" in html
    # No Ctrl+click list of every act in every language.
    assert f'<option value="{english.pk}"' not in html
    assert "Добавить решение" in html


def form_for(page, user):
    form_class = type(page).get_edit_handler().get_form_class()
    return form_class(instance=page, for_user=user, parent_page=page.get_parent())


def test_the_form_accepts_russian_acts_and_links_already_stored_but_not_the_act_itself(acts):
    repealed, other, english = acts
    third = act(title="Третье", number="№ 125")
    third.repeals.set([english])  # stored before the chooser existed: it keeps showing and saving
    third.save()
    queryset = form_for(third, staff_user("redaktor", EDITORS)).fields["repeals"].queryset
    assert set(queryset.values_list("pk", flat=True)) >= {repealed.pk, other.pk, english.pk}
    assert third.pk not in queryset.values_list("pk", flat=True)
    fresh = form_for(other, staff_user("second", EDITORS)).fields["repeals"].queryset
    assert english.pk not in fresh.values_list("pk", flat=True)


def test_links_chosen_on_the_russian_page_are_the_links_of_its_translation(
    client, acts, django_capture_on_commit_callbacks
):
    from home.demo.translation import translate_with_po

    repealed, _other, _english = acts
    repealing = act(title="Об отмене правил", number="№ 200", date_adopted=datetime.date(2026, 12, 1))
    repealing.save_revision().publish()
    item = NewsPageFactory(parent=news_index(), title="Правила отменены")
    item.save_revision().publish()
    english = Locale.objects.get(language_code="en")
    with django_capture_on_commit_callbacks(execute=True):
        translated = translate_with_po(repealing, english, {"Об отмене правил": "On repealing"}).specific
        translated_news = translate_with_po(item, english, {"Правила отменены": "Rules repealed"}).specific

    # Links added on the Russian pages after the translations were made.
    repealing.repeals.set([repealed])
    repealing.related_news.set([item])
    item.related_decisions.set([repealing])
    item.rubrics.set([Rubric.objects.filter(locale__language_code="ru").first()])
    with django_capture_on_commit_callbacks(execute=True):
        repealing.save_revision().publish()
        item.save_revision().publish()

    translated.refresh_from_db()
    translated_news.refresh_from_db()
    assert list(translated.repeals.all()) == [repealed]
    assert list(translated.related_news.all()) == [item]
    assert list(translated_news.related_decisions.all()) == [repealing]
    assert translated_news.rubrics.count() == 1
    # The English act links to the act it repeals and to the English news item, and back.
    page = client.get(translated.url).text
    assert "№ 123" in page and "Rules repealed" in page
    assert "On repealing" in client.get(translated_news.url).text


LATIN_WORD = re.compile(r"\b[A-Za-z]{3,}\b")


def visible_text_and_titles(html):
    """What the modal shows a person: its text and the tooltips of its controls."""
    html = re.sub(r"<script.*?</script>", " ", html, flags=re.S)
    titles = re.findall(r'(?:title|aria-label|placeholder|value)="([^"]*)"', html)
    return " ".join(re.sub(r"<[^>]+>", " ", html).split() + titles)


@pytest.mark.parametrize("chooser", CHOOSERS)
@pytest.mark.parametrize("query", [None, "благоустройства", "нет такого 999"])
def test_the_chooser_window_speaks_russian_only(editor, acts, chooser, query):
    params = {"q": query} if query else {}
    for view in ("choose", "choose_results"):
        response = editor.get(reverse(f"{chooser}:{view}"), {"multiple": 1, **params})
        _, html = offered(response)
        text = visible_text_and_titles(html)
        english = {word for word in LATIN_WORD.findall(text) if word not in {"selectInside", "tabs"}}
        assert not english, (chooser, view, query, sorted(english))
        for wagtails_russian in ("Есть 1 совпадение", "К сожалению", "Выбрать О "):
            assert wagtails_russian not in text


def test_the_chooser_counts_and_says_what_to_do_when_nothing_is_found(editor, acts):
    _, html = offered(choose(editor, "news_decision_chooser", q="№ 123"))
    assert "Найдено: 1" in html and "Отметить: О правилах благоустройства" in html
    _, html = offered(choose(editor, "news_decision_chooser", q="нет такого 999"))
    assert "По запросу «<em>нет такого 999</em>» ничего не нашлось" in html
