"""Photo uploads cannot exhaust the server: nothing is decoded until the rest of the form is valid,
header limits refuse huge images before decoding, baseline JPEGs are decoded reduced, every post
with files counts towards a limit; phones' MPO photos are accepted; no metadata is kept."""

import io
import re
import struct

import pytest
from PIL import Image, ImageCms, ImageFile, PngImagePlugin

from feedback.models import ProblemReport, RateLimitEvent
from tests.feedback_helpers import FORM_URL, form_data, image_bytes, upload

pytestmark = pytest.mark.django_db

SECRET = "GPS 58.1393N 52.6580E kv 12"


@pytest.fixture
def decoded(monkeypatch):
    """(format, size) of every image whose pixels Pillow decodes, at the size it decodes them."""
    seen = []
    original = ImageFile.ImageFile.load

    def load(self):
        if self.tile:  # not yet decoded
            seen.append((self.format, self.size))
        return original(self)

    monkeypatch.setattr(ImageFile.ImageFile, "load", load)
    return seen


def post_with(client, *files, **overrides):
    return client.post(FORM_URL, {**form_data(**overrides), "photos": list(files)})


def stored_bytes(report):
    photo = report.photos.get()
    with photo.image.open("rb") as handle:
        return handle.read()


def big_png(side):
    """A PNG of side × side pixels that is only a few hundred kilobytes (1-bit, one colour)."""
    buffer = io.BytesIO()
    Image.new("1", (side, side)).save(buffer, "PNG")
    return buffer.getvalue()


# ---------------------------------------------------------------- decoding only a valid form


def test_photos_are_not_decoded_when_another_field_is_invalid(client, decoded):
    photos = [upload(f"p{index}.jpg", image_bytes(size=(800, 600))) for index in range(5)]
    response = post_with(client, *photos, consent=None)
    assert response.status_code == 200
    assert "consent" in response.context["form"].errors
    assert decoded == []  # the headers were read, no pixels
    assert ProblemReport.objects.count() == 0

    assert post_with(client, upload("p.jpg", image_bytes(size=(800, 600)))).status_code == 302
    assert decoded == [("JPEG", (800, 600))]


def test_header_errors_are_reported_with_the_other_fields_errors(client, decoded):
    response = post_with(client, upload("fake.jpg", b"not an image at all", "image/jpeg"), address="")
    errors = response.context["form"].errors
    assert "address" in errors
    assert any("«fake.jpg» не похож на фотографию" in error for error in errors["photos"])
    assert decoded == []


# ---------------------------------------------------------------- pixel limits from the header


def test_png_of_issue_12_is_refused_from_its_header_keeping_the_form(client, decoded):
    # 7745 × 7745: 60 megapixels, a few hundred kilobytes; once accepted and decoded five times over.
    response = post_with(client, upload("plan.png", big_png(7745), "image/png"))
    assert response.status_code == 200
    errors = response.context["form"].errors["photos"]
    assert errors == [
        "Файл «plan.png» слишком большой по размеру изображения: 7745 × 7745 точек, а можно не больше "
        "25 мегапикселей. Уменьшите снимок или сохраните его в формате JPEG: для JPEG предел 80 "
        "мегапикселей."
    ]
    assert "7745 × 7745 точек" in response.text
    assert 'value="ул. Кирова, 5"' in response.text  # the rest stays filled
    assert 'value="Мария Иванова"' in response.text
    assert decoded == []
    assert ProblemReport.objects.count() == 0


def test_jpeg_over_its_own_limit_is_refused_from_its_header(client, settings, decoded):
    settings.FEEDBACK_JPEG_MAX_PIXELS = 1_000_000
    response = post_with(client, upload("huge.jpg", image_bytes(size=(1200, 1000))))
    assert response.context["form"].errors["photos"] == [
        "Файл «huge.jpg» слишком большой по размеру изображения: 1200 × 1000 точек, а можно не больше "
        "1 мегапикселей. Уменьшите снимок: обычная фотография с телефона в этот предел укладывается."
    ]
    assert decoded == []


