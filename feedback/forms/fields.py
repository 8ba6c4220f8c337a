"""Fields of the resident's report form: typed text, photos, categories, coordinates."""

from decimal import Decimal, InvalidOperation

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.html import format_html
from django.utils.translation import ngettext

from home.spreadsheet import CONTROL_CHARACTERS

from ..models.categories import translations_by_key
from ..photos import check_photo


class ResidentTextField(forms.CharField):
    """Text a resident types, with control characters turned into spaces before it is checked."""

    def to_python(self, value):
        value = super().to_python(value)
        return CONTROL_CHARACTERS.sub(" ", value).strip() if value else value


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class PhotosField(forms.FileField):
    """Several photos in one file input, checked from their size and headers; errors name the file.

    Cleans to CheckedUpload objects: the pixels are decoded by ReportForm.clean, once every other
    field is valid, so a form refused for another reason costs no image memory.
    """

    widget = MultipleFileInput

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        files = [item for item in (data if isinstance(data, list | tuple) else [data]) if item]
        limit = settings.FEEDBACK_MAX_PHOTOS
        if len(files) > limit:
            raise ValidationError(
                ngettext(
                    "Можно приложить не больше %(limit)d фото, а выбрано %(count)d. Оставьте самые важные.",
                    "Можно приложить не больше %(limit)d фото, а выбрано %(count)d. Оставьте самые важные.",
                    limit,
                )
                % {"limit": limit, "count": len(files)},
                code="too_many",
            )
        checked, errors = [], []
        for upload in files:
            try:
                checked.append(check_photo(upload))
            except ValidationError as error:
                errors.extend(error.messages)
        if errors:
            raise ValidationError(errors)
        return checked


class CategoryChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        # The names in the visitor's language, read for every category at once.
        if getattr(self, "_translations", (None,))[0] is not self.queryset:
            self._translations = (self.queryset, translations_by_key(self.queryset))
        localized = self._translations[1].get(obj.translation_key, obj)
        if localized.description:
            return format_html(
                '{}<span class="form-text d-block">{}</span>', localized.name, localized.description
            )
        return localized.name


def parse_coordinate(value, low, high, message):
    value = (value or "").strip().replace(",", ".")
    if not value:
        return None
    try:
        number = Decimal(value)
    except InvalidOperation:
        raise ValidationError(message, code="invalid") from None
    if not number.is_finite() or not low <= number <= high:
        raise ValidationError(message, code="out_of_range")
    return number.quantize(Decimal("0.000001"))
