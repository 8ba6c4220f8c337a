"""No resident's personal data reaches a public page, feed, export or the cache.

A resident submits a report through the form with a unique marker in every personal field (name,
e-mail, phone, exact coordinates, inside the description too, and GPS and camera data in a photo's
EXIF); a moderator publishes it over HTTP accepting the prefilled public text and marks one of two
photos public; the answer carelessly names the resident. Then every public response in every
language (listing, filtered listing, the report's page, RSS, CSV, JSON, the public photo, the home
page) and every key and value written to the cache is searched for the markers.
"""

import html
import io
import pickle
import re
from urllib.parse import quote

import pytest
from django.core.cache import cache
from django.test import Client
from PIL import Image

from feedback.models import ProblemReport, Status
from feedback.services import change_status
from tests.feedback_helpers import FORM_URL, category, form_data, staff_user, upload
from tests.helpers import REPORT_MODERATORS

pytestmark = pytest.mark.django_db

NAME = "Зоя Маркерова"
EMAIL = "zoya.markerova.x7@example.net"
PHONE = "+7 912 555-44-33"
LATITUDE, LONGITUDE = "58.146789", "52.651234"
MARKERS = [
    "Маркерова",
    "markerova",
    "5554433",
    "555-44-33",
    "555 44 33",
    "146789",
    "651234",
    "58.1468",
    "52.6512",
    "58,1468",
    "MarkerCam",
    "marker-secret",
]


def photo_with_metadata(color):
    exif = Image.Exif()
    exif[0x010F] = "MarkerCam"  # the camera's make
    exif[0x8825] = {1: "N", 2: (58.0, 8.0, 48.4)}  # GPS
    buffer = io.BytesIO()
    Image.new("RGB", (320, 240), color).save(buffer, "JPEG", exif=exif, comment=b"marker-secret")
    return buffer.getvalue()


@pytest.fixture
def cache_writes(monkeypatch):
    """Every key and value the site writes to the cache during the test, pickled."""
    writes = []
    for name in ("set", "add"):
        original = getattr(cache, name)

        def recording(key, value, *args, _original=original, **kwargs):
            writes.append((key, pickle.dumps(value)))
            return _original(key, value, *args, **kwargs)

        monkeypatch.setattr(cache, name, recording)
    original_many = cache.set_many

    def recording_many(data, *args, **kwargs):
        writes.extend((key, pickle.dumps(value)) for key, value in data.items())
        return original_many(data, *args, **kwargs)

    monkeypatch.setattr(cache, "set_many", recording_many)
    return writes


def leaked(text):
    return [marker for marker in MARKERS if marker.lower() in text.lower() or quote(marker) in text]


def submit_and_publish():
    resident = Client()
    description = (
        f"Меня зовут {NAME}, мой телефон {PHONE}, почта {EMAIL}. "
        "Глубокая яма у дома 3 по ул. Пионерской, в ней уже застряла машина."
    )
    data = form_data(
        description=description,
        address="ул. Пионерская, 3",
        latitude=LATITUDE,
        longitude=LONGITUDE,
        name=NAME,
        email=EMAIL,
        phone=PHONE,
    )
    data["photos"] = [
        upload("first.jpg", photo_with_metadata((200, 10, 10))),
        upload("second.jpg", photo_with_metadata((10, 10, 200))),
    ]
    assert resident.post(FORM_URL, data).status_code == 302
    report = ProblemReport.objects.get(email=EMAIL)

    moderator = Client()
    moderator.force_login(staff_user("moderator", REPORT_MODERATORS))
    url = f"/admin/feedback/reports/{report.pk}/publish/"
    form = moderator.get(url).text
    text = re.search(r'<textarea name="public_text"[^>]*>\s*(.*?)</textarea>', form, re.S).group(1)
    place = re.search(r'name="public_address" value="([^"]*)"', form).group(1)
    first = report.photos.order_by("sort_order").first()

    response = moderator.post(
        url,
        {
            "public_text": html.unescape(text),
            "public_address": html.unescape(place),
            "public_photos": [str(first.pk)],
            "action": "publish",
        },
    )
    assert response.status_code == 302, response.text[:2000]
    report.refresh_from_db()
    assert report.is_public and "[скрыто]" in report.public_text
    change_status(report, Status.PLANNED, by=None, public_answer=f"{NAME}, яму заделаем до конца месяца.")
    report.refresh_from_db()
    return report


def test_no_marker_reaches_any_public_page_feed_export_or_the_cache(cache_writes):
    report = submit_and_publish()
    visitor = Client()
    category_id = category().pk
    number = quote(report.number)
    urls = []
    for language in ("ru", "en", "udm"):
        base = f"/{language}/feedback/reports/"
        urls += [
            f"/{language}/",
            base,
            f"{base}?category={category_id}&status=open&street=Пионерская",
            f"{base}{number}/",
            f"{base}feed/",
            f"{base}feed/{category_id}/",
            f"{base}export/csv/",
            f"{base}export/json/",
            f"{base}export/json/?period=30",
        ]
    shown = 0
    for url in urls:
        for _attempt in range(2):  # rendered, then served from the cache
            response = visitor.get(url)
            assert response.status_code == 200, url
            body = response.content.decode("utf-8")
            headers = "\n".join(f"{key}: {value}" for key, value in response.headers.items())
            assert leaked(body + headers) == [], url
            shown += report.number in body or number in body
    assert shown >= len(urls)  # every response did show the report

    photo = report.photos.get(is_public=True)
    content = photo.public_image.open("rb").read()
    assert not any(marker.encode() in content for marker in MARKERS)
    with Image.open(io.BytesIO(content)) as image:
        assert not image.getexif()
    hidden_photo = report.photos.get(is_public=False)
    page = visitor.get(f"/ru/feedback/reports/{number}/").text
    assert hidden_photo.image.name not in page and not hidden_photo.public_image

    assert cache_writes, "the public pages were cached"
    for key, value in cache_writes:
        assert leaked(str(key)) == [], key
        assert [marker for marker in MARKERS if marker.encode("utf-8") in value] == [], key