def test_progressive_jpeg_has_the_lower_limit_of_images_decoded_whole(client, settings, decoded):
    settings.FEEDBACK_PHOTO_MAX_PIXELS = 500_000
    buffer = io.BytesIO()
    Image.new("RGB", (1000, 600), (200, 30, 30)).save(buffer, "JPEG", progressive=True)
    response = post_with(client, upload("progressive.jpg", buffer.getvalue()))
    assert (
        "слишком большой по размеру изображения: 1000 × 600" in response.context["form"].errors["photos"][0]
    )
    # The same picture as a baseline JPEG is decoded reduced, so it passes.
    assert post_with(client, upload("baseline.jpg", image_bytes(size=(1000, 600)))).status_code == 302


def test_baseline_jpeg_is_decoded_already_reduced(client, decoded):
    # 6000 × 4000, stored at most 2560 wide: libjpeg decodes it at 1/2 (3000 × 2000), a quarter of the memory.
    response = post_with(client, upload("camera.jpg", image_bytes(size=(6000, 4000))))
    assert response.status_code == 302
    assert decoded == [("JPEG", (3000, 2000))]
    photo = ProblemReport.objects.get().photos.get()
    assert (photo.width, photo.height) == (2560, 1707)


# ---------------------------------------------------------------- every post with files counts


def test_every_post_with_photos_counts_even_refused_ones(client, settings, decoded):
    settings.FEEDBACK_UPLOAD_RATE_LIMIT = (3, 600)
    for _attempt in range(3):
        refused = post_with(client, upload("p.jpg"), consent=None)
        assert refused.status_code == 200
    assert RateLimitEvent.objects.filter(kind="upload").count() == 3
    response = post_with(client, upload("p.jpg"))
    assert response.status_code == 429
    assert "много раз отправляли форму с фото. Подождите 10 минут" in response.text
    assert 'value="ул. Кирова, 5"' in response.text
    assert decoded == []
    assert ProblemReport.objects.count() == 0
    # A report without photos is still taken (a limit of its own); another client is not affected.
    assert client.post(FORM_URL, form_data()).status_code == 302
    other = client.post(FORM_URL, {**form_data(), "photos": [upload("p.jpg")]}, REMOTE_ADDR="10.0.0.9")
    assert other.status_code == 302


def test_posts_without_files_do_not_count_towards_the_photo_limit(client, settings):
    settings.FEEDBACK_UPLOAD_RATE_LIMIT = (1, 600)
    for _attempt in range(3):
        assert client.post(FORM_URL, form_data(consent=None)).status_code == 200
    assert not RateLimitEvent.objects.filter(kind="upload").exists()


# ---------------------------------------------------------------- MPO


def mpo_bytes():
    buffer = io.BytesIO()
    first = Image.new("RGB", (320, 240), (200, 30, 30))
    second = Image.new("RGB", (160, 120), (30, 30, 200))
    first.save(buffer, "MPO", save_all=True, append_images=[second])
    return buffer.getvalue()


def test_multi_picture_jpeg_from_a_phone_is_accepted_as_its_first_picture(client):
    data = mpo_bytes()
    with Image.open(io.BytesIO(data)) as original:
        assert original.format == "MPO" and original.n_frames == 2  # a real MPO, as phones write
    response = post_with(client, upload("IMG_0002.jpg", data))
    assert response.status_code == 302, response.context["form"].errors
    with Image.open(io.BytesIO(stored_bytes(ProblemReport.objects.get()))) as stored:
        assert stored.format == "JPEG" and stored.size == (320, 240)
        red, green, blue = stored.getpixel((160, 120))
        assert red > 150 and green < 80 and blue < 80  # the first picture, not the second


# ---------------------------------------------------------------- metadata


def jpeg_markers(data):
    """The markers of a JPEG up to its image data (SOS)."""
    markers, at = [], 2
    while at < len(data):
        assert data[at] == 0xFF
        marker = data[at + 1]
        markers.append(marker)
        if marker == 0xDA:
            return markers
        (length,) = struct.unpack(">H", data[at + 2 : at + 4])
        at += 2 + length
    return markers


