"""Random values and malformed multipart bodies sent to the «Решаем вместе» form.

Property-based (hypothesis): the answer is the form with Russian errors (200), a refusal (400,
413, 429) or, only for a valid report, the redirect to the confirmation (302); a refused
submission stores nothing: no report, no photo row or file, no e-mail queued or sent.
Bodies are built by hand where the test client would tidy them (boundaries, file names).
"""

import html
import io
import re
import struct
import unicodedata
import zlib
from pathlib import Path

import pytest
from django.conf import settings
from django.core import mail
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.test import Client
from hypothesis import given
from hypothesis import strategies as st
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from PIL import Image

from feedback.models import Notification, ProblemCategory, ProblemReport, RateLimitEvent, ReportPhoto
from tests.bad_input import (
    ALLOWED_STATUSES,
    FUZZ,
    as_header,
    exotic_text,
    huge_text,
    numberish,
    parameters,
    russian,
)
from tests.feedback_helpers import FORM_URL, category, form_data, image_bytes

pytestmark = pytest.mark.django_db

FIELDS = [
    "category",
    "description",
    "address",
    "latitude",
    "longitude",
    "name",
    "email",
    "phone",
    "consent",
    "website",
]


def stored():
    """Everything a submission can leave behind."""
    root = Path(settings.FEEDBACK_PRIVATE_ROOT)
    return {
        "reports": ProblemReport.objects.count(),
        "photos": ReportPhoto.objects.count(),
        "files": sum(1 for path in root.rglob("*") if path.is_file()),
        "notifications": Notification.objects.count(),
        "outbox": len(mail.outbox),
    }


def assert_refused(response, before):
    """A refused submission: the form again with Russian errors, or a 4xx; and nothing stored."""
    assert response.status_code in ALLOWED_STATUSES - {302, 303}, response.status_code
    assert stored() == before
    if response.status_code == 400:  # the form with a notice, or the page about an unreadable body
        assert russian(response.content.decode()), response.content[:200]
    if response.status_code == 200:
        form = response.context["form"]
        assert form.errors, "the form came back without saying what is wrong"
        messages = [message for errors in form.errors.values() for message in errors]
        assert all(russian(message) for message in messages), messages
        assert "error-summary" in response.text


# Every field at random


@FUZZ
@given(data=parameters(FIELDS))
def test_random_values_in_every_field_never_fail(client, data):
    before = stored()
    response = client.post(FORM_URL, data)
    if response.status_code == 302:  # valid by chance: exactly one report, saved as typed
        assert stored()["reports"] == before["reports"] + 1
        typed = data["description"][-1] if isinstance(data["description"], list) else data["description"]
        assert ProblemReport.objects.latest("pk").description == without_control_characters(typed)
    else:
        assert_refused(response, before)


# One invalid field in an otherwise valid report


def not_an_email(value):
    try:
        validate_email(value.strip())
    except ValidationError:
        return bool(value.strip())
    return False


def is_offered_category(value):
    """Whether a posted value names a category the form offers (ids are read as Python's int() reads them)."""
    try:
        pk = int(value)
    except ValueError:
        return False
    return ProblemCategory.objects.active().filter(locale__language_code="ru", pk=pk).exists()


# Each strategy gives a value that makes its field (or the form) invalid whatever else is sent.
INVALID = {
    "category": st.one_of(exotic_text(50), numberish, st.just("")),
    "description": st.one_of(
        st.text(max_size=12).filter(lambda value: len(value.strip()) < 10),
        huge_text,
        st.text(min_size=10, max_size=100).map(lambda value: value + "\x00"),
    ),
    "address": st.one_of(
        st.text(st.sampled_from(" \t\r\n\x0b\x01\x1b\x7f\x85\xa0\u2003\u3000"), max_size=5),
        st.text(min_size=301, max_size=400).filter(lambda value: len(value.strip()) > 300),
        st.text(max_size=50).map(lambda value: "\x00" + value),
    ),
    # One coordinate without the other is refused even when it is a good number.
    "latitude": st.one_of(exotic_text(30), numberish).filter(lambda value: value.strip()),
    "longitude": st.one_of(exotic_text(30), numberish).filter(lambda value: value.strip()),
    "name": st.one_of(
        st.just(""), st.text(min_size=151, max_size=300).filter(lambda v: len(v.strip()) > 150)
    ),
    "email": st.one_of(exotic_text(60), huge_text).filter(not_an_email),
    "phone": st.one_of(
        st.text(max_size=20).map(lambda value: value + "x"),
        st.integers(0, 10**9 - 1).map(str),
        st.integers(10**16, 10**40).map(str),
        st.sampled_from(["¹²³⁴⁵⁶⁷⁸⁹⁰¹", "٣٣٣٣٣٣٣٣٣٣٣", "𝟙𝟚𝟛𝟜𝟝𝟞𝟟𝟠𝟡𝟘𝟙", "+7 912 345-67-8\x00"]),
    ),
    # A checkbox is ticked by any value but "false" (as in Django); unticked is absent or empty.
    "consent": st.sampled_from([None, "", "false", "FALSE"]),
    "website": st.text(min_size=1, max_size=200),
}


