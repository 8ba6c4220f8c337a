"""Open311 GeoReport v2 read side: discovery, services, service definitions, requests, errors.

Every document is checked in both formats against the spec's field lists: JSON as bare arrays
(or the spec's objects), XML parsed with defusedxml and checked by element names.
"""

import datetime
import json

import pytest
from defusedxml import ElementTree
from django.utils import timezone
from wagtail.models import Locale

from feedback.models import ProblemCategory, ProblemReport, Status
from feedback.services import change_status, publish_report
from tests.feedback_helpers import category, make_report

pytestmark = pytest.mark.django_db

API = "/open311/v2/"
SERVICE_FIELDS = ["service_code", "service_name", "description", "metadata", "type", "keywords", "group"]
REQUEST_FIELDS = [
    "service_request_id",
    "status",
    "status_notes",
    "service_name",
    "service_code",
    "description",
    "agency_responsible",
    "service_notice",
    "requested_datetime",
    "updated_datetime",
    "expected_datetime",
    "address",
    "address_id",
    "zipcode",
    "lat",
    "long",
    "media_url",
]
ATTRIBUTE_FIELDS = [
    "variable",
    "code",
    "datatype",
    "required",
    "datatype_description",
    "order",
    "description",
    "values",
]


def get_json(client, name, status=200, **kwargs):
    response = client.get(API + name + ".json", **kwargs)
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/json; charset=utf-8"
    return json.loads(response.content)


def get_xml(client, name, status=200, **kwargs):
    response = client.get(API + name + ".xml", **kwargs)
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "text/xml; charset=utf-8"
    assert response.content.startswith(b'<?xml version="1.0" encoding="utf-8"?>')
    return ElementTree.fromstring(response.content)


def published(days_ago=0, text="Яма на дороге.", address="ул. Ленина, 12", status=None, answer=None, **kw):
    report = make_report(**kw)
    if days_ago:
        ProblemReport.objects.filter(pk=report.pk).update(
            created_at=timezone.now() - datetime.timedelta(days=days_ago)
        )
        report.refresh_from_db()
    if status or answer:
        change_status(report, status or report.status, by=None, public_answer=answer)
    return publish_report(report, by=None, public_text=text, public_address=address)


def children(element):
    return [child.tag for child in element]


# --- discovery ----------------------------------------------------------------------------------


def test_discovery_in_both_formats(client):
    data = get_json(client, "discovery")
    assert set(data) == {"changeset", "contact", "key_service", "endpoints"}
    endpoint = data["endpoints"][0]
    assert endpoint["specification"] == "http://wiki.open311.org/GeoReport_v2"
    assert endpoint["url"] == "http://testserver/open311/v2"
    endpoint_formats = endpoint["formats"]
    assert sorted(value.split(";")[0] for value in endpoint_formats) == ["application/json", "text/xml"]
    root = get_xml(client, "discovery")
    assert root.tag == "discovery"
    assert children(root) == ["changeset", "contact", "key_service", "endpoints"]
    endpoint = root.find("endpoints/endpoint")
    assert children(endpoint) == ["specification", "url", "changeset", "type", "formats"]
    assert [f.text for f in endpoint.findall("formats/format")] == endpoint_formats


# --- services -----------------------------------------------------------------------------------


def test_services_one_per_active_category_in_both_formats(client):
    active = ProblemCategory.objects.filter(active=True, locale__language_code="ru")
    inactive = active.first()
    inactive.active = False
    inactive.save()
    data = get_json(client, "services")
    assert isinstance(data, list)
    assert {item["service_code"] for item in data} == {str(c.pk) for c in active.exclude(pk=inactive.pk)}
    for item in data:
        assert list(item) == SERVICE_FIELDS
        assert item["metadata"] is True and item["type"] == "realtime"
    root = get_xml(client, "services")
    assert root.tag == "services"
    assert {child.tag for child in root} == {"service"}
    assert [children(service) for service in root] == [SERVICE_FIELDS] * len(data)
    assert root.find("service/metadata").text == "true"
    assert str(inactive.pk) not in [s.findtext("service_code") for s in root]


def test_service_names_follow_accept_language(client):
    lights = category()
    code = str(lights.pk)
    english = lights.get_translation_or_none(Locale.objects.get(language_code="en"))
    english = english or lights.copy_for_translation(Locale.objects.get(language_code="en"))
    english.name = "Street lighting"
    english.save()
    ProblemCategory.objects.filter(
        translation_key=lights.translation_key, locale__language_code="udm"
    ).delete()

    def names(language=None):
        headers = {"HTTP_ACCEPT_LANGUAGE": language} if language else {}
        return {
            item["service_code"]: item["service_name"] for item in get_json(client, "services", **headers)
        }

    assert names()[code] == "Уличное освещение"
    assert names("en")[code] == "Street lighting"
    # No Udmurt version of this category: the Russian name, never the English one.
    assert names("udm")[code] == "Уличное освещение"
    root = get_xml(client, "services", HTTP_ACCEPT_LANGUAGE="en")
    assert "Street lighting" in [service.findtext("service_name") for service in root]


