"""«Похоже, об этом уже сообщили»: the form shows open published reports of the same category near
the typed place, server-side (a button that posts the form), keeping what was typed; nothing saved."""

import pytest

from feedback.models import ProblemReport, Status
from feedback.nearby import street_of
from feedback.services import change_status, publish_report
from tests.feedback_helpers import FORM_URL, category, form_data, make_report

pytestmark = pytest.mark.django_db


def published(address, latitude=None, longitude=None, name="Уличное освещение", status=None):
    report = make_report(category=category(name), latitude=latitude, longitude=longitude, address=address)
    if status:
        change_status(report, status, by=None)
    return publish_report(report, by=None, public_text="Не горит фонарь.", public_address=address)


def check(client, **typed):
    return client.post(FORM_URL, {**form_data(**typed), "check_similar": "1"})


def test_open_reports_of_the_category_near_the_coordinates_are_shown(client):
    near = published("ул. Кирова, 5", "58.139300", "52.658000")
    far = published("ул. Кирова, 120", "58.160000", "52.658000")
    closed = published("ул. Кирова, 7", "58.139500", "52.658100", status=Status.RESOLVED)
    other_category = published("ул. Кирова, 5", "58.139300", "52.658000", name="Дороги и ямы")
    unpublished = make_report(category=category(), latitude="58.139300", longitude="52.658000")
    before = ProblemReport.objects.count()

    response = check(client, latitude="58.1391", longitude="52.6582", description="Фонарь не горит, темно.")
    html = response.text
    assert response.status_code == 200
    assert "Похоже, об этом уже сообщили" in html
    assert near.number in html
    for hidden in (far, closed, other_category, unpublished):
        assert hidden.number not in html
    assert ProblemReport.objects.count() == before  # nothing was submitted
    assert "Фонарь не горит, темно." in html  # what was typed stays in the form
    assert "/ru/feedback/reports/%D0%93%D0%9B%D0%97-" in html  # a way to follow that report instead


def test_without_coordinates_the_street_is_compared(client):
    same_street = published("ул. Кирова, 12")
    other_street = published("ул. Ленина, 3")
    html = check(client, address="улица Кирова, 5").text
    assert same_street.number in html and other_street.number not in html


def test_nothing_similar_says_so_and_the_resident_can_still_submit(client):
    published("ул. Кирова, 12")
    html = check(client, address="ул. Сибирская, 1").text
    assert "Похожих открытых сообщений рядом нет" in html
    assert client.post(FORM_URL, form_data(address="ул. Кирова, 12")).status_code == 302


def test_the_street_name_is_read_from_how_residents_type_addresses():
    assert street_of("ул. Кирова, 5") == "Кирова"
    assert street_of("Кирова ул., 5, у второго подъезда") == "Кирова"
    assert street_of("пр-т Мира 12") == "Мира"
    assert street_of("у дома 5") == ""
