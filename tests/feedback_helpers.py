"""Helpers the «Решаем вместе» tests share: form data, images, reports and staff users."""

import io

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from feedback.models import FeedbackPage, ProblemCategory
from feedback.photos import CleanPhoto
from feedback.services import create_report

FORM_URL = "/ru/feedback/"


def feedback_page(language_code="ru"):
    return FeedbackPage.objects.get(slug="feedback", locale__language_code=language_code)


def category(name="Уличное освещение"):
    return ProblemCategory.objects.get(name=name, locale__language_code="ru")


def form_data(**overrides):
    data = {
        "category": category().pk,
        "description": "Не горит фонарь у дома 5 уже неделю, вечером очень темно.",
        "address": "ул. Кирова, 5",
        "latitude": "",
        "longitude": "",
        "name": "Мария Иванова",
        "email": "maria@example.org",
        "phone": "",
        "consent": "on",
        "website": "",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def image_bytes(fmt="JPEG", size=(640, 480), color=(200, 30, 30), exif=None, mode="RGB"):
    buffer = io.BytesIO()
    image = Image.new(mode, size, color)
    kwargs = {"exif": exif} if exif is not None else {}
    image.save(buffer, fmt, **kwargs)
    return buffer.getvalue()


def upload(name="photo.jpg", content=None, content_type="image/jpeg"):
    return SimpleUploadedFile(
        name, content if content is not None else image_bytes(), content_type=content_type
    )


def make_report(page=None, language="ru", photos=0, **overrides):
    """A report saved the way the form saves one."""
    page = page or feedback_page()
    data = {
        "category": category(),
        "description": "Яма на дороге у остановки, машины объезжают по встречной.",
        "address": "ул. Ленина, 12",
        "latitude": None,
        "longitude": None,
        "name": "Пётр Сидоров",
        "email": "petr@example.org",
        "phone": "+79123456789",
        "photos": [
            CleanPhoto(f"yama-{index}.jpg", image_bytes(size=(64, 48)), 64, 48) for index in range(photos)
        ],
    }
    data.update(overrides)
    return create_report(page, data, language)


def staff_user(username, group_name=None, superuser=False):
    user = get_user_model().objects.create_user(
        username=username,
        password="secret-password",
        email=f"{username}@example.org",
        first_name=username.capitalize(),
        is_superuser=superuser,
        is_staff=superuser,
    )
    if group_name:
        user.groups.add(Group.objects.get(name=group_name))
    return user
