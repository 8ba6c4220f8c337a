"""The «Решаем вместе» page: the report form, the confirmation and the residents' status pages."""

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, validate_email
from django.db import models
from django.db.models import Exists, Q
from django.utils.cache import patch_cache_control
from django.utils.functional import cached_property
from django.utils.html import strip_tags
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalManyToManyField
from wagtail.admin.panels import FieldPanel, MultiFieldPanel, PageChooserPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import RichTextField
from wagtail.search import index
from wagtail_localize.fields import SynchronizedField, TranslatableField

from home.i18n import localized_pages_by_id
from home.models.base import BASE_PAGE_TRANSLATABLE_FIELDS, BasePage

from .categories import ProblemCategory

DEFAULT_CONSENT_TEXT = (
    "Я даю согласие Администрации города Глазова на обработку моих персональных данных "
    "(имя, электронная почта, телефон, фотографии) для рассмотрения этого сообщения "
    "в соответствии с Федеральным законом № 152-ФЗ «О персональных данных»."
)


def validate_email_list(value):
    for address in split_addresses(value):
        try:
            validate_email(address)
        except ValidationError:
            raise ValidationError(
                _("«%(address)s» не похоже на адрес электронной почты. Пишите каждый адрес с новой строки."),
                params={"address": address},
            ) from None


def split_addresses(value):
    return [
        part.strip()
        for part in (value or "").replace(",", "\n").replace(";", "\n").splitlines()
        if part.strip()
    ]


# Routes whose answers hold nothing of one visitor: cached like any public page.
PUBLIC_ROUTES = {
    "public_reports",
    "reports_feed",
    "category_feed",
    "reports_csv",
    "reports_json",
    "public_report",
    "reports_stats",
    "reports_stats_csv",
}