@FUZZ
@given(field_and_value=st.sampled_from(sorted(INVALID)).flatmap(lambda f: st.tuples(st.just(f), INVALID[f])))
def test_one_invalid_field_is_explained_in_russian_and_nothing_is_stored(client, field_and_value):
    field, value = field_and_value
    if field == "category" and is_offered_category(value):
        return  # a real category id drawn by chance is not an invalid value
    before = stored()
    response = client.post(FORM_URL, form_data(**{field: value}))
    assert_refused(response, before)
    if field == "website":
        assert response.status_code == 400
    else:
        assert response.status_code == 200
        assert response.context["form"].errors


# Valid reports in exotic but legitimate text


# Anything a text field can carry: every character but NUL (control characters included).
typed = st.text(st.characters(codec="utf-8", exclude_characters="\x00"), min_size=1)


def without_control_characters(value):
    """What the form keeps of a resident's text: control characters but tab and line breaks become spaces."""
    control = {char for char in value if unicodedata.category(char) == "Cc"} - set("\t\n\r")
    return "".join(" " if char in control else char for char in value).strip()


def visible_length(low, high):
    return lambda value: low <= len(without_control_characters(value)) <= high


def fresh_rate_limits():
    """Each generated example is a new client: the counts (in the database) start from zero."""
    cache.clear()
    RateLimitEvent.objects.all().delete()


@FUZZ
@given(
    description=typed.filter(visible_length(10, 4000)),
    address=typed.filter(visible_length(1, 300)),
    name=typed.filter(visible_length(1, 150)),
)
def test_a_valid_report_in_any_script_is_stored_exactly_and_its_pages_show(
    client, description, address, name
):
    fresh_rate_limits()  # the rate limit is not under test here
    response = client.post(FORM_URL, form_data(description=description, address=address, name=name))
    assert response.status_code == 302
    report = ProblemReport.objects.latest("pk")
    stored_text = (report.description, report.address, report.name)
    assert stored_text == tuple(without_control_characters(value) for value in (description, address, name))
    # Nothing the moderators' Excel export could not hold.
    assert not any(ILLEGAL_CHARACTERS_RE.search(value) for value in stored_text)
    assert client.get(response.headers["Location"]).status_code == 200
    assert client.get(report.get_status_url()).status_code == 200


# Photos: garbage, lies about the format, bombs, odd file names (bodies built by hand)

BOUNDARY = "----GlazovFuzzBoundary7MA4YWxkTrZu0gW"


def part(name, value=b"", filename=None, content_type=None, headers=b""):
    disposition = f'Content-Disposition: form-data; name="{name}"'.encode()
    if filename is not None:
        disposition += b'; filename="' + filename.encode("utf-8", "surrogatepass") + b'"'
    lines = [disposition]
    if content_type is not None:
        lines.append(f"Content-Type: {content_type}".encode())
    head = b"\r\n".join(lines) + headers
    return head + b"\r\n\r\n" + value


def multipart(parts, boundary=BOUNDARY, close=True):
    delimiter = b"--" + boundary.encode("latin-1")
    body = b"".join(delimiter + b"\r\n" + item + b"\r\n" for item in parts)
    return body + (delimiter + b"--\r\n" if close else b"")


def form_parts(**overrides):
    """The fields of a valid report, in the order a browser sends them."""
    return [part(key, str(value).encode()) for key, value in form_data(**overrides).items()]


def png_chunk(kind, data):
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png_header(width, height):
    """A PNG that announces ``width``×``height`` pixels but carries almost no data."""
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + png_chunk(b"IHDR", ihdr) + png_chunk(b"IDAT", zlib.compress(b"\0" * 64))


def jpeg_header(width, height):
    """A JPEG start-of-frame announcing ``width``×``height`` pixels, then nothing."""
    frame = struct.pack(">BHHB", 8, height, width, 3) + b"\x01\x22\x00\x02\x11\x01\x03\x11\x01"
    return b"\xff\xd8" + b"\xff\xc0" + struct.pack(">H", len(frame) + 2) + frame + b"\xff\xd9"


