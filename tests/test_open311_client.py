"""The read side driven by an independent Open311 client from PyPI (georeport), in both formats.

The client's HTTP calls are answered by Django's test client instead of the network (no network at
test time): georeport builds the URLs and parses the JSON and the XML (with xmltodict) itself.
"""

import io
from urllib.parse import urlencode, urlsplit

import pytest
import requests
from django.test import Client
from georeport import GeoReport

from feedback.models import Status
from tests.feedback_helpers import category
from tests.test_open311 import REQUEST_FIELDS, SERVICE_FIELDS, published

pytestmark = pytest.mark.django_db

ROOT = "http://testserver/open311/v2/"


@pytest.fixture
def through_django(monkeypatch):
    client = Client()

    def get(url, params=None, **kwargs):
        parts = urlsplit(url)
        query = "&".join(filter(None, [parts.query, urlencode(params or {})]))
        answer = client.get(parts.path + (f"?{query}" if query else ""))
        response = requests.Response()
        response.status_code = answer.status_code
        response.raw = io.BytesIO(answer.content)  # what requests reads the body from
        response.headers.update(answer.headers)
        response.url = url
        response.encoding = "utf-8"
        return response

    monkeypatch.setattr(requests, "get", get)


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_georeport_reads_services_definitions_and_requests(through_django, fmt):
    resolved = published(text="Фонарь не горит.", status=Status.RESOLVED, answer="Заменили лампу.")
    opened = published(text="Яма у остановки.")
    api = GeoReport(ROOT, output_format=fmt)

    services = api.get_service_list()
    lights = next(s for s in services if s["service_code"] == str(category().pk))
    assert set(SERVICE_FIELDS) <= set(lights) and lights["service_name"] == "Уличное освещение"

    definition = api.get_service_definition(lights["service_code"])
    attributes = definition["attributes"]
    consent = attributes[0] if fmt == "json" else attributes["attribute"]
    assert consent["code"] == "consent" and str(consent["required"]).lower() == "true"

    found = api.get_service_requests()
    assert {item["service_request_id"] for item in found} == {resolved.number, opened.number}
    assert all(set(REQUEST_FIELDS) <= set(item) for item in found)
    closed = api.get_service_requests(status="closed")
    closed = closed if isinstance(closed, list) else [closed]  # xmltodict: one element is a dict
    assert [item["service_request_id"] for item in closed] == [resolved.number]

    one = api.get_service_request(resolved.number)
    assert one["status"] == "closed" and one["status_notes"] == "Заменили лампу."
    with pytest.raises(requests.HTTPError):
        api.get_service_request("ГЛЗ-2000-000001")
