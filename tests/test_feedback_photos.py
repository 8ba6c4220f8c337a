"""Residents' photos: decoded not trusted by name, size and bomb limits, EXIF/GPS removed, private storage."""

import io
import os
import stat
from pathlib import Path

import pytest
from django.conf import settings
from django.core.cache import cache
from PIL import Image

from feedback.models import ProblemReport
from tests.feedback_helpers import FORM_URL, form_data, image_bytes, make_report, staff_user, upload

pytestmark = pytest.mark.django_db

GPS_IFD = 0x8825


@pytest.fixture(autouse=True)
def fresh_rate_limit():
    cache.clear()


def exif_with_gps():
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # camera make
    exif[0x0112] = 6  # orientation: rotate 90° clockwise to display
    exif[GPS_IFD] = {1: "N", 2: (58.0, 8.0, 21.0), 3: "E", 4: (52.0, 39.0, 29.0)}
    return exif


def post_with(client, *files, **overrides):
    return client.post(FORM_URL, {**form_data(**overrides), "photos": list(files)})


def stored_image(report):
    photo = report.photos.get()
    with photo.image.open("rb") as handle:
        data = handle.read()
    return photo, Image.open(io.BytesIO(data))


def test_photo_is_reencoded_without_exif_and_gps_and_turned_upright(client):
    original = image_bytes(size=(400, 300), exif=exif_with_gps())
    assert Image.open(io.BytesIO(original)).getexif().get_ifd(GPS_IFD)  # the upload does carry GPS

    response = post_with(client, upload("IMG_0001.jpg", original))
    assert response.status_code == 302
    photo, image = stored_image(ProblemReport.objects.get())
    assert image.format == "JPEG"
    assert not image.getexif()  # no EXIF at all: no GPS, no camera, no orientation
    assert b"PhoneMaker" not in photo.image.open("rb").read()
    assert image.size == (300, 400)  # the camera's rotation was applied before EXIF was dropped
    assert photo.original_name == "IMG_0001.jpg"


@pytest.mark.parametrize(
    ("name", "fmt", "mode"),
    [("a.png", "PNG", "RGBA"), ("b.webp", "WEBP", "RGB"), ("c.heic", "HEIF", "RGB"), ("d.jpg", "JPEG", "L")],
)
def test_png_webp_heic_and_greyscale_photos_are_accepted(client, name, fmt, mode):
    color = (10, 120, 200, 128) if mode == "RGBA" else (90 if mode == "L" else (10, 120, 200))
    response = post_with(client, upload(name, image_bytes(fmt, size=(120, 90), color=color, mode=mode)))
    assert response.status_code == 302, response.context["form"].errors
    _photo, image = stored_image(ProblemReport.objects.get())
    assert image.format == "JPEG" and image.mode == "RGB" and image.size == (120, 90)


def test_large_photo_is_downscaled(client, settings):
    settings.FEEDBACK_PHOTO_MAX_SIDE = 800
    post_with(client, upload("big.jpg", image_bytes(size=(3000, 1500))))
    photo, image = stored_image(ProblemReport.objects.get())
    assert image.size == (800, 400)
    assert (photo.width, photo.height) == (800, 400)


def assert_refused_keeping_the_rest(response, message):
    assert response.status_code == 200
    errors = response.context["form"].errors["photos"]
    assert any(message in error for error in errors), errors
    assert message.split("«")[0] in response.text
    assert 'value="ул. Кирова, 5"' in response.text  # everything else typed stays
    assert 'value="Мария Иванова"' in response.text
    assert ProblemReport.objects.count() == 0


def test_renamed_non_image_is_refused_by_its_content_naming_the_file(client):
    fake = upload("fonar.jpg", b"%PDF-1.4 this is not a photo at all" * 50, "image/jpeg")
    response = post_with(client, fake)
    assert_refused_keeping_the_rest(response, "Файл «fonar.jpg» не похож на фотографию")


def test_image_in_a_format_not_allowed_is_refused(client):
    gif = upload("anim.jpg", image_bytes("GIF", size=(10, 10), mode="P", color=1), "image/jpeg")
    assert_refused_keeping_the_rest(post_with(client, gif), "Файл «anim.jpg» не похож на фотографию")


def test_truncated_jpeg_is_refused_as_broken(client):
    broken = upload("broken.jpg", image_bytes(size=(800, 600))[:600])
    assert_refused_keeping_the_rest(post_with(client, broken), "Файл «broken.jpg» повреждён")


def test_twenty_megabyte_file_is_refused_naming_the_file_and_the_limit(client):
    huge = upload("huge.jpg", image_bytes(size=(64, 64)) + b"\0" * (20 * 1024 * 1024))
    response = post_with(client, huge)
    assert_refused_keeping_the_rest(response, "Файл «huge.jpg» слишком большой (20,0")
    assert "не больше 10,0" in response.text


def test_decompression_bomb_is_refused_without_decoding_it(client):
    # 30000 × 30000 pixels of one colour: a few hundred kilobytes that would need gigabytes of memory.
    buffer = io.BytesIO()
    Image.MAX_IMAGE_PIXELS, previous = None, Image.MAX_IMAGE_PIXELS
    try:
        Image.new("1", (30000, 30000)).save(buffer, "PNG")
    finally:
        Image.MAX_IMAGE_PIXELS = previous
    assert buffer.tell() < settings.FEEDBACK_PHOTO_MAX_BYTES
    response = post_with(client, upload("bomb.png", buffer.getvalue(), "image/png"))
    assert_refused_keeping_the_rest(response, "Файл «bomb.png» слишком большой по размеру изображения")


