"""Open311 POST requests: partners' API keys, the web form's checks, consent, rate limit, photos,
tracking numbers; and the key admin, reachable by administrators only."""

import json
import re

import pytest
from defusedxml import ElementTree
from django.test import Client

from feedback.models import ApiKey, ProblemReport
from feedback.models.api_keys import hash_key
from tests.feedback_helpers import category, feedback_page, image_bytes, staff_user, upload
from tests.helpers import EDITORS, GROUPS, REPORT_MODERATORS
from tests.test_open311 import parse_errors

pytestmark = pytest.mark.django_db

URL = "/open311/v2/requests."


@pytest.fixture
def key():
    api_key = ApiKey(partner="Региональная система", contact="it@region.example")
    raw = api_key.generate()
    api_key.save()
    api_key.raw = raw
    return api_key


def request_data(key, **overrides):
    data = {
        "api_key": key.raw,
        "service_code": str(category().pk),
        "lat": "58.139312",
        "long": "52.658047",
        "address_string": "ул. Кирова, 5",
        "description": "Не горит фонарь у дома 5 уже неделю, вечером очень темно.",
        "first_name": "Мария",
        "last_name": "Иванова",
        "email": "maria@example.org",
        "attribute[consent]": "true",
        "account_id": "app-user-17",
    }
    data.update(overrides)
    return {name: value for name, value in data.items() if value is not None}


def post(client, key, fmt="json", files=None, **overrides):
    data = request_data(key, **overrides)
    if files:
        data["media"] = files
    return Client(enforce_csrf_checks=True).post(URL + fmt, data)


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_a_partner_submits_a_report_and_gets_its_number(client, key, fmt):
    response = post(client, key, fmt)
    assert response.status_code == 200, response.content.decode()
    report = ProblemReport.objects.get()
    assert re.fullmatch(r"ГЛЗ-\d{4}-\d{6}", report.number)
    if fmt == "json":
        (item,) = json.loads(response.content)
        assert list(item) == ["service_request_id", "service_notice", "account_id"]
    else:
        root = ElementTree.fromstring(response.content)
        assert root.tag == "service_requests"
        (request,) = root
        assert request.tag == "request"
        item = {child.tag: child.text for child in request}
    assert item["service_request_id"] == report.number
    assert item["account_id"] == "app-user-17"
    assert report.number in item["service_notice"]
    assert response["Cache-Control"] == "private, no-store"
    assert report.api_key == key and report.name == "Мария Иванова"
    assert report.consent_version == feedback_page().consent_version and report.consent_text
    assert not report.is_public
    key.refresh_from_db()
    assert key.requests_count == 1 and key.last_used_at is not None
    # Numbers continue those of the web form: the same service function.
    second = post(client, key)
    assert json.loads(second.content)[0]["service_request_id"] != report.number


def test_the_inbox_shows_which_partner_sent_it(client, key):
    post(client, key)
    client.force_login(staff_user("moderator", REPORT_MODERATORS))
    assert "Региональная система" in client.get("/admin/snippets/feedback/problemreport/").text
    report = ProblemReport.objects.get()
    page = client.get(f"/admin/snippets/feedback/problemreport/edit/{report.pk}/").text
    assert "через API (Open311): Региональная система" in page


@pytest.mark.parametrize("fmt", ["json", "xml"])
@pytest.mark.parametrize("api_key", [None, "", "glz_wrong", "something"])
def test_missing_or_bad_key_is_403(client, key, fmt, api_key):
    response = post(client, key, fmt, api_key=api_key)
    assert response.status_code == 403
    assert parse_errors(response, fmt)[0][0] == "403"
    assert not ProblemReport.objects.exists()


def test_a_revoked_key_is_refused_at_once(client, key):
    assert post(client, key).status_code == 200
    key.is_active = False
    key.save()
    assert post(client, key).status_code == 403
    assert ProblemReport.objects.count() == 1


def test_the_key_is_stored_hashed(key):
    stored = ApiKey.objects.get(pk=key.pk)
    assert stored.key_hash == hash_key(key.raw) and key.raw not in str(vars(stored))


def test_consent_is_required_and_its_version_checked(client, key):
    response = post(client, key, **{"attribute[consent]": None})
    assert response.status_code == 400
    assert any(
        description.startswith("attribute[consent]:") for _, description in parse_errors(response, "json")
    )
    response = post(client, key, **{"attribute[consent_version]": "старая"})
    assert response.status_code == 400
    assert "attribute[consent_version]" in parse_errors(response, "json")[0][1]
    version = feedback_page().consent_version
    assert post(client, key, **{"attribute[consent_version]": version}).status_code == 200


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_the_web_forms_checks_answer_several_errors(client, key, fmt):
    response = post(
        client,
        key,
        fmt,
        service_code="999999",
        description="коротко",
        email="не-почта",
        lat="91",
        media_url="https://example.org/photo.jpg",
    )
    assert response.status_code == 400
    errors = parse_errors(response, fmt)
    names = [description.split(":")[0] for _, description in errors]
    for name in ("media_url", "service_code", "description", "email", "lat"):
        assert name in names
    assert all(code == "400" for code, _ in errors)
    assert not ProblemReport.objects.exists()