MAGIC = [
    b"\xff\xd8\xff\xe0\x00\x10JFIF\x00",
    b"\x89PNG\r\n\x1a\n",
    b"RIFF\x00\x10\x00\x00WEBPVP8 ",
    b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic",
    b"GIF89a",
    b"%PDF-1.4\n",
    b"PK\x03\x04",
    b"II*\x00",
    b"<svg xmlns='http://www.w3.org/2000/svg'>",
]


def damaged(data):
    """A real photo cut short or with some bytes overwritten."""
    cut = st.integers(0, len(data)).map(lambda length: data[:length])
    edits = st.lists(st.tuples(st.integers(0, len(data) - 1), st.integers(0, 255)), min_size=1, max_size=20)
    return st.one_of(cut, edits.map(lambda changes: overwrite(data, changes)))


def overwrite(data, changes):
    buffer = bytearray(data)
    for position, value in changes:
        buffer[position] = value
    return bytes(buffer)


SMALL_JPEG = image_bytes(size=(48, 32))
SMALL_PNG = image_bytes("PNG", size=(48, 32), mode="RGBA", color=(10, 20, 30, 128))
SMALL_WEBP = image_bytes("WEBP", size=(48, 32))

photo_bytes = st.one_of(
    st.binary(max_size=4000),
    st.sampled_from(MAGIC).flatmap(lambda magic: st.binary(max_size=4000).map(lambda tail: magic + tail)),
    st.sampled_from([SMALL_JPEG, SMALL_PNG, SMALL_WEBP]).flatmap(damaged),
    st.tuples(st.integers(1, 2**31 - 1), st.integers(1, 2**31 - 1)).map(lambda size: png_header(*size)),
    st.tuples(st.integers(1, 65535), st.integers(1, 65535)).map(lambda size: jpeg_header(*size)),
    st.sampled_from([b"", b"hello", b"<html><body>not a photo</body></html>", b"\x00" * 1000]),
)
file_names = st.one_of(
    exotic_text(60).map(lambda name: name + ".jpg"),
    st.sampled_from(
        [
            "../../etc/passwd",
            "..\\..\\windows\\win.ini.jpg",
            "..",
            ".",
            "",
            "фото с ямы.jpeg",
            "\u202egpj.exe",
            "a\x00b.jpg",
            "C:\\photo.jpg",
            "/var/x.png",
            "%2e%2e%2fx.jpg",
            'quote".jpg',
            "&#46;&#46;&#47;x.jpg",
            "x" * 5000 + ".jpg",
        ]
    ),
)
content_types = st.sampled_from(["image/jpeg", "image/png", "image/heic", "application/pdf", "", "text/html"])


@FUZZ
@given(
    files=st.lists(st.tuples(file_names, content_types, photo_bytes), min_size=1, max_size=7),
)
def test_any_files_as_photos_never_fail_and_nothing_is_stored(client, files):
    """With consent missing the form is refused whatever the photos, yet each one is still checked."""
    before = stored()
    parts = [part(key, str(value).encode()) for key, value in form_data(consent=None).items()]
    parts += [part("photos", data, filename=name, content_type=ctype) for name, ctype, data in files]
    response = client.generic("POST", FORM_URL, multipart(parts), f"multipart/form-data; boundary={BOUNDARY}")
    assert_refused(response, before)


@FUZZ
@given(name=file_names, data=photo_bytes)
def test_a_photo_that_passes_is_stored_as_a_clean_jpeg(client, name, data):
    fresh_rate_limits()
    before = stored()
    parts = [*form_parts(), part("photos", data, filename=name, content_type="image/jpeg")]
    response = client.generic("POST", FORM_URL, multipart(parts), f"multipart/form-data; boundary={BOUNDARY}")
    if response.status_code != 302:
        assert_refused(response, before)
        return
    photos = list(ProblemReport.objects.latest("pk").photos.all())
    if not photos:
        # A file part without a usable name is what a browser sends when no file was chosen.
        assert nameless(name)
        return
    with photos[0].image.open("rb") as handle:
        image = Image.open(io.BytesIO(handle.read()))
    assert image.format == "JPEG"
    assert max(image.size) <= settings.FEEDBACK_PHOTO_MAX_SIDE
    assert "/" not in photos[0].original_name and "\\" not in photos[0].original_name
    assert len(photos[0].original_name) <= 255


def nameless(name):
    """Whether Django drops a file part with this name, as it does the empty part of an unused input."""
    base = re.split(r"[/\\]", html.unescape(name))[-1]
    return "".join(char for char in base if char.isprintable()) in {"", ".", ".."}


def test_decompression_bomb_headers_are_refused_naming_the_file(client):
    before = stored()
    for name, data in [("bomb.png", png_header(100_000, 100_000)), ("bomb.jpg", jpeg_header(65000, 65000))]:
        parts = [*form_parts(), part("photos", data, filename=name, content_type="image/png")]
        response = client.generic(
            "POST", FORM_URL, multipart(parts), f"multipart/form-data; boundary={BOUNDARY}"
        )
        assert_refused(response, before)
        assert f"Файл «{name}» слишком большой по размеру изображения" in response.text


