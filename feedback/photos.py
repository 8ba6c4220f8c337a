"""Check residents' photos by decoding them, and re-encode them small and without metadata."""

import io
import warnings
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

# Pillow's names for the formats residents' phones and cameras produce.
ALLOWED_FORMATS = {"JPEG", "PNG", "WEBP", "HEIF"}
ACCEPT_ATTRIBUTE = "image/jpeg,image/png,image/webp,image/heic,image/heif,.heic,.heif"


@dataclass
class CleanPhoto:
    """A photo that passed the checks: JPEG bytes with no EXIF, and what the resident called it."""

    original_name: str
    content: bytes
    width: int
    height: int


def process_photo(upload):
    """Decode ``upload``, refuse anything that is not a sane photo, return a clean JPEG.

    Raises ValidationError with a message naming the file and the reason.
    """
    name = upload.name
    max_bytes = settings.FEEDBACK_PHOTO_MAX_BYTES
    if upload.size > max_bytes:
        raise ValidationError(
            _("Файл «%(name)s» слишком большой (%(size)s). Приложите фото не больше %(max)s.")
            % {"name": name, "size": filesizeformat(upload.size), "max": filesizeformat(max_bytes)},
            code="too_big",
        )
    not_a_photo = ValidationError(
        _("Файл «%(name)s» не похож на фотографию. Приложите снимок в формате JPEG, PNG, WebP или HEIC.")
        % {"name": name},
        code="not_image",
    )
    upload.seek(0)
    with warnings.catch_warnings():
        # Pillow only warns about big images below its hard limit; treat the warning as a refusal.
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            with Image.open(upload) as image:
                if image.format not in ALLOWED_FORMATS:
                    raise not_a_photo
                width, height = image.size
                if width * height > settings.FEEDBACK_PHOTO_MAX_PIXELS:
                    raise _too_many_pixels(name)
                image.load()
                clean = _normalise(image)
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            raise _too_many_pixels(name) from None
        except UnidentifiedImageError:
            raise not_a_photo from None
        except ValidationError:
            raise
        except (OSError, ValueError, SyntaxError, EOFError):
            raise ValidationError(
                _("Файл «%(name)s» повреждён, его не удалось открыть. Попробуйте сделать снимок ещё раз.")
                % {"name": name},
                code="broken",
            ) from None
    buffer = io.BytesIO()
    # A fresh JPEG written from pixels only: EXIF (GPS, camera, time) is not carried over.
    clean.save(buffer, "JPEG", quality=85, optimize=True)
    return CleanPhoto(
        original_name=name[:255], content=buffer.getvalue(), width=clean.width, height=clean.height
    )


def _too_many_pixels(name):
    return ValidationError(
        _("Файл «%(name)s» слишком большой по размеру изображения. Приложите обычный снимок с телефона.")
        % {"name": name},
        code="too_many_pixels",
    )


def _normalise(image):
    # Apply the camera's rotation before EXIF is dropped, so the photo stays the right way up.
    image = ImageOps.exif_transpose(image)
    if image.mode not in ("RGB", "L"):
        background = Image.new("RGB", image.size, "white")
        rgba = image.convert("RGBA")
        background.paste(rgba, mask=rgba.getchannel("A"))
        image = background
    elif image.mode == "L":
        image = image.convert("RGB")
    longest = settings.FEEDBACK_PHOTO_MAX_SIDE
    image.thumbnail((longest, longest), Image.Resampling.LANCZOS)
    return image