def iptc_segment():
    """An APP13 Photoshop segment with one IPTC record (2:120, the caption)."""
    caption = SECRET.encode()
    record = b"\x1c\x02\x78" + struct.pack(">H", len(caption)) + caption
    block = b"8BIM\x04\x04\x00\x00" + struct.pack(">I", len(record)) + record
    payload = b"Photoshop 3.0\x00" + block
    return b"\xff\xed" + struct.pack(">H", len(payload) + 2) + payload


def metadata_jpeg():
    exif = Image.Exif()
    exif[0x010E] = SECRET  # image description
    xmp = f'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:Description>{SECRET}</rdf:Description></x:xmpmeta>'
    buffer = io.BytesIO()
    Image.new("RGB", (120, 90), (200, 30, 30)).save(
        buffer,
        "JPEG",
        exif=exif,
        comment=SECRET,
        xmp=xmp.encode(),
        icc_profile=ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes(),
        extra=iptc_segment(),
    )
    data = buffer.getvalue()
    for needle in (b"\xff\xfe", b"Exif\x00\x00", b"http://ns.adobe.com/xap/1.0/", b"ICC_PROFILE", b"8BIM"):
        assert needle in data  # the upload does carry each kind
    return data


def metadata_png():
    info = PngImagePlugin.PngInfo()
    info.add_text("comment", SECRET)  # tEXt
    info.add_text("Location", SECRET, zip=True)  # zTXt
    info.add_itxt("Description", SECRET, lang="ru", tkey="Описание")  # iTXt
    buffer = io.BytesIO()
    Image.new("RGB", (120, 90), (200, 30, 30)).save(buffer, "PNG", pnginfo=info)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("name", "make"), [("with-metadata.jpg", metadata_jpeg), ("with-metadata.png", metadata_png)]
)
def test_stored_photo_keeps_no_metadata_at_all(client, name, make):
    response = post_with(client, upload(name, make(), "image/png" if name.endswith("png") else "image/jpeg"))
    assert response.status_code == 302, response.context["form"].errors
    data = stored_bytes(ProblemReport.objects.get())
    assert SECRET.encode() not in data
    assert b"58.1393" not in data
    # SOI, then only JFIF (APP0), tables, the frame and the scan: no APP1 (EXIF, XMP), APP2 (ICC),
    # APP13 (IPTC) or COM (comment).
    assert set(jpeg_markers(data)) <= {0xE0, 0xDB, 0xC0, 0xC4, 0xDA}
    with Image.open(io.BytesIO(data)) as stored:
        leaked = {"comment", "exif", "icc_profile", "xmp", "photoshop", "Location", "Description"}
        assert not leaked & set(stored.info)
        assert not stored.getexif()


def swapped_profile():
    """An RGB profile whose red and green primaries are sRGB's swapped: its red is sRGB's green."""
    data = bytearray(ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes())
    (count,) = struct.unpack(">I", data[128:132])
    entries = {bytes(data[132 + 12 * i : 136 + 12 * i]): 132 + 12 * i for i in range(count)}
    red, green = entries[b"rXYZ"], entries[b"gXYZ"]
    data[red + 4 : red + 12], data[green + 4 : green + 12] = (
        data[green + 4 : green + 12],
        data[red + 4 : red + 12],
    )
    return bytes(data)


def test_colours_of_a_photo_in_another_colour_space_are_converted_to_srgb(client):
    buffer = io.BytesIO()
    Image.new("RGB", (120, 90), (220, 20, 20)).save(buffer, "JPEG", quality=95, icc_profile=swapped_profile())
    assert post_with(client, upload("wide-gamut.jpg", buffer.getvalue())).status_code == 302
    data = stored_bytes(ProblemReport.objects.get())
    assert not re.search(b"ICC_PROFILE", data)
    with Image.open(io.BytesIO(data)) as stored:
        red, green, blue = stored.getpixel((60, 45))
    # What the resident's phone showed: green (dropping the profile alone would have stored red).
    assert green > 150 and red < 80 and blue < 80