# Broken bodies: boundaries, truncation, garbage, lies about the length

MALFORMATIONS = [
    "wrong_boundary",
    "no_boundary",
    "odd_boundary",
    "truncated",
    "garbage",
    "no_closing_boundary",
    "garbled_part_headers",
    "bad_base64",
    "length_over_limit",
    "length_under",
    "length_not_a_number",
]


def malformed_request(kind, draw):
    """(body, content type, extra WSGI environ) for one kind of broken multipart request."""
    parts = form_parts()
    body = multipart(parts)
    content_type = f"multipart/form-data; boundary={BOUNDARY}"
    extra = {}
    if kind == "wrong_boundary":
        content_type = as_header(f"multipart/form-data; boundary={draw(exotic_text(70))}")
    elif kind == "no_boundary":
        content_type = "multipart/form-data"
    elif kind == "odd_boundary":
        # The parser accepts some of these when the body matches: this report lacks consent.
        boundary = draw(st.sampled_from(["", '"', "a" * 71, "a b", "\\", "--", "x;y=z", "ä"]))
        body = multipart(form_parts(consent=None), boundary=boundary.encode().decode("latin-1"))
        content_type = as_header(f"multipart/form-data; boundary={boundary}")
    elif kind == "truncated":
        # Cut anywhere before the closing boundary is whole (a missing final line break is harmless).
        closing = body.rindex(b"--" + BOUNDARY.encode() + b"--")
        body = body[: draw(st.integers(0, closing + len(BOUNDARY) + 3))]
    elif kind == "garbage":
        body = draw(st.binary(max_size=5000))
    elif kind == "no_closing_boundary":
        body = multipart(parts, close=False)
    elif kind == "garbled_part_headers":
        # The parser skips a part it cannot read and keeps the others: this report lacks consent.
        parts = form_parts(consent=None)
        body = multipart([*parts[:3], draw(st.binary(max_size=300)), *parts[3:]])
    elif kind == "bad_base64":
        encoded = part(
            "photos", b"!!!not base64!!!", "x.jpg", "image/jpeg", b"\r\nContent-Transfer-Encoding: base64"
        )
        body = multipart([*parts, encoded])
    elif kind == "length_over_limit":
        extra["CONTENT_LENGTH"] = str(draw(st.integers(settings.MAX_REQUEST_BODY_BYTES + 1, 10**15)))
    elif kind == "length_under":
        closing = body.rindex(b"--" + BOUNDARY.encode() + b"--")
        extra["CONTENT_LENGTH"] = str(draw(st.integers(0, closing + len(BOUNDARY) + 3)))
    elif kind == "length_not_a_number":
        extra["CONTENT_LENGTH"] = draw(st.sampled_from(["", "abc", "1e9", " ", "0x10", "٣"]))
    return body, content_type, extra


@FUZZ
@given(kind=st.sampled_from(MALFORMATIONS), data=st.data())
def test_malformed_multipart_bodies_are_refused_and_nothing_is_stored(client, kind, data):
    fresh_rate_limits()
    before = stored()
    body, content_type, extra = malformed_request(kind, data.draw)
    response = client.generic("POST", FORM_URL, body, content_type, **extra)
    assert_refused(response, before)
    if kind == "length_over_limit":
        assert response.status_code == 413
        assert "Слишком большой объём данных" in response.text


def test_a_complete_hand_built_body_is_accepted(client):
    # The same helpers build a body the form accepts: the refusals above are about the damage.
    response = client.generic(
        "POST", FORM_URL, multipart(form_parts()), f"multipart/form-data; boundary={BOUNDARY}"
    )
    assert response.status_code == 302
    assert ProblemReport.objects.get().category == category()


@FUZZ
@given(kind=st.sampled_from(MALFORMATIONS), data=st.data(), with_token=st.booleans())
def test_malformed_bodies_with_csrf_checks_are_refused_without_an_error(kind, data, with_token):
    client = Client(enforce_csrf_checks=True)
    client.get(FORM_URL)
    token = client.cookies["csrftoken"].value
    before = stored()
    body, content_type, extra = malformed_request(kind, data.draw)
    if with_token:
        extra["HTTP_X_CSRFTOKEN"] = token
    response = client.generic("POST", FORM_URL, body, content_type, **extra)
    # Without a token Django's CSRF protection answers 403 before the form is read.
    assert response.status_code in (ALLOWED_STATUSES - {302, 303}) | ({403} if not with_token else set())
    assert stored() == before
