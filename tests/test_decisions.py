"""The decisions registry: requisites, links between acts, automatic status, filters and search."""

import datetime
import re

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from wagtail.models import Locale
from wagtail_localize.fields import SynchronizedField, TranslatableField

from news.models import DecisionKind, DecisionPage, DecisionStatus
from tests.factories import DecisionPageFactory
from tests.helpers import decision_registry

pytestmark = pytest.mark.django_db


def listed(html):
    return re.findall(r'class="decision-item__title"><a href="[^"]+">([^<]+)</a>', html)


def count(html):
    return int(re.search(r"Найден\w* (\d+) решени", html).group(1))


def plain(html):
    """Text of an HTML fragment with whitespace collapsed."""
    return " ".join(re.sub(r"<[^>]+>", "", html).split())


def decision(**fields):
    return DecisionPageFactory(parent=decision_registry(), **fields)


def test_number_is_normalised_for_lookup_and_sorting():
    act = decision(number="№ 123-р")
    assert act.number_normalized == "123р"
    assert act.number_sort == 123
    assert act.display_number == "№ 123-р"
    assert decision(number="45").display_number == "№ 45"


def test_dates_must_follow_the_adoption_date():
    act = DecisionPage(
        title="Тест",
        number="№ 1",
        date_adopted=datetime.date(2020, 5, 1),
        effective_date=datetime.date(2020, 4, 1),
        status=DecisionStatus.LOST_FORCE,
        kind=DecisionKind.objects.get(slug="reshenie", locale__language_code="ru"),
    )
    with pytest.raises(ValidationError) as error:
        act.clean()
    errors = error.value.message_dict
    assert "раньше даты принятия" in errors["effective_date"][0]
    assert "укажите дату утраты силы" in errors["lost_force_date"][0]


def test_requisites_and_amendment_lines(client):
    base = decision(title="О правилах благоустройства", number="№ 10", date_adopted=datetime.date(2019, 2, 1))
    first = decision(title="Изменения 1", number="№ 20", date_adopted=datetime.date(2020, 6, 5))
    second = decision(title="Изменения 2", number="35-р", date_adopted=datetime.date(2021, 9, 1))
    for amending in (second, first):
        amending.amends.set([base])
        amending.save()
    html = client.get(base.url).text
    line = re.search(r'<p class="decision__edition">(.*?)</p>', html, re.S).group(1)
    assert plain(line) == "В редакции решений от 5 июня 2020 № 20, от 1 сентября 2021 № 35-р"
    amending_html = client.get(first.url).text
    assert "Вносит изменения в" in amending_html and "О правилах благоустройства" in amending_html


def test_publishing_a_repealing_decision_repeals_the_other_at_once(client):
    old = decision(title="Старые правила", number="№ 7", date_adopted=datetime.date(2015, 1, 10))
    old.save_revision().publish()
    assert "в силе" in client.get(old.url).text
    new = decision(
        title="Новые правила",
        number="№ 99",
        date_adopted=datetime.date(2024, 3, 1),
        effective_date=datetime.date(2024, 4, 1),
        live=False,
    )
    new.repeals.set([old])
    new.save_revision().publish()

    old.refresh_from_db()
    assert old.status == DecisionStatus.LOST_FORCE
    assert old.lost_force_date == datetime.date(2024, 4, 1)
    html = client.get(old.url).text
    assert "утратило силу" in html
    line = re.search(r'<p class="decision__repealed">(.*?)</p>', html, re.S).group(1)
    assert plain(line) == "Утратило силу на основании решения от 1 марта 2024 № 99 с 1 апреля 2024"
    # The latest draft carries the new status too, so editing the old act does not undo it.
    assert old.get_latest_revision_as_object().status == DecisionStatus.LOST_FORCE


def test_repeal_reaches_every_language_version():
    old = decision(title="Старое", number="№ 8")
    old.save_revision().publish()
    english = Locale.objects.get(language_code="en")
    copy = old.copy_for_translation(english, copy_parents=True, alias=True)
    new = decision(title="Новое", number="№ 9", date_adopted=datetime.date(2021, 1, 1), live=False)
    new.repeals.set([old])
    new.save_revision().publish()
    copy.refresh_from_db()
    assert copy.specific.status == DecisionStatus.LOST_FORCE