def test_service_definition_with_required_consent(client):
    code = str(category().pk)
    data = get_json(client, f"services/{code}")
    assert set(data) == {"service_code", "attributes"}
    assert data["service_code"] == code
    (consent,) = data["attributes"]
    assert list(consent) == ATTRIBUTE_FIELDS
    assert consent["code"] == "consent" and consent["required"] is True and consent["variable"] is True
    assert consent["datatype"] == "singlevaluelist"
    assert consent["values"][0]["key"] == "true"
    root = get_xml(client, f"services/{code}")
    assert root.tag == "service_definition"
    assert children(root) == ["service_code", "attributes"]
    attribute = root.find("attributes/attribute")
    assert children(attribute) == ATTRIBUTE_FIELDS
    assert root.findtext("attributes/attribute/required") == "true"
    assert children(attribute.find("values/value")) == ["key", "name"]


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_unknown_service_is_a_404_error_document(client, fmt):
    response = client.get(f"{API}services/999999.{fmt}")
    assert response.status_code == 404
    errors = parse_errors(response, fmt)
    assert errors[0][0] == "404" and "999999" in errors[0][1]


def parse_errors(response, fmt):
    """[(code, description)] from the spec's error document."""
    if fmt == "json":
        data = json.loads(response.content)
        assert isinstance(data, list)
        assert all(list(item) == ["code", "description"] for item in data)
        return [(str(item["code"]), item["description"]) for item in data]
    root = ElementTree.fromstring(response.content)
    assert root.tag == "errors" and {child.tag for child in root} == {"error"}
    assert all(children(error) == ["code", "description"] for error in root)
    return [(error.findtext("code"), error.findtext("description")) for error in root]


@pytest.mark.parametrize("address", ["services.html", "services.JSON2", "discovery.txt", "requests.csv"])
def test_unknown_format_is_a_404(client, address):
    response = client.get(API + address)
    assert response.status_code == 404
    assert parse_errors(response, "xml")[0][0] == "404"


def test_unknown_method_address_is_a_404_error_document(client):
    # Without a suffix Django's language middleware sends it to the site's own 404 page instead.
    response = client.get(API + "nothing/here.xml")
    assert response.status_code == 404
    assert parse_errors(response, "xml")[0][0] == "404"


# --- requests -----------------------------------------------------------------------------------


def test_requests_only_published_in_both_formats(client):
    shown = published(text="Не горит фонарь у остановки.", address="ул. Кирова, 5")
    hidden = make_report()
    data = get_json(client, "requests")
    assert [item["service_request_id"] for item in data] == [shown.number]
    (item,) = data
    assert list(item) == REQUEST_FIELDS
    assert item["description"] == "Не горит фонарь у остановки."
    assert item["address"] == "ул. Кирова, 5"
    assert item["status"] == "open"
    assert item["service_code"] == str(shown.category_id)
    assert datetime.datetime.fromisoformat(item["requested_datetime"]).tzinfo is not None
    assert item["requested_datetime"].endswith("+04:00")
    root = get_xml(client, "requests")
    assert root.tag == "service_requests"
    assert [children(request) for request in root] == [REQUEST_FIELDS]
    assert root.findtext("request/service_request_id") == shown.number
    assert hidden.number not in json.dumps(data, ensure_ascii=False)
    get_json(client, f"requests/{hidden.number}", status=404)


def test_one_request_as_a_list_of_one(client):
    report = published(status=Status.RESOLVED, answer="Фонарь заменили.")
    data = get_json(client, f"requests/{report.number}")
    assert isinstance(data, list) and len(data) == 1
    assert data[0]["status"] == "closed"
    assert data[0]["status_notes"] == "Фонарь заменили."
    root = get_xml(client, f"requests/{report.number}")
    assert root.tag == "service_requests" and root.findtext("request/status") == "closed"
    errors = parse_errors(client.get(f"{API}requests/ГЛЗ-2000-000001.xml"), "xml")
    assert errors[0][0] == "404"


def test_coordinates_rounded_as_on_public_pages(client):
    report = published(latitude="58.139312", longitude="52.658047")
    (item,) = get_json(client, "requests")
    assert (item["lat"], item["long"]) == ("58.139", "52.658")
    assert "139312" not in json.dumps(item) and report.number == item["service_request_id"]


def test_default_last_90_days_and_date_filters(client):
    recent = published(days_ago=5)
    old = published(days_ago=120)
    assert [i["service_request_id"] for i in get_json(client, "requests")] == [recent.number]
    start = (timezone.localdate() - datetime.timedelta(days=130)).isoformat()
    end = (timezone.localdate() - datetime.timedelta(days=100)).isoformat()
    data = get_json(client, "requests", data={"start_date": start, "end_date": end})
    assert [i["service_request_id"] for i in data] == [old.number]
    moment = (timezone.now() - datetime.timedelta(days=10)).isoformat()
    data = get_json(client, "requests", data={"start_date": moment})
    assert [i["service_request_id"] for i in data] == [recent.number]


