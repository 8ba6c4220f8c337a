"""The admin's news and decisions listings: one row per item, one status, dates as 26.11.2026."""

import re

import pytest
from django.utils import timezone

from news.models import DecisionPage, NewsPage
from tests.feedback_helpers import make_report, staff_user

pytestmark = pytest.mark.django_db

LISTINGS = {"decision_pages": DecisionPage, "news_pages": NewsPage}


@pytest.fixture
def editor(client):
    client.force_login(staff_user("redaktor", "Редакторы"))
    return client


def headers(html):
    return [
        re.sub(r"<[^>]+>|\s+", " ", cell).strip() for cell in re.findall(r"<th[^>]*>(.*?)</th>", html, re.S)
    ]


def edited_page_ids(html):
    return [int(pk) for pk in re.findall(r'class="title"[^>]*>.*?/admin/pages/(\d+)/edit/', html, re.S)]


@pytest.mark.parametrize("name", LISTINGS)
def test_each_item_is_listed_once_in_its_source_language(editor, name):
    model = LISTINGS[name]
    html = editor.get(f"/admin/{name}/").text
    listed = edited_page_ids(html)
    assert sorted(listed) == sorted(
        model.objects.filter(locale__language_code="ru").values_list("pk", flat=True)
    )


@pytest.mark.parametrize("name", LISTINGS)
def test_the_language_filter_lists_that_languages_copies(editor, name):
    model = LISTINGS[name]
    listed = edited_page_ids(editor.get(f"/admin/{name}/?locale=en").text)
    assert sorted(listed) == sorted(
        model.objects.filter(locale__language_code="en").values_list("pk", flat=True)
    )


@pytest.mark.parametrize("name", LISTINGS)
def test_one_status_column_and_translations_shown(editor, name):
    html = editor.get(f"/admin/{name}/").text
    columns = headers(html)
    assert [column for column in columns if "Статус" in column] == ["Статус"], columns
    assert any("Переводы" in column for column in columns)
    assert "en" in html and "udm" in html
    assert "назад" not in html  # no "10 лет назад": dates are written out


def test_decision_dates_are_written_as_staff_write_them(editor):
    decision = DecisionPage.objects.filter(locale__language_code="ru").first()
    html = editor.get("/admin/decision_pages/").text
    assert decision.date_adopted.strftime("%d.%m.%Y") in html
    assert decision.get_status_display() in html


def test_a_translated_copy_is_told_apart_from_an_untranslated_one(editor):
    html = editor.get("/admin/decision_pages/").text
    # demo content: translated decisions and copies that still show the Russian text
    assert "w-status--primary" in html
    assert "копия" in html


def test_the_inbox_shows_arrival_in_local_time(client):
    report = make_report()
    client.force_login(staff_user("moderator", "Модераторы обращений"))
    html = client.get("/admin/snippets/feedback/problemreport/").text
    assert timezone.localtime(report.created_at).strftime("%d.%m.%Y %H:%M") in html
    assert "назад" not in html