def test_only_the_bad_file_is_named_when_one_of_several_fails(client):
    response = post_with(client, upload("good.jpg"), upload("bad.jpg", b"not an image", "image/jpeg"))
    errors = response.context["form"].errors["photos"]
    assert errors == [
        "Файл «bad.jpg» не похож на фотографию. Приложите снимок в формате JPEG, PNG, WebP или HEIC."
    ]


def test_more_than_five_photos_are_refused(client):
    response = post_with(client, *[upload(f"p{index}.jpg") for index in range(6)])
    assert_refused_keeping_the_rest(response, "Можно приложить не больше 5 фото, а выбрано 6")


def test_five_photos_are_stored_in_order(client):
    assert post_with(client, *[upload(f"p{index}.jpg") for index in range(5)]).status_code == 302
    names = list(ProblemReport.objects.get().photos.values_list("original_name", flat=True))
    assert names == [f"p{index}.jpg" for index in range(5)]


def test_photos_are_stored_outside_public_media_under_random_names():
    report = make_report(photos=1)
    photo = report.photos.get()
    path = photo.image.path
    assert path.startswith(str(settings.FEEDBACK_PRIVATE_ROOT))
    assert not path.startswith(str(settings.MEDIA_ROOT))
    assert "yama" not in path
    with pytest.raises(ValueError):
        photo.image.url  # noqa: B018 - there is no public URL to build


@pytest.fixture
def usual_umask():
    """A process without systemd's UMask=0027: what `manage.py runserver` or a hand-started gunicorn has."""
    previous = os.umask(0o022)
    yield
    os.umask(previous)


def test_photos_sent_through_the_form_are_readable_by_the_site_only(client, usual_umask):
    """Another user of the server (nginx, a colleague's account) can read neither a photo nor its folder."""
    assert post_with(client, upload("yama.jpg")).status_code == 302
    path = Path(ProblemReport.objects.get().photos.get().image.path)
    root = Path(settings.FEEDBACK_PRIVATE_ROOT)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    folders = [folder for folder in path.parents if folder.is_relative_to(root) and folder != root]
    assert folders, "photos are kept in dated folders under FEEDBACK_PRIVATE_ROOT"
    assert {str(folder.relative_to(root)): stat.S_IMODE(folder.stat().st_mode) for folder in folders} == {
        str(folder.relative_to(root)): 0o700 for folder in folders
    }


def test_public_uploads_stay_readable_by_nginx_under_the_units_umask(tmp_path, settings):
    """The unit's UMask=0027 must not close /media/ to nginx, another user: uploads are opened on purpose."""
    from django.core.files.base import ContentFile
    from django.core.files.storage import FileSystemStorage

    settings.MEDIA_ROOT = tmp_path
    previous = os.umask(0o027)
    try:
        name = FileSystemStorage().save("original_images/2026/pic.jpg", ContentFile(image_bytes()))
    finally:
        os.umask(previous)
    assert stat.S_IMODE((tmp_path / name).stat().st_mode) == 0o644
    assert stat.S_IMODE((tmp_path / "original_images" / "2026").stat().st_mode) == 0o755


def test_photo_is_served_to_moderators_only(client):
    photo = make_report(photos=1).photos.get()
    url = photo.get_admin_url()
    assert url.startswith("/admin/")
    assert client.get(url).status_code == 302  # to the login page
    for username, group in (("author1", "Авторы"), ("editor1", "Редакторы"), ("translator1", "Переводчики")):
        client.force_login(staff_user(username, group))
        refused = client.get(url)
        assert (
            refused.status_code == 302 and refused.headers["Location"] == "/admin/"
        )  # Wagtail's "no access"
    client.force_login(staff_user("moderator1", "Модераторы обращений"))
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert "no-store" in response["Cache-Control"]
    assert Image.open(io.BytesIO(b"".join(response.streaming_content))).format == "JPEG"
    assert client.get(f"/media/{photo.image.name}").status_code == 404


def test_photos_chosen_with_a_form_that_failed_elsewhere_are_asked_for_again(client):
    """The browser cannot put files back into the returned form: the resident is told, not left
    to send the corrected report without them."""
    response = post_with(client, upload("yama.jpg"), upload("yama-2.jpg"), address="")
    assert response.status_code == 200
    assert not ProblemReport.objects.exists()
    form = response.context["form"]
    assert "address" in form.errors
    message = (
        "Выбранные фото (2: yama.jpg, yama-2.jpg) не сохранились: браузер не возвращает файлы в форму. "
        "Выберите их заново перед отправкой."
    )
    assert form.errors["photos"] == [message]
    assert ("id_photos", message) in form.error_links()
    assert response.context["form"]["description"].value() == form_data()["description"]

    one = post_with(client, upload("fonar.jpg"), address="").context["form"].errors["photos"]
    assert one == [
        "Выбранное фото «fonar.jpg» не сохранилось: браузер не возвращает файлы в форму. "
        "Выберите его заново перед отправкой."
    ]
    without_photos = client.post(FORM_URL, form_data(address=""))
    assert "photos" not in without_photos.context["form"].errors
