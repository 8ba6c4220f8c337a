"""Translatable snippets with text the whole site shows."""

from django.conf import settings
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField
from wagtail.models import TranslatableMixin
from wagtail_localize.fields import SynchronizedField, TranslatableField


class FooterContacts(TranslatableMixin, models.Model):
    """The city administration's contacts shown in the footer of every page, one per language."""

    organisation = models.CharField(
        _("организация"), max_length=200, help_text=_("Например: Администрация города Глазова.")
    )
    address = models.CharField(_("адрес"), max_length=300)
    phone = models.CharField(
        _("телефон"), max_length=60, blank=True, help_text=_("В формате +7 (34141) 3-66-00.")
    )
    email = models.EmailField(_("электронная почта"), blank=True)
    working_hours = models.TextField(
        _("часы работы"), blank=True, max_length=500, help_text=_("Каждый период — с новой строки.")
    )
    extra = RichTextField(
        _("дополнительно"),
        blank=True,
        features=["bold", "italic", "link"],
        help_text=_("Например, ссылка на приёмную или на правила обработки персональных данных."),
    )

    panels = [
        FieldPanel("organisation"),
        FieldPanel("address"),
        FieldPanel("phone"),
        FieldPanel("email"),
        FieldPanel("working_hours"),
        FieldPanel("extra"),
    ]

    # The postal address and the hours are written for the reader (transliterated in English);
    # the phone and the e-mail residents use are the Russian version's in every language.
    translatable_fields = [
        TranslatableField("organisation"),
        TranslatableField("address"),
        SynchronizedField("phone", overridable=False),
        SynchronizedField("email", overridable=False),
        TranslatableField("working_hours"),
        TranslatableField("extra"),
    ]

    class Meta(TranslatableMixin.Meta):
        verbose_name = _("контакты в подвале сайта")
        verbose_name_plural = _("контакты в подвале сайта")
        permissions = [
            (
                "translate_footercontacts",
                _("Может только переводить контакты в подвале, не меняя русский оригинал"),
            )
        ]

    def __str__(self):
        return f"{self.organisation} ({self.locale})"

    @classmethod
    def for_active_locale(cls):
        """The contacts in the visitor's language, else in the default (Russian) one."""
        active, default = get_language(), settings.LANGUAGE_CODE
        found = {
            contacts.locale.language_code: contacts
            for contacts in cls.objects.filter(locale__language_code__in={active, default}).select_related(
                "locale"
            )
        }
        return found.get(active) or found.get(default)