class FeedbackPage(RoutablePageMixin, BasePage):
    """The report form of «Решаем вместе», with its confirmation and status pages under it."""

    intro = RichTextField(
        _("вступление"),
        blank=True,
        features=["bold", "italic", "link", "ul"],
        help_text=_("Текст над формой: о чём можно сообщить и как быстро отвечаем."),
    )
    thank_you_text = RichTextField(
        _("текст благодарности"),
        blank=True,
        features=["bold", "italic", "link"],
        help_text=_("Его увидит житель после отправки, рядом с номером сообщения."),
    )
    categories = ParentalManyToManyField(
        ProblemCategory,
        verbose_name=_("категории в форме"),
        blank=True,
        related_name="+",
        help_text=_(
            "Какие категории предлагать жителям. Если не выбрать ни одной, "
            "в форме будут все категории, у которых стоит «принимать сообщения»."
        ),
    )
    deadline_days = models.PositiveSmallIntegerField(
        _("срок ответа, дней"),
        default=30,
        validators=[MinValueValidator(1), MaxValueValidator(365)],
        help_text=_("Через сколько дней после поступления сообщение считается просроченным. Обычно 30."),
    )
    notification_emails = models.TextField(
        _("адреса для уведомлений"),
        blank=True,
        validators=[validate_email_list],
        help_text=_(
            "Кому сообщать о каждом новом сообщении, кроме службы из категории. Каждый адрес с новой строки."
        ),
    )
    official_appeal_page = models.ForeignKey(
        "wagtailcore.Page",
        verbose_name=_("страница об официальных обращениях"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_(
            "Куда направить жителя, которому нужно официальное обращение по 59-ФЗ "
            "(например, страница приёмной). Ссылка будет над формой."
        ),
    )
    privacy_page = models.ForeignKey(
        "wagtailcore.Page",
        verbose_name=_("политика обработки персональных данных"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Страница, на которую ведёт ссылка рядом с галочкой согласия."),
    )
    consent_text = models.TextField(
        _("текст согласия на обработку персональных данных"),
        default=DEFAULT_CONSENT_TEXT,
        max_length=1500,
        help_text=_(
            "Текст рядом с галочкой. Он сохраняется вместе с каждым сообщением. "
            "Если меняете смысл текста, поменяйте и версию ниже."
        ),
    )
    consent_version = models.CharField(
        _("версия текста согласия"),
        max_length=50,
        default="1",
        help_text=_("Например, дата утверждения: «2026-01-15». Сохраняется с каждым сообщением."),
    )

    parent_page_types = ["home.HomePage"]
    subpage_types = []
    max_count_per_parent = 1

    search_fields = [*BasePage.search_fields, index.SearchField("intro")]

    content_panels = [
        *BasePage.content_panels,
        FieldPanel("intro"),
        FieldPanel("categories", widget=forms.CheckboxSelectMultiple),
        PageChooserPanel("official_appeal_page"),
        MultiFieldPanel(
            [FieldPanel("privacy_page"), FieldPanel("consent_text"), FieldPanel("consent_version")],
            heading=_("Согласие на обработку персональных данных (152-ФЗ)"),
        ),
        FieldPanel("thank_you_text"),
    ]
    settings_panels = [
        MultiFieldPanel(
            [FieldPanel("deadline_days"), FieldPanel("notification_emails")],
            heading=_("Работа с сообщениями"),
        ),
        *BasePage.settings_panels,
    ]

    # Who receives residents' reports, how fast they are answered, which categories and legal pages
    # the form offers and which consent version a resident agrees to are the Russian page's in
    # every language: no translator can change them (home/localize_sync.py keeps copies in step).
    # The consent wording itself is translated, and shown only while it translates the current version.
    translatable_fields = [
        *BASE_PAGE_TRANSLATABLE_FIELDS,
        TranslatableField("intro"),
        TranslatableField("thank_you_text"),
        SynchronizedField("categories", overridable=False),
        SynchronizedField("deadline_days", overridable=False),
        SynchronizedField("notification_emails", overridable=False),
        SynchronizedField("official_appeal_page", overridable=False),
        SynchronizedField("privacy_page", overridable=False),
        TranslatableField("consent_text"),
        SynchronizedField("consent_version", overridable=False),
    ]
    # Comes with the translated consent wording (from the version it was translated from), not
    # straight from the Russian page: a stale translation then shows as stale (shown_consent).
    synchronized_with_translation = ["consent_version"]

    default_description = _(
        "Сообщите Администрации города Глазова о проблеме: яма на дороге, мусор, не горит фонарь."
    )

    def own_summary(self):
        return Truncator(strip_tags(self.intro)).words(30)

    class Meta:
        verbose_name = _("страница «Решаем вместе»")
        verbose_name_plural = _("страницы «Решаем вместе»")

    @cached_property
    def source_version(self):
        """The Russian page, whose settings (addresses, deadline, categories, consent) every version uses."""
        if self.locale.language_code == settings.LANGUAGE_CODE or self.pk is None:
            return self
        source = FeedbackPage.objects.filter(
            translation_key=self.translation_key, locale__language_code=settings.LANGUAGE_CODE
        ).first()
        return source or self

    def shown_consent(self):
        """(text, version, language) of the consent the form shows and the report keeps.

        This language's wording only while it is a translation (through wagtail-localize) of the
        Russian page's current version; otherwise the Russian wording, never an outdated one.
        """
        from wagtail_localize.models import Translation

        source = self.source_version
        russian = (source.consent_text, source.consent_version, settings.LANGUAGE_CODE)
        if source is self:
            return russian
        current = (
            self.alias_of_id is None
            and self.consent_version == source.consent_version
            and self.consent_text.strip()
            and self.consent_text != source.consent_text
            and Translation.objects.filter(
                source__object_id=self.translation_key, target_locale_id=self.locale_id, enabled=True
            ).exists()
        )
        if not current:
            return russian
        return (self.consent_text, self.consent_version, self.locale.language_code)

    def offered_categories(self):
        """Categories the form offers: the chosen active ones, else every active original category.

        One query when the form lists them (the choice between the two is made inside it).
        The Russian page's choice counts in every language.
        """
        chosen = self.source_version.categories.active()
        originals = Q(locale__language_code=settings.LANGUAGE_CODE)
        if isinstance(chosen, models.QuerySet):
            offered = Q(pk__in=chosen.values("pk")) | (~Exists(chosen) & originals)
        else:  # a preview: the chosen categories are held in memory, not yet in the database
            chosen_ids = [category.pk for category in chosen]
            offered = Q(pk__in=chosen_ids) if chosen_ids else originals
        return ProblemCategory.objects.active().filter(offered).select_related("locale")

    def legal_pages(self):
        """The official-appeal and privacy pages in the visitor's language (one query, kept on the page)."""
        if not hasattr(self, "_legal_pages"):
            source = self.source_version
            found = localized_pages_by_id([source.official_appeal_page_id, source.privacy_page_id])
            self._legal_pages = {
                "official_appeal": found.get(source.official_appeal_page_id),
                "privacy": found.get(source.privacy_page_id),
            }
        return self._legal_pages

    @property
    def notification_addresses(self):
        """Who is told of each new report: the Russian page's addresses, whatever the language."""
        return split_addresses(self.source_version.notification_emails)

    @property
    def deadline(self):
        """Days to answer a report: the Russian page's."""
        return self.source_version.deadline_days

    def serve(self, request, *args, **kwargs):
        """The form and the status pages are one resident's (a CSRF token, a report): kept out of
        shared caches. The published reports (PUBLIC_ROUTES) are everyone's and cached as any page."""
        response = super().serve(request, *args, **kwargs)
        match = getattr(request, "routable_resolver_match", None)
        if match is None or match.url_name not in PUBLIC_ROUTES:
            patch_cache_control(response, private=True)
        return response

    @path("")
    def form_view(self, request):
        from feedback.views import report_form

        return report_form(request, self)

    @path("sent/", name="sent")
    def sent_view(self, request):
        from feedback.views import report_sent

        return report_sent(request, self)

    @path("status/<str:token>/", name="status")
    def status_view(self, request, token):
        from feedback.views import report_status

        return report_status(request, self, token)

    # The published reports: no personal data, the same for every visitor (feedback/public.py).

    @path("reports/", name="public_reports")
    def public_reports_view(self, request):
        from feedback import public

        return public.report_listing(request, self)

    @path("reports/feed/", name="reports_feed")
    def reports_feed_view(self, request):
        from feedback import public

        return public.reports_feed(request, self)

    @path("reports/feed/<int:category_id>/", name="category_feed")
    def category_feed_view(self, request, category_id):
        from feedback import public

        return public.reports_feed(request, self, category_id)

    @path("reports/export/csv/", name="reports_csv")
    def reports_csv_view(self, request):
        from feedback import public

        return public.export_csv(request, self)

    @path("reports/export/json/", name="reports_json")
    def reports_json_view(self, request):
        from feedback import public

        return public.export_json(request, self)

    @path("reports/stats/", name="reports_stats")
    def reports_stats_view(self, request):
        from feedback import public

        return public.statistics(request, self)

    @path("reports/stats/csv/", name="reports_stats_csv")
    def reports_stats_csv_view(self, request):
        from feedback import public

        return public.statistics_csv(request, self)

    @path("reports/<str:number>/", name="public_report")
    def public_report_view(self, request, number):
        from feedback import public

        return public.report_detail(request, self, number)
