"""The «Решаем вместе» form: valid and invalid reports, consent, honeypot, rate limit, body size, CSRF."""

import datetime
import re

import pytest
from django.core.cache import cache
from django.test import Client
from django.utils import timezone

from feedback.models import ProblemReport, RateLimitEvent, Status
from tests.feedback_helpers import FORM_URL, category, feedback_page, form_data

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_rate_limit():
    cache.clear()
    yield
    cache.clear()


def test_form_page_renders_fields_with_labels_hints_and_the_legal_notice(client):
    html = client.get(FORM_URL).text
    for label in (
        "Что случилось?",
        "Опишите проблему",
        "Адрес или место",
        "Фото",
        "Электронная почта",
        "Телефон",
    ):
        assert label in html
    assert "Уличное освещение" in html and "Вывоз мусора" in html
    assert "59-ФЗ" in html
    assert 'href="/ru/contacts/"' in html  # the formal channel
    assert 'href="/ru/privacy/"' in html  # the 152-ФЗ policy
    assert 'aria-describedby="id_description_helptext"' in html
    assert 'autocomplete="email"' in html and 'inputmode="tel"' in html


def test_valid_report_is_saved_and_confirmed_with_its_number_and_status_link(client):
    response = client.post(
        FORM_URL, form_data(phone="8 (912) 345-67-89", latitude="58,1393", longitude="52.658")
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "/ru/feedback/sent/"

    report = ProblemReport.objects.get()
    assert re.fullmatch(r"ГЛЗ-\d{4}-\d{6}", report.number)
    assert report.status == Status.NEW
    assert report.category == category()
    assert report.phone == "+79123456789"
    assert str(report.latitude) == "58.139300" and str(report.longitude) == "52.658000"
    assert report.language == "ru"
    assert (report.due_date - report.registered_on).days == 30
    assert report.status_changes.get().to_status == Status.NEW

    confirmation = client.get(response.headers["Location"])
    assert confirmation.status_code == 200
    assert report.number in confirmation.text
    assert f"/ru/feedback/status/{report.token}/" in confirmation.text
    assert "no-store" in confirmation.headers["Cache-Control"]


def test_consent_text_version_and_time_are_stored_with_the_report(client):
    page = feedback_page()
    client.post(FORM_URL, form_data())
    report = ProblemReport.objects.get()
    assert report.consent_version == page.consent_version == "2026-01"
    assert report.consent_text == page.consent_text
    assert "152-ФЗ" in report.consent_text
    assert abs((report.consented_at - report.created_at).total_seconds()) < 1


def test_confirmation_page_without_a_report_goes_back_to_the_form(client):
    response = client.get("/ru/feedback/sent/")
    assert response.status_code == 302
    assert response.headers["Location"] == FORM_URL


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"category": None}, "category", "Выберите, к какой категории относится проблема."),
        ({"category": "999999"}, "category", "Этой категории больше нет. Выберите категорию из списка."),
        ({"description": ""}, "description", "Опишите проблему: хотя бы пару слов о том, что случилось."),
        ({"description": "Яма"}, "description", "нужно не меньше 10 знаков, сейчас 3"),
        ({"description": "а" * 4001}, "description", "Сократите описание до 4000 знаков, сейчас 4001"),
        ({"address": ""}, "address", "Укажите адрес или место, где мы найдём проблему."),
        ({"address": "д" * 301}, "address", "Сократите адрес до 300 знаков"),
        ({"latitude": "север", "longitude": "52.6"}, "latitude", "Широта — это число от -90 до 90"),
        ({"latitude": "91", "longitude": "52.6"}, "latitude", "Широта — это число от -90 до 90"),
        ({"latitude": "58.1", "longitude": "200"}, "longitude", "Долгота — это число от -180 до 180"),
        ({"latitude": "58.1", "longitude": "nan"}, "longitude", "Долгота — это число от -180 до 180"),
        ({"latitude": "58.1"}, "longitude", "Укажите обе координаты"),
        ({"name": ""}, "name", "Укажите, как к вам обращаться."),
        ({"email": "maria@"}, "email", "Проверьте адрес почты"),
        ({"email": "", "phone": ""}, "email", "Укажите электронную почту или телефон"),
        ({"email": "", "phone": "12-34"}, "phone", "Проверьте номер телефона"),
        ({"email": "", "phone": "+7 912 ABC-67-89"}, "phone", "Проверьте номер телефона"),
        ({"consent": None}, "consent", "Без согласия на обработку персональных данных"),
    ],
)
def test_each_invalid_field_gets_a_russian_message_and_nothing_is_saved(client, overrides, field, message):
    response = client.post(FORM_URL, form_data(**overrides))
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert field in errors
    assert any(message in error for error in errors[field])
    assert message.split("«")[0][:30] in response.text
    # The summary at the top links to the field with the error.
    assert 'id="error-summary"' in response.text
    assert re.search(rf'<a href="#id_{field}(_0)?">', response.text)
    assert ProblemReport.objects.count() == 0


