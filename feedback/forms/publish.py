"""The moderator's form that publishes a report on the site (or takes it off)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from home.spreadsheet import clean_typed_text

from .. import personal_data


class PublishReportForm(forms.Form):
    """What the site will show of a report: the public text, the place, the photos marked public.

    The text comes prefilled from the resident's description with likely personal data replaced by
    «[скрыто]»; what still looks like personal data in it (or in the answer) is listed above the
    form, and publishing it needs the moderator's explicit confirmation.
    """

    public_text = forms.CharField(
        label=_("Текст для сайта"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_(
            "Так описание увидят все посетители сайта. Уберите имена, телефоны, адреса почты, номера "
            "квартир и всё, по чему можно узнать жителя."
        ),
        error_messages={"required": _("Напишите текст для сайта: без него сообщение не опубликовать.")},
    )
    public_address = forms.CharField(
        label=_("Место для сайта"),
        max_length=300,
        help_text=_(
            "Улица и дом или ориентир, без номера квартиры. Координаты на сайте округляются до 100 м."
        ),
        error_messages={"required": _("Укажите место для сайта: улицу и дом или ориентир.")},
    )
    public_photos = forms.MultipleChoiceField(
        label=_("Фото на сайте"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "Отметьте только снимки, на которых нет людей, номеров машин, окон квартир и документов. "
            "На сайт попадёт новая копия снимка без метаданных."
        ),
    )
    confirm = forms.BooleanField(
        label=_("Я проверил(а): в тексте, месте и ответе нет персональных данных"),
        required=False,
    )

    def __init__(self, *args, report, **kwargs):
        self.report = report
        initial = {
            "public_text": report.public_text or personal_data.redact(report.description, report),
            "public_address": report.public_address or report.address,
            "public_photos": [str(photo.pk) for photo in report.photos.all() if photo.is_public],
        }
        super().__init__(*args, initial=initial, **kwargs)
        self.fields["public_photos"].choices = [
            (str(photo.pk), _("Фото %(number)d") % {"number": number})
            for number, photo in enumerate(report.photos.all(), start=1)
        ]
        if not self.fields["public_photos"].choices:
            del self.fields["public_photos"]

    def findings(self):
        """[(field label, Finding)] of what looks like personal data in what the site would show."""
        data = self.cleaned_data if hasattr(self, "cleaned_data") else {}
        values = {
            _("Текст для сайта"): data.get("public_text", self["public_text"].value()),
            _("Место для сайта"): data.get("public_address", self["public_address"].value()),
            _("Ответ жителю (он тоже виден на сайте)"): self.report.public_answer,
        }
        return [
            (label, finding)
            for label, text in values.items()
            for finding in personal_data.find(text or "", self.report)
        ]

    def clean(self):
        cleaned = super().clean()
        for name in ("public_text", "public_address"):
            if isinstance(cleaned.get(name), str):
                cleaned[name] = clean_typed_text(cleaned[name]).strip()
        if not self.errors and self.findings() and not cleaned.get("confirm"):
            self.add_error(
                "confirm",
                _(
                    "В тексте есть то, что похоже на персональные данные (список над формой). Уберите "
                    "их или замените на «[скрыто]», а если это не персональные данные — отметьте галочку."
                ),
            )
        return cleaned

    @property
    def photo_ids(self):
        return [int(pk) for pk in self.cleaned_data.get("public_photos", [])]
