"""Residents' photos: checked from their headers, decoded within a memory budget, re-encoded clean.

A photo costs memory only when its pixels are decoded, so the form decodes nothing until every
other field is valid (ReportForm.clean) and refuses an image whose header announces more pixels
than the server can afford. The limits fit a 2-core, 4 GB server with every gunicorn worker
decoding at once (docs/security.md, «Загрузка фото и ограничение частоты»):

- a baseline JPEG (what cameras and phones write, MPO included) is decoded by libjpeg already
  reduced to 1/2, 1/4 or 1/8 of its size (Image.draft), so it costs about what the stored photo
  does, whatever its size: FEEDBACK_JPEG_MAX_PIXELS;
- PNG, WebP, HEIC and progressive JPEG (which libjpeg keeps whole as coefficients) are decoded at
  full size: FEEDBACK_PHOTO_MAX_PIXELS, lower.

The stored photo is a new JPEG written from the pixels alone, in sRGB: no EXIF (GPS, camera),
XMP, IPTC, ICC profile, JPEG comment or PNG text is carried over.
"""

import io
import math
import warnings
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from PIL import Image, ImageCms, ImageOps, UnidentifiedImageError

# Pillow's names for the formats residents' phones and cameras produce (MPO: a JPEG with more
# pictures after the first, as many phones write; the first is the photo).
ALLOWED_FORMATS = {"JPEG", "MPO", "PNG", "WEBP", "HEIF"}
REDUCED_ON_DECODE = {"JPEG", "MPO"}
ACCEPT_ATTRIBUTE = "image/jpeg,image/png,image/webp,image/heic,image/heif,.heic,.heif"
SRGB = ImageCms.createProfile("sRGB")
WHITE = {"L": 255, "RGB": (255, 255, 255), "CMYK": (0, 0, 0, 0)}


@dataclass
class CleanPhoto:
    """A photo that passed the checks: JPEG bytes without metadata, and what the resident called it."""

    original_name: str
    content: bytes
    width: int
    height: int


@dataclass
class CheckedUpload:
    """An upload whose header passed the checks; its pixels are not decoded yet."""

    upload: object
    format: str
    width: int
    height: int


def _not_a_photo(name):
    return ValidationError(
        _("Файл «%(name)s» не похож на фотографию. Приложите снимок в формате JPEG, PNG, WebP или HEIC.")
        % {"name": name},
        code="not_image",
    )


def _broken(name):
    return ValidationError(
        _("Файл «%(name)s» повреждён, его не удалось открыть. Попробуйте сделать снимок ещё раз.")
        % {"name": name},
        code="broken",
    )


def _megapixels(pixels):
    return f"{pixels / 1_000_000:.0f}"


def _too_many_pixels(name, width=None, height=None, reduced=True):
    message = _(
        "Файл «%(name)s» слишком большой по размеру изображения: %(width)d × %(height)d точек, "
        "а можно не больше %(limit)s мегапикселей."
    )
    if reduced:
        advice = _("Уменьшите снимок: обычная фотография с телефона в этот предел укладывается.")
        limit = settings.FEEDBACK_JPEG_MAX_PIXELS
    else:
        advice = _(
            "Уменьшите снимок или сохраните его в формате JPEG: для JPEG предел %(jpeg)s мегапикселей."
        )
        limit = settings.FEEDBACK_PHOTO_MAX_PIXELS
    if width is None:  # Pillow refused it before its size could be read
        return ValidationError(
            _("Файл «%(name)s» слишком большой по размеру изображения. Приложите обычный снимок с телефона.")
            % {"name": name},
            code="too_many_pixels",
        )
    values = {
        "name": name,
        "width": width,
        "height": height,
        "limit": _megapixels(limit),
        "jpeg": _megapixels(settings.FEEDBACK_JPEG_MAX_PIXELS),
    }
    return ValidationError(f"{message} {advice}" % values, code="too_many_pixels")


def _opened(upload):
    """Image.open of the upload (reads the header only), with Pillow's bomb warning as an error."""
    upload.seek(0)
    return Image.open(upload)


def reduced_on_decode(image):
    """Whether libjpeg can decode this image already scaled down (baseline JPEG, MPO included)."""
    return image.format in REDUCED_ON_DECODE and not image.info.get("progressive")