@pytest.mark.parametrize("phone", ["¹²³⁴⁵⁶⁷⁸⁹⁰¹", "٣٣٣٣٣٣٣٣٣٣٣", "𝟙𝟚𝟛𝟜𝟝𝟞𝟟𝟠𝟡𝟘𝟙"])
def test_a_phone_in_superscripts_or_other_digits_is_refused(client, phone):
    # Regression: str.isdigit() let these through, and they were stored as a number to call.
    response = client.post(FORM_URL, form_data(phone=phone))
    assert response.status_code == 200
    assert response.context["form"].errors["phone"] == [
        "Проверьте номер телефона: нужны только цифры, например +7 912 345-67-89."
    ]
    assert not ProblemReport.objects.exists()


def test_a_half_filled_form_keeps_what_was_typed(client):
    response = client.post(FORM_URL, form_data(description="Яма", phone="+7 912 000-00-00"))
    html = response.text
    assert 'value="ул. Кирова, 5"' in html
    assert 'value="Мария Иванова"' in html
    assert 'value="maria@example.org"' in html
    assert 'value="+7 912 000-00-00"' in html
    assert "Яма</textarea>" in html
    assert re.search(rf'value="{category().pk}"[^>]*checked', html)
    assert re.search(r'name="consent"[^>]*checked', html)
    assert "<title>Ошибка:" in html


def test_phone_alone_is_enough_to_be_answered(client):
    response = client.post(FORM_URL, form_data(email="", phone="+7 (34141) 3-66-00"))
    assert response.status_code == 302
    report = ProblemReport.objects.get()
    assert report.email == "" and report.phone == "+73414136600"


def test_english_form_speaks_english_and_files_under_the_russian_category(client):
    html = client.get("/en/feedback/").text
    assert "Street lighting" in html
    response = client.post("/en/feedback/", form_data(description="Short"))
    assert "at least 10 characters are needed, you have 5" in response.text
    assert "Send report" in response.text
    response = client.post("/en/feedback/", form_data())
    assert response.status_code == 302
    report = ProblemReport.objects.get()
    assert report.category == category()
    assert report.language == "en"


def test_inactive_category_is_not_offered_and_is_refused(client):
    lights = category()
    lights.active = False
    lights.save()
    assert "Уличное освещение" not in client.get(FORM_URL).text
    response = client.post(FORM_URL, form_data(category=lights.pk))
    assert "category" in response.context["form"].errors


def test_csrf_is_required():
    client = Client(enforce_csrf_checks=True)
    response = client.post(FORM_URL, form_data())
    assert response.status_code == 403
    assert ProblemReport.objects.count() == 0


def test_honeypot_refuses_the_report_but_keeps_the_text(client):
    response = client.post(FORM_URL, form_data(website="http://spam.example"))
    assert response.status_code == 400
    assert ProblemReport.objects.count() == 0
    assert "служебное поле" in response.text
    assert 'value="ул. Кирова, 5"' in response.text
    assert "spam.example" not in response.text


def test_rate_limit_answers_429_with_a_clear_message_and_keeps_the_text(client, settings):
    settings.FEEDBACK_RATE_LIMIT = (2, 600)
    for _ in range(2):
        assert client.post(FORM_URL, form_data()).status_code == 302
    response = client.post(FORM_URL, form_data(address="ул. Мира, 1"))
    assert response.status_code == 429
    assert "Подождите 10 минут" in response.text
    assert 'value="ул. Мира, 1"' in response.text
    assert ProblemReport.objects.count() == 2
    # Another client is not affected.
    other = client.post(FORM_URL, form_data(), REMOTE_ADDR="10.0.0.2")
    assert other.status_code == 302


def test_rate_limit_window_expires(client, settings):
    settings.FEEDBACK_RATE_LIMIT = (1, 600)
    assert client.post(FORM_URL, form_data()).status_code == 302
    assert client.post(FORM_URL, form_data()).status_code == 429
    # The window passes: the counted report is now older than the window.
    RateLimitEvent.objects.update(created_at=timezone.now() - datetime.timedelta(seconds=601))
    assert client.post(FORM_URL, form_data()).status_code == 302


def test_rate_limit_is_on_by_default(client):
    # Five reports per ten minutes from one address, unless the environment says otherwise.
    for _ in range(5):
        assert client.post(FORM_URL, form_data()).status_code == 302
    assert client.post(FORM_URL, form_data()).status_code == 429


def test_rate_limit_counters_survive_a_flood_of_page_cache_entries(client, settings):
    settings.FEEDBACK_RATE_LIMIT = (2, 600)
    for _ in range(2):
        assert client.post(FORM_URL, form_data()).status_code == 302
    # Issue #12: 320 one-off addresses evicted the counters when they shared the page cache.
    for n in range(320):
        client.get(f"/robots.txt?n={n}")
    cache.clear()  # even a flushed cache keeps them: they live in the database
    assert client.post(FORM_URL, form_data()).status_code == 429