def test_status_code_and_id_filters(client):
    closed = published(status=Status.RESOLVED)
    opened = published()
    ids = lambda **q: [i["service_request_id"] for i in get_json(client, "requests", data=q)]  # noqa: E731
    assert ids(status="closed") == [closed.number]
    assert ids(status="open") == [opened.number]
    assert set(ids(status="open,closed")) == {closed.number, opened.number}
    assert ids(service_code="999999") == []
    assert set(ids(service_code=str(category().pk))) == {closed.number, opened.number}
    assert ids(service_request_id=f"{closed.number}, ГЛЗ-2000-000009") == [closed.number]


def test_page_page_size_and_bbox(client):
    first = published(days_ago=3, latitude="58.14", longitude="52.66")
    second = published(days_ago=2, latitude="57.00", longitude="53.50")
    third = published(days_ago=1)
    ids = lambda **q: [i["service_request_id"] for i in get_json(client, "requests", data=q)]  # noqa: E731
    assert ids(page_size="2") == [third.number, second.number]
    assert ids(page_size="2", page="2") == [first.number]
    assert ids(bbox="52.5,58.0,52.8,58.3") == [first.number]


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_several_bad_filters_answer_several_errors(client, fmt):
    response = client.get(
        f"{API}requests.{fmt}",
        {"start_date": "вчера", "status": "pending", "page_size": "5000", "bbox": "1,2"},
    )
    assert response.status_code == 400
    errors = parse_errors(response, fmt)
    assert [code for code, _ in errors] == ["400"] * 4
    text = " ".join(description for _, description in errors)
    for name in ("start_date", "status", "page_size", "bbox"):
        assert name in text


def test_span_over_90_days_is_refused(client):
    response = client.get(API + "requests.json", {"start_date": "2026-01-01", "end_date": "2026-06-01"})
    assert response.status_code == 400
    assert "90" in parse_errors(response, "json")[0][1]


def test_public_photo_copy_only_as_media_url(client):
    report = make_report(photos=2)
    private, public = report.photos.all()
    publish_report(
        report, by=None, public_text="Яма.", public_address="ул. Ленина", public_photo_ids=[public.pk]
    )
    public.refresh_from_db()
    (item,) = get_json(client, "requests")
    assert item["media_url"] == "http://testserver" + public.public_image.url
    body = client.get(API + "requests.xml").content.decode()
    assert private.image.name not in body and public.image.name not in body


def test_xml_text_is_escaped(client):
    published(text='Знаки <b>&"кавычки"</b> ]]> в\x0b тексте\x1b.')
    root = get_xml(client, "requests")
    assert root.findtext("request/description") == 'Знаки <b>&"кавычки"</b> ]]> в тексте.'


def test_get_responses_are_page_cached_under_reports(client, settings):
    report = published()
    first = client.get(API + "requests.json")
    assert first["X-Cache"] == "MISS"  # the tests' settings keep the page cache on, as production
    assert client.get(API + "requests.json")["X-Cache"] == "HIT"
    change_status(report, Status.RESOLVED, by=None, public_answer="Сделано.")
    fresh = client.get(API + "requests.json")
    assert fresh["X-Cache"] in ("STALE", "MISS")


def test_a_new_consent_text_reaches_the_cached_service_definition(client):
    from tests.feedback_helpers import feedback_page

    code = str(category().pk)
    get_json(client, f"services/{code}")
    response = client.get(f"{API}services/{code}.json")
    assert response["X-Cache"] == "HIT"
    page = feedback_page()
    page.consent_text = "Новый текст согласия на обработку персональных данных."
    page.consent_version = "2026-12"
    page.save_revision().publish()
    (consent,) = get_json(client, f"services/{code}")["attributes"]
    assert consent["description"] == "Новый текст согласия на обработку персональных данных."
    assert "2026-12" in consent["datatype_description"]


def test_head_is_answered(client):
    assert client.head(API + "services.xml").status_code == 200


@pytest.mark.parametrize("count", [2, 8])
def test_requests_listing_queries_do_not_grow_with_reports(client, count, django_assert_max_num_queries):
    for index in range(count):
        report = published(photos=1, text=f"Яма номер {index}.")
        publish_report(
            report,
            by=None,
            public_text=report.public_text,
            public_address=report.public_address,
            public_photo_ids=[photo.pk for photo in report.photos.all()],
        )
    with django_assert_max_num_queries(5):
        data = get_json(client, "requests", HTTP_ACCEPT_LANGUAGE="en")
    assert len(data) == count and all(item["media_url"] for item in data)
