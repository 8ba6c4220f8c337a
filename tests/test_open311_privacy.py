"""No resident's personal data reaches an Open311 response or the cache entries the API fills.

The same marker technique as the public pages (tests/test_public_reports_privacy.py): a report sent
through the web form with a unique marker in every personal field and in the photo's metadata, then
published by a moderator over HTTP; every API read, in both formats and every language, and every
cache write they cause are searched for the markers.
"""

from urllib.parse import quote

import pytest
from django.test import Client

from tests.test_public_reports_privacy import MARKERS, cache_writes, leaked, submit_and_publish

pytestmark = pytest.mark.django_db

__all__ = ["cache_writes"]  # the fixture, used by name below


def test_no_marker_in_any_open311_response_or_cache_entry(cache_writes):
    report = submit_and_publish()
    code = str(report.category_id)
    number = quote(report.number)
    visitor = Client()
    addresses = []
    for fmt in ("json", "xml"):
        addresses += [
            (f"/open311/v2/requests.{fmt}", True),
            (f"/open311/v2/requests.{fmt}?status=open&service_code={code}", True),
            (f"/open311/v2/requests.{fmt}?service_request_id={number}", True),
            (f"/open311/v2/requests.{fmt}?bbox=52,58,53,59&page_size=10", True),
            (f"/open311/v2/requests/{number}.{fmt}", True),
            (f"/open311/v2/services.{fmt}", False),
            (f"/open311/v2/services/{code}.{fmt}", False),
            (f"/open311/v2/discovery.{fmt}", False),
        ]
    for language in ("ru", "en", "udm"):
        for address, shows_report in addresses:
            for _attempt in range(2):  # built, then served from the cache
                response = visitor.get(address, HTTP_ACCEPT_LANGUAGE=language)
                assert response.status_code == 200, address
                body = response.content.decode("utf-8")
                headers = "\n".join(f"{key}: {value}" for key, value in response.headers.items())
                assert leaked(body + headers) == [], address
                assert (report.number in body) == shows_report, address
    assert cache_writes, "the API responses were cached"
    for key, value in cache_writes:
        assert leaked(str(key)) == [], key
        assert [marker for marker in MARKERS if marker.encode("utf-8") in value] == [], key