def behind_nginx(address, forwarded_for=None):
    """What nginx passes on for a resident at ``address`` (deploy/nginx.conf), and what the client wrote."""
    chain = f"{forwarded_for}, {address}" if forwarded_for else address
    return {"REMOTE_ADDR": "127.0.0.1", "HTTP_X_REAL_IP": address, "HTTP_X_FORWARDED_FOR": chain}


@pytest.mark.parametrize("header", ["HTTP_X_REAL_IP", "HTTP_X_FORWARDED_FOR"])
def test_behind_nginx_the_limit_counts_the_address_nginx_saw_not_what_the_client_wrote(
    client, settings, header
):
    settings.FEEDBACK_CLIENT_IP_HEADER = header
    settings.FEEDBACK_RATE_LIMIT = (2, 600)
    for n in range(2):
        forged = f"10.9.9.{n}"  # a new leftmost X-Forwarded-For on every post
        assert client.post(FORM_URL, form_data(), **behind_nginx("203.0.113.5", forged)).status_code == 302
    third = client.post(FORM_URL, form_data(), **behind_nginx("203.0.113.5", "10.9.9.77"))
    assert third.status_code == 429
    # Another resident behind the same nginx (the same 127.0.0.1) is not affected.
    assert client.post(FORM_URL, form_data(), **behind_nginx("198.51.100.7")).status_code == 302


def test_an_ipv6_client_is_limited_by_its_64_network(client, settings):
    settings.FEEDBACK_CLIENT_IP_HEADER = "HTTP_X_REAL_IP"
    settings.FEEDBACK_RATE_LIMIT = (2, 600)
    for n in range(1, 3):
        assert client.post(FORM_URL, form_data(), **behind_nginx(f"2001:db8:5:7::{n}")).status_code == 302
    # Any other address of the same /64 (a phone picks a new one at will) is the same client.
    assert client.post(FORM_URL, form_data(), **behind_nginx("2001:db8:5:7:abcd::9")).status_code == 429
    assert client.post(FORM_URL, form_data(), **behind_nginx("2001:db8:5:8::1")).status_code == 302


def test_rate_limit_off_lets_every_report_through(client, settings):
    settings.FEEDBACK_RATE_LIMIT = None  # FEEDBACK_RATE_LIMIT=off, for load tests only
    for _ in range(8):
        assert client.post(FORM_URL, form_data()).status_code == 302
    assert ProblemReport.objects.count() == 8


def test_oversized_request_body_is_refused_cleanly(client, settings):
    settings.MAX_REQUEST_BODY_BYTES = 1024
    response = client.post(FORM_URL, form_data(description="д" * 2000))
    assert response.status_code == 413
    assert "Слишком большой объём данных" in response.text
    assert ProblemReport.objects.count() == 0


def multipart_body(fields, boundary="glazov-boundary"):
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'
        for name, value in fields.items()
    ]
    return "".join(parts).encode() + f"--{boundary}--\r\n".encode()


def test_a_body_cut_short_is_refused_not_stored_with_half_the_text(client):
    # Regression: Django's parser took a body that stopped before its closing boundary as complete,
    # so a report whose description (sent last) arrived in part was saved with the text cut short.
    data = form_data(description=None)
    data["description"] = "Не горит фонарь у дома 5 уже неделю, вечером очень темно."
    body = multipart_body(data)
    cut = body.index("вечером".encode())
    content_type = "multipart/form-data; boundary=glazov-boundary"
    response = client.generic("POST", FORM_URL, body[:cut], content_type)
    assert response.status_code == 400
    assert ProblemReport.objects.count() == 0
    # The whole body is accepted.
    assert client.generic("POST", FORM_URL, body, content_type).status_code == 302
    assert ProblemReport.objects.get().description == data["description"]


def test_an_unreadable_body_gets_a_page_saying_what_to_do_in_the_visitors_language(client):
    body = multipart_body(form_data())[:200]
    content_type = "multipart/form-data; boundary=glazov-boundary"
    response = client.generic("POST", FORM_URL, body, content_type)
    assert response.status_code == 400
    assert "Не удалось прочитать запрос" in response.text
    assert "отправьте форму ещё раз" in response.text
    response = client.generic("POST", "/en/feedback/", body, content_type)
    assert response.status_code == 400
    assert "The request could not be read" in response.text
    assert '<html lang="en">' in response.text


def test_a_form_without_its_csrf_cookie_gets_a_page_saying_what_to_do():
    client = Client(enforce_csrf_checks=True)
    response = client.post(FORM_URL, form_data())
    assert response.status_code == 403
    assert "Форма не отправлена" in response.text
    assert "разрешите файлы cookie" in response.text
    assert "The form was not sent" in client.post("/en/feedback/", form_data()).text


def test_feedback_page_is_linked_from_the_home_page_cta(client):
    assert 'href="/ru/feedback/"' in client.get("/ru/").text
    assert 'href="/en/feedback/"' in client.get("/en/").text
