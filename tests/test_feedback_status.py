"""The resident's private status page: what it shows, what it never shows, and who can open it."""

import pytest
from django.utils import timezone

from feedback.models import Status, StatusChange
from tests.feedback_helpers import make_report

pytestmark = pytest.mark.django_db


def status_url(report, language="ru"):
    return f"/{language}/feedback/status/{report.token}/"


def test_status_page_shows_number_category_dates_status_answer_and_history(client):
    report = make_report()
    report.status = Status.PLANNED
    report.public_answer = "Ремонт ямы запланирован на май."
    report.public_answer_at = timezone.now()
    report.save()
    StatusChange.objects.create(report=report, from_status=Status.NEW, to_status=Status.PLANNED)

    response = client.get(status_url(report))
    assert response.status_code == 200
    html = response.text
    assert report.number in html
    assert "Уличное освещение" in html
    assert report.due_date.strftime("%Y-%m-%d") in html
    assert "запланировано" in html
    assert "Ремонт ямы запланирован на май." in html
    assert html.count("<li><time") == 2  # новое, then запланировано


def test_status_page_shows_no_personal_data_and_no_internal_note(client):
    report = make_report(
        name="Пётр Сидоров",
        email="petr@example.org",
        phone="+79123456789",
        address="ул. Ленина, 12, кв. 7",
        description="Яма у моего подъезда, я живу тут с семьёй.",
    )
    report.internal_note = "Жалобщик звонил трижды"
    report.save()
    StatusChange.objects.create(
        report=report, from_status=Status.NEW, to_status=Status.ACCEPTED, comment="Выезд"
    )
    html = client.get(status_url(report)).text
    for private in (
        "Пётр",
        "Сидоров",
        "petr@example.org",
        "79123456789",
        "Ленина",
        "Яма у моего подъезда",
        "Жалобщик",
        "Выезд",
        "2026-01",
    ):
        assert private not in html, private


def test_status_page_is_private_to_whoever_holds_the_link(client):
    report = make_report()
    response = client.get(status_url(report))
    assert "noindex" in response.headers["X-Robots-Tag"]
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert "no-store" in response.headers["Cache-Control"]
    assert '<meta name="robots" content="noindex, nofollow">' in response.text


@pytest.mark.parametrize(
    "token",
    ["wrong-token", "A" * 43, "../../admin", "1"],
)
def test_wrong_or_guessed_token_gets_404(client, token):
    make_report()
    assert client.get(f"/ru/feedback/status/{token}/").status_code == 404


def test_tokens_are_long_and_random():
    first, second = make_report(), make_report()
    assert len(first.token) >= 40 and first.token != second.token
    assert first.number not in first.token


def test_status_page_in_english_uses_english_names(client):
    report = make_report(language="en")
    assert report.get_status_url().endswith(f"/en/feedback/status/{report.token}/")
    html = client.get(status_url(report, "en")).text
    assert "Street lighting" in html


def test_duplicate_points_to_the_original_by_number(client):
    original = make_report()
    duplicate = make_report()
    duplicate.status, duplicate.duplicate_of = Status.DUPLICATE, original
    duplicate.save()
    html = client.get(status_url(duplicate)).text
    assert original.number in html
    assert original.token not in html


@pytest.mark.parametrize("changes", [1, 20])
def test_status_page_queries_do_not_grow_with_the_history(client, changes, django_assert_max_num_queries):
    report = make_report()
    for _ in range(changes):
        StatusChange.objects.create(report=report, from_status=Status.NEW, to_status=Status.ACCEPTED)
    client.get(status_url(report))
    with django_assert_max_num_queries(20):
        assert client.get(status_url(report)).status_code == 200
