"""The resident's report form on the «Решаем вместе» page."""

import re

from crispy_forms.bootstrap import StrictButton
from crispy_forms.helper import FormHelper
from crispy_forms.layout import HTML, Div, Field, Fieldset, Layout
from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.html import conditional_escape, escape, format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from wagtail.models import Locale

from home.i18n import in_source_language

from ..models import ProblemCategory
from ..photos import ACCEPT_ATTRIBUTE, process_photo
from .fields import CategoryChoiceField, MultipleFileInput, PhotosField, ResidentTextField, parse_coordinate

PHONE_CHARACTERS = re.compile(r"[\s()\-.]")
# ASCII digits only: str.isdigit() also takes superscripts and other scripts' digits.
PHONE_DIGITS = re.compile(r"[0-9]{10,15}")


class ReportForm(forms.Form):
    """What a resident fills in to report a problem; errors say, in the resident's language, what to fix."""

    category = CategoryChoiceField(
        label=_("Что случилось?"),
        queryset=ProblemCategory.objects.none(),
        widget=forms.RadioSelect,
        empty_label=None,
        error_messages={
            "required": _("Выберите, к какой категории относится проблема."),
            "invalid_choice": _("Этой категории больше нет. Выберите категорию из списка."),
        },
    )
    description = ResidentTextField(
        label=_("Опишите проблему"),
        min_length=10,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_(
            "Что именно не так и с какого времени. От 10 до 4000 знаков. Не пишите здесь имя, "
            "телефон, почту и номер квартиры: модератор может опубликовать описание на сайте "
            "(без ваших имени и контактов из полей ниже)."
        ),
        error_messages={
            "required": _("Опишите проблему: хотя бы пару слов о том, что случилось."),
            "min_length": _("Опишите проблему подробнее: нужно не меньше 10 знаков, сейчас %(show_value)d."),
            "max_length": _("Сократите описание до 4000 знаков, сейчас %(show_value)d."),
        },
    )
    address = ResidentTextField(
        label=_("Адрес или место"),
        max_length=300,
        help_text=_("Улица и дом или ориентир, например: «ул. Кирова, 5, у второго подъезда»."),
        widget=forms.TextInput(attrs={"autocomplete": "address-line1"}),
        error_messages={
            "required": _("Укажите адрес или место, где мы найдём проблему."),
            "max_length": _("Сократите адрес до 300 знаков, сейчас %(show_value)d."),
        },
    )
    latitude = forms.CharField(
        label=_("Широта"),
        required=False,
        max_length=20,
        help_text=_("Необязательно. Например, 58.1393."),
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
    )
    longitude = forms.CharField(
        label=_("Долгота"),
        required=False,
        max_length=20,
        help_text=_("Необязательно. Например, 52.6580."),
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
    )
    photos = PhotosField(
        label=_("Фото"),
        help_text=_(
            "До 5 снимков в формате JPEG, PNG, WebP или HEIC, каждый не больше 10 МБ. Необязательно."
        ),
        widget=MultipleFileInput(attrs={"accept": ACCEPT_ATTRIBUTE}),
    )
    name = ResidentTextField(
        label=_("Как к вам обращаться"),
        max_length=150,
        help_text=_("Имя или имя и отчество."),
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
        error_messages={
            "required": _("Укажите, как к вам обращаться."),
            "max_length": _("Сократите имя до 150 знаков."),
        },
    )
    email = forms.EmailField(
        label=_("Электронная почта"),
        required=False,
        max_length=254,
        help_text=_("На неё придут номер сообщения и ответ."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        error_messages={"invalid": _("Проверьте адрес почты: он должен быть похож на name@example.ru.")},
    )
    phone = forms.CharField(
        label=_("Телефон"),
        required=False,
        max_length=30,
        help_text=_("Например, +7 912 345-67-89. Нужна почта или телефон, можно и то и другое."),
        widget=forms.TextInput(attrs={"type": "tel", "inputmode": "tel", "autocomplete": "tel"}),
    )
    consent = forms.BooleanField(
        error_messages={
            "required": _("Без согласия на обработку персональных данных мы не можем принять сообщение."),
        },
    )
    # Bots fill every field; people never see this one (see feedback.css).
    website = forms.CharField(
        label=_("Оставьте это поле пустым"),
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    def __init__(self, *args, page, **kwargs):
        super().__init__(*args, **kwargs)
        self.page = page
        self.fields["category"].queryset = page.offered_categories()
        # This language's wording while it translates the current version, else the Russian one.
        text, _version, language = page.shown_consent()
        self.fields["consent"].label = (
            in_source_language(text) if language == settings.LANGUAGE_CODE else conditional_escape(text)
        )
        privacy = page.legal_pages()["privacy"]
        if privacy is not None:
            self.fields["consent"].help_text = format_html(
                '<a href="{}" target="_blank" rel="noopener">{}</a>',
                privacy.get_url(),
                _("Политика обработки персональных данных (откроется в новой вкладке)"),
            )
        self.helper = self.build_helper()

    def build_helper(self):
        helper = FormHelper()
        helper.form_tag = False
        helper.disable_csrf = True  # the template's form tag carries the token
        helper.layout = Layout(
            Fieldset(
                _("Проблема"),
                "category",
                "description",
                "address",
                Fieldset(
                    _("Точка на карте (необязательно)"),
                    HTML(
                        '<p class="form-text">{}</p>'.format(
                            escape(_("Если знаете координаты места, впишите их — так мы найдём его быстрее."))
                        )
                    ),
                    Div(
                        Div("latitude", css_class="col-sm-6"),
                        Div("longitude", css_class="col-sm-6"),
                        css_class="row",
                    ),
                    css_class="feedback-form__coordinates",
                ),
            ),
            "photos",
            Fieldset(_("Как с вами связаться"), "name", "email", "phone"),
            Fieldset(_("Согласие"), "consent"),
            Div(Field("website"), css_class="feedback-trap", aria_hidden="true"),
            # A <button>, not <input type="submit">: its label wraps at large text sizes.
            Div(
                StrictButton(_("Отправить сообщение"), type="submit", css_class="btn btn-primary btn-lg"),
                # After the main button, so Enter in a field still sends the report. Posts the form
                # without saving it: the page comes back with similar open reports, text kept.
                StrictButton(
                    _("Сначала проверить, не сообщили ли об этом уже"),
                    type="submit",
                    name="check_similar",
                    value="1",
                    css_class="btn feedback-form__check",
                ),
                css_class="feedback-form__buttons",
            ),
        )
        return helper

    def clean_latitude(self):
        return parse_coordinate(
            self.cleaned_data.get("latitude"),
            -90,
            90,
            _("Широта — это число от -90 до 90, например 58.1393."),
        )

    def clean_longitude(self):
        return parse_coordinate(
            self.cleaned_data.get("longitude"),
            -180,
            180,
            _("Долгота — это число от -180 до 180, например 52.6580."),
        )

    def clean_phone(self):
        phone = PHONE_CHARACTERS.sub("", self.cleaned_data.get("phone", ""))
        if not phone:
            return ""
        digits = phone[1:] if phone.startswith("+") else phone
        if not PHONE_DIGITS.fullmatch(digits):
            raise ValidationError(
                _("Проверьте номер телефона: нужны только цифры, например +7 912 345-67-89."), code="invalid"
            )
        if len(digits) == 11 and digits[0] == "8":
            digits = "7" + digits[1:]  # the Russian trunk prefix 8 means +7
        elif len(digits) == 10:
            digits = "7" + digits
        return "+" + digits

    def clean_category(self):
        category = self.cleaned_data["category"]
        # Reports are filed under the original (Russian) category whatever language the form is in.
        source_locale = Locale.get_default()
        return category.get_translation_or_none(source_locale) or category

    def clean(self):
        cleaned = super().clean()
        latitude, longitude = cleaned.get("latitude"), cleaned.get("longitude")
        if (
            (latitude is None) != (longitude is None)
            and not self.has_error("latitude")
            and not self.has_error("longitude")
        ):
            missing = "longitude" if latitude is not None else "latitude"
            self.add_error(
                missing, _("Укажите обе координаты — широту и долготу — или оставьте обе пустыми.")
            )
        if (
            not cleaned.get("email")
            and not cleaned.get("phone")
            and not self.has_error("email")
            and not (self.has_error("phone"))
        ):
            self.add_error("email", _("Укажите электронную почту или телефон, чтобы мы могли ответить."))
        self.decode_photos(cleaned)
        return cleaned

    def decode_photos(self, cleaned):
        """Decode and re-encode the photos, only when everything else in the form is valid."""
        checked = cleaned.get("photos") or []
        if not checked or self.errors:
            return
        photos, errors = [], []
        for upload in checked:
            try:
                photos.append(process_photo(upload))
            except ValidationError as error:
                errors.extend(error.messages)
        if errors:
            self.add_error("photos", errors)
        else:
            cleaned["photos"] = photos

    def full_clean(self):
        super().full_clean()
        # A browser never puts files back into a returned form: say so, or the photos chosen with
        # this attempt would silently go missing from the report sent after the corrections.
        chosen = [upload.name for upload in self.files.getlist("photos")] if self.is_bound else []
        if self._errors and chosen and "photos" not in self._errors:
            self.add_error(
                "photos",
                ngettext(
                    "Выбранное фото «%(names)s» не сохранилось: браузер не возвращает файлы в форму. "
                    "Выберите его заново перед отправкой.",
                    "Выбранные фото (%(count)d: %(names)s) не сохранились: браузер не возвращает файлы "
                    "в форму. Выберите их заново перед отправкой.",
                    len(chosen),
                )
                % {"count": len(chosen), "names": ", ".join(chosen)},
            )

    def error_links(self):
        """(anchor, message) for the error summary; a group of radios is reached by its first option."""
        links = [("", error) for error in self.non_field_errors()]
        for field in self:
            anchor = field.id_for_label or (f"{field.auto_id}_0" if field.auto_id else "")
            links.extend((anchor, error) for error in field.errors)
        return links

    @property
    def is_bot(self):
        return bool(self.data.get("website"))