def test_media_url_is_refused_with_a_clear_error(client, key):
    response = post(client, key, media_url="https://example.org/photo.jpg")
    assert response.status_code == 400
    (error,) = parse_errors(response, "json")
    assert "media" in error[1] and "multipart" in error[1]


def test_a_point_without_an_address_is_accepted(client, key):
    assert post(client, key, address_string=None).status_code == 200
    assert ProblemReport.objects.get().address == "58.139312, 52.658047"


def test_photos_come_as_media_files_checked_like_the_web_forms(client, key):
    response = post(
        client, key, files=[upload("one.jpg"), upload("two.png", image_bytes("PNG"), "image/png")]
    )
    assert response.status_code == 200, response.content.decode()
    assert ProblemReport.objects.get().photos.count() == 2
    fake = upload("fake.jpg", b"not an image at all", "image/jpeg")
    response = post(client, key, files=[fake])
    assert response.status_code == 400
    assert any(
        description.startswith("media:") and "fake.jpg" in description
        for _, description in parse_errors(response, "json")
    )
    six = [upload(f"p{index}.jpg") for index in range(6)]
    assert post(client, key, files=six).status_code == 400


def test_the_web_forms_rate_limit_applies(client, key, settings):
    settings.FEEDBACK_RATE_LIMIT = (2, 600)
    assert post(client, key).status_code == 200
    assert post(client, key).status_code == 200
    response = post(client, key)
    assert response.status_code == 429
    assert parse_errors(response, "json")[0][0] == "429"
    assert ProblemReport.objects.count() == 2


def test_post_is_never_cached_and_get_needs_no_key(client, key):
    assert post(client, key)["Cache-Control"] == "private, no-store"
    assert client.get(URL + "json").status_code == 200


def test_csrf_is_exempt_for_the_api_only(key):
    strict = Client(enforce_csrf_checks=True)
    assert strict.post(URL + "json", request_data(key)).status_code == 200
    assert strict.post("/ru/feedback/", {"category": "1"}).status_code == 403


# --- the key admin ---------------------------------------------------------------------------------


def test_an_administrator_creates_a_key_seen_once(client):
    client.force_login(staff_user("root", superuser=True))
    response = client.post(
        "/admin/snippets/feedback/apikey/add/",
        {"partner": "Приложение «Город»", "contact": "dev@app.example", "is_active": "on"},
    )
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    raw = re.search(r'<code id="api-key">([^<]+)</code>', response.text).group(1)
    key = ApiKey.objects.get()
    assert key.key_hash == hash_key(raw) and raw not in str(vars(key))
    assert ApiKey.find_active(raw) == key
    listing = client.get("/admin/snippets/feedback/apikey/").text
    assert "Приложение «Город»" in listing and raw not in listing
    assert raw not in client.get(f"/admin/snippets/feedback/apikey/edit/{key.pk}/").text


@pytest.mark.parametrize("group", GROUPS)
def test_no_group_reaches_the_keys(client, key, group):
    client.force_login(staff_user("someone", group))
    for url in (
        "/admin/snippets/feedback/apikey/",
        "/admin/snippets/feedback/apikey/add/",
        f"/admin/snippets/feedback/apikey/edit/{key.pk}/",
    ):
        assert client.get(url).status_code in (302, 403), url
    client.post(f"/admin/snippets/feedback/apikey/edit/{key.pk}/", {"partner": "x", "contact": "y"})
    key.refresh_from_db()
    assert key.partner == "Региональная система"


def test_an_editor_with_every_snippet_permission_still_cannot(client, key):
    from django.contrib.auth.models import Permission

    user = staff_user("editor", EDITORS)
    user.user_permissions.add(*Permission.objects.filter(content_type__model="apikey"))
    client.force_login(user)
    assert client.get("/admin/snippets/feedback/apikey/").status_code in (302, 403)


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_an_oversized_body_gets_the_specs_error_document(key, settings, fmt):
    settings.MAX_REQUEST_BODY_BYTES = 1000
    response = Client().post(URL + fmt, request_data(key, description="Длинное описание. " * 100))
    assert response.status_code == 413
    assert parse_errors(response, fmt)[0][0] == "413"
    assert not ProblemReport.objects.exists()