def test_requisites_are_synchronised_and_texts_translatable():
    fields = {f.field_name: f for f in DecisionPage.translatable_fields}
    for name in ("number", "date_adopted", "effective_date", "lost_force_date", "document", "status"):
        assert isinstance(fields[name], SynchronizedField)
        assert not fields[name].overridable
    for name in ("title", "full_text"):
        assert isinstance(fields[name], TranslatableField)


@pytest.fixture
def registry_acts():
    resolution = DecisionKind.objects.get(slug="postanovlenie", locale__language_code="ru")
    return [
        decision(title="О бюджете на 2021 год", number="№ 123", date_adopted=datetime.date(2020, 12, 20)),
        decision(title="О ставках земельного налога", number="№ 124", date_adopted=datetime.date(2021, 2, 3)),
        decision(
            title="О наградах города",
            number="12-р",
            date_adopted=datetime.date(2021, 7, 1),
            status=DecisionStatus.LOST_FORCE,
            lost_force_date=datetime.date(2022, 1, 1),
            kind=resolution,
            full_text="<p>Учредить почётный знак «За заслуги перед городом Глазовом».</p>",
        ),
    ]


def test_registry_lists_newest_first_with_a_count(client, registry_acts):
    html = client.get("/ru/decisions/").text
    assert listed(html)[:3] == ["О наградах города", "О ставках земельного налога", "О бюджете на 2021 год"]
    assert count(html) == 4  # three here and the demo decision


def test_exact_number_lookup(client, registry_acts):
    html = client.get("/ru/decisions/", {"number": "123"}).text
    assert listed(html) == ["О бюджете на 2021 год"]
    assert listed(client.get("/ru/decisions/", {"number": "№12-Р"}).text) == ["О наградах города"]
    assert listed(client.get("/ru/decisions/", {"number": "12"}).text) == []


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"year": "2021"}, ["О наградах города", "О ставках земельного налога"]),
        ({"status": "lost_force"}, ["О наградах города"]),
        ({"kind": "postanovlenie"}, ["О наградах города"]),
        (
            {"date_from": "2020-12-01", "date_to": "2021-03-01"},
            ["О ставках земельного налога", "О бюджете на 2021 год"],
        ),
        (
            {"date_from": "01.12.2020", "date_to": "01.03.2021"},
            ["О ставках земельного налога", "О бюджете на 2021 год"],
        ),
        ({"year": "2021", "status": "in_force"}, ["О ставках земельного налога"]),
        ({"q": "почётный знак"}, ["О наградах города"]),
        ({"q": "земельного налога", "year": "2021"}, ["О ставках земельного налога"]),
    ],
)
def test_filters(client, registry_acts, params, expected):
    html = client.get("/ru/decisions/", params).text
    assert listed(html) == expected
    assert count(html) == len(expected)


def test_sort_by_number(client, registry_acts):
    html = client.get("/ru/decisions/", {"sort": "number", "year": "2021"}).text
    assert listed(html) == ["О наградах города", "О ставках земельного налога"]  # 12 before 124


def test_pagination_keeps_the_filters(client):
    for n in range(22):
        decision(title=f"Решение {n:02d}", number=f"№ {900 + n}", date_adopted=datetime.date(2019, 1, 1 + n))
    html = client.get("/ru/decisions/", {"year": "2019"}).text
    assert len(listed(html)) == 20
    assert count(html) == 22
    assert 'href="?year=2019&amp;page=2"' in html
    assert len(listed(client.get("/ru/decisions/", {"year": "2019", "page": "2"}).text)) == 2


def test_bad_filters_are_explained_and_keep_what_was_typed(client, registry_acts):
    html = client.get(
        "/ru/decisions/",
        {"year": "двадцать", "date_from": "2021-05-01", "date_to": "2021-01-01", "q": "бюджет"},
    ).text
    assert "Год — четыре цифры, например 2016." in html
    assert "Конец периода раньше его начала" in html
    assert 'value="двадцать"' in html and 'value="бюджет"' in html
    assert count(html) == 4  # invalid filters narrow nothing