def check_photo(upload):
    """Refuse ``upload`` from its size and header alone: too many bytes, not a photo, too many pixels.

    Decodes no pixels. Returns a CheckedUpload; raises ValidationError naming the file and the reason.
    """
    name = upload.name
    max_bytes = settings.FEEDBACK_PHOTO_MAX_BYTES
    if upload.size > max_bytes:
        raise ValidationError(
            _("Файл «%(name)s» слишком большой (%(size)s). Приложите фото не больше %(max)s.")
            % {"name": name, "size": filesizeformat(upload.size), "max": filesizeformat(max_bytes)},
            code="too_big",
        )
    with warnings.catch_warnings():
        # Pillow warns about big images below its own hard limit; treat the warning as a refusal.
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            with _opened(upload) as image:
                if image.format not in ALLOWED_FORMATS:
                    raise _not_a_photo(name)
                width, height = image.size
                reduced = reduced_on_decode(image)
                image_format = image.format
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            raise _too_many_pixels(name) from None
        except UnidentifiedImageError:
            raise _not_a_photo(name) from None
        except ValidationError:
            raise
        except (OSError, ValueError, SyntaxError, EOFError):
            raise _broken(name) from None
    limit = settings.FEEDBACK_JPEG_MAX_PIXELS if reduced else settings.FEEDBACK_PHOTO_MAX_PIXELS
    if width * height > limit:
        raise _too_many_pixels(name, width, height, reduced)
    return CheckedUpload(upload=upload, format=image_format, width=width, height=height)


def process_photo(upload):
    """Check ``upload`` (check_photo), decode it within the limits and return it as a clean JPEG.

    Raises ValidationError with a message naming the file and the reason.
    """
    checked = upload if isinstance(upload, CheckedUpload) else check_photo(upload)
    name = checked.upload.name
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            with _opened(checked.upload) as image:
                clean = _normalise(image)
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            raise _too_many_pixels(name) from None
        except UnidentifiedImageError:
            raise _not_a_photo(name) from None
        except (OSError, ValueError, SyntaxError, EOFError, ImageCms.PyCMSError):
            raise _broken(name) from None
    buffer = io.BytesIO()
    # Written from pixels only: the new image has no info, so no EXIF, XMP, ICC or comment goes with it.
    clean.save(buffer, "JPEG", quality=85, optimize=True)
    return CleanPhoto(
        original_name=name[:255], content=buffer.getvalue(), width=clean.width, height=clean.height
    )


def _target_size(width, height):
    longest = settings.FEEDBACK_PHOTO_MAX_SIDE
    scale = min(1.0, longest / max(width, height))
    return max(1, math.ceil(width * scale)), max(1, math.ceil(height * scale))


def _normalise(image):
    """The photo as a small, upright sRGB image with no metadata. Memory: the decoded image once,
    at the size libjpeg reduced it to for a baseline JPEG, and copies of the small one."""
    icc_profile = image.info.get("icc_profile")
    longest = settings.FEEDBACK_PHOTO_MAX_SIDE
    if reduced_on_decode(image):
        # Decode at the smallest 1/2, 1/4 or 1/8 scale still at least as large as the stored photo.
        image.draft(image.mode, _target_size(*image.size))
    image.load()
    image = _resizable(image)
    # Shrink first, then rotate and convert: each later copy is of the small image.
    image.thumbnail((longest, longest), Image.Resampling.LANCZOS)
    # Apply the camera's rotation before EXIF is dropped, so the photo stays the right way up.
    image = ImageOps.exif_transpose(image)
    image = _flattened(image)
    image = _in_srgb(image, icc_profile)
    clean = Image.new("RGB", image.size)
    clean.paste(image)
    return clean


def _resizable(image):
    """An image in a mode Pillow resizes smoothly (palettes, 1-bit and 16-bit greys are not)."""
    if image.mode in ("RGB", "RGBA", "L", "LA", "CMYK"):
        return image
    if image.mode == "P":
        return image.convert("RGBA" if "transparency" in image.info else "RGB")
    if image.mode.startswith("I") or image.mode == "F":
        # 16-bit greys: scale 0…65535 to 0…255 rather than clip everything above 255 to white.
        return image.convert("I").point(lambda value: value / 256).convert("L")
    return image.convert("RGBA" if "A" in image.mode else "RGB")


def _flattened(image):
    """Transparent parts over white, in the image's own colour space (L, RGB or CMYK)."""
    if image.mode not in ("RGBA", "LA"):
        return image
    base = "L" if image.mode == "LA" else "RGB"
    background = Image.new(base, image.size, WHITE[base])
    background.paste(image.convert(base), mask=image.getchannel("A"))
    return background


def _in_srgb(image, icc_profile):
    """RGB in sRGB: colours converted from the embedded profile (Display P3, Adobe RGB, CMYK)."""
    if icc_profile:
        try:
            source = ImageCms.ImageCmsProfile(io.BytesIO(icc_profile))
            return ImageCms.profileToProfile(image, source, SRGB, outputMode="RGB")
        except (ImageCms.PyCMSError, OSError, ValueError, TypeError):
            pass  # a broken or mismatched profile: the plain conversion below
    return image.convert("RGB")


def public_copy(handle):
    """A photo for the public site from a stored private one: pixels only, re-encoded as a new JPEG.

    The private photo is already clean (process_photo); this is a second, independent guarantee that
    nothing but pixels (no EXIF, XMP, ICC profile or comment) reaches public media.
    """
    with Image.open(handle) as image:
        image.load()
        pixels = Image.new("RGB", image.size)
        pixels.paste(image.convert("RGB"))
    buffer = io.BytesIO()
    pixels.save(buffer, "JPEG", quality=80, optimize=True)
    return buffer.getvalue()