@pytest.mark.parametrize(
    ("typed", "shown"),
    [("2021-05-01", 'value="2021-05-01"'), ("01.05.2021", 'value="2021-05-01"'), ("99999-99-99", None)],
)
def test_date_fields_show_only_a_date_html_allows(client, typed, shown):
    # Regression (vnu): an impossible date was echoed into <input type="date" value="...">, which
    # HTML forbids; the field is left empty and its error says what to type.
    html = client.get("/ru/decisions/", {"date_from": typed}).text
    field = re.search(r'<input type="date" name="date_from"[^>]*>', html).group(0)
    if shown:
        assert shown in field
    else:
        assert "value=" not in field
        assert "Введите дату в виде ДД.ММ.ГГГГ" in html


@pytest.mark.parametrize("query", ['"', "\\'", '"unterminated', "a\\b", "NEAR("])
def test_search_words_with_quotes_or_backslashes_are_text_not_a_server_error(client, query):
    # Regression: SQLite's FTS5 took quotes and backslashes as its own syntax and failed.
    response = client.get("/ru/decisions/", {"q": query})
    assert response.status_code == 200
    assert count(response.text) == 0


def test_search_finds_a_word_written_in_quotes(client):
    decision(
        title="О благоустройстве набережной", full_text="<p>Набережная реки Чепцы.</p>"
    ).save_revision().publish()
    response = client.get("/ru/decisions/", {"q": '"набережной"'})
    assert listed(response.text) == ["О благоустройстве набережной"]


def test_export_links_carry_the_filters(client):
    html = client.get("/ru/decisions/", {"year": "2016", "page": "1"}).text
    assert 'href="/ru/decisions/export/csv/?year=2016"' in html
    assert 'href="/ru/decisions/export/json/?year=2016"' in html


def test_demo_decision_is_in_force_with_its_document(client):
    act = DecisionPage.objects.get(number="№ 1-демо", locale__language_code="ru")
    assert act.status == DecisionStatus.IN_FORCE
    assert act.date_adopted == datetime.date(2016, 5, 5)
    html = client.get(act.url).text
    assert act.document.url in html
    response = client.get(act.document.url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF-")


def test_english_registry_shows_kind_and_status_in_english(client):
    html = client.get("/en/decisions/").text
    item = re.search(r'<p class="decision-item__requisites">(.*?)</p>', html, re.S).group(1)
    assert plain(item).startswith("Decision of 5 May 2016")
    assert "in force" in item


class TestAdminListing:
    @pytest.fixture
    def editor(self, client, django_user_model):
        user = django_user_model.objects.create_user("editor-test", password="x")
        from django.contrib.auth.models import Group

        user.groups.add(Group.objects.get(name="Редакторы"))
        client.force_login(user)
        return client

    def test_editors_filter_decisions_by_status_kind_and_year(self, editor, registry_acts):
        url = reverse("decision_pages:index")
        html = editor.get(url, {"status": "lost_force"}).text
        assert "О наградах города" in html and "О бюджете на 2021 год" not in html
        html = editor.get(url, {"year": "2020"}).text
        assert "О бюджете на 2021 год" in html and "О наградах города" not in html
        kind = DecisionKind.objects.get(slug="postanovlenie", locale__language_code="ru")
        html = editor.get(url, {"kind": kind.pk}).text
        assert "О наградах города" in html and "О ставках земельного налога" not in html

    def test_editors_find_a_decision_by_number(self, editor, registry_acts):
        html = editor.get(reverse("decision_pages:index"), {"q": "124"}).text
        assert "О ставках земельного налога" in html
        assert "О бюджете на 2021 год" not in html

    def test_editors_manage_rubrics_and_kinds(self, editor):
        assert editor.get(reverse("wagtailsnippets_news_rubric:list")).status_code == 200
        assert editor.get(reverse("wagtailsnippets_news_decisionkind:add")).status_code == 200


def test_translating_a_decision_keeps_its_requisites(client, django_capture_on_commit_callbacks):
    from home.demo.translation import translate_with_po

    act = decision(title="О правилах", number="№ 77", date_adopted=datetime.date(2022, 2, 2))
    act.save_revision().publish()
    english = Locale.objects.get(language_code="en")
    with django_capture_on_commit_callbacks(execute=True):
        translated = translate_with_po(act, english, {"О правилах": "On the rules"}).specific
    assert translated.title == "On the rules"
    assert (translated.number, translated.date_adopted) == ("№ 77", datetime.date(2022, 2, 2))
    html = client.get(translated.url).text
    assert "On the rules" in html and "№ 77" in html
