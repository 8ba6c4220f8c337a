"""The registry's filter form (every filter is a GET parameter, so each result list has a URL),
and the admin form of pages that link to other pages."""

import datetime

from django import forms
from django.conf import settings
from django.db.models import Q
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from home.forms import PortalPageForm
from home.i18n import in_source_language
from home.search import search_terms
from news.models.requisites import DecisionStatus, normalize_number
from news.models.snippets import DecisionKind, localized_snippets
from news.widgets import SourceLinksWidget

DATE_INPUT_FORMATS = ["%Y-%m-%d", "%d.%m.%Y"]


class DatePickerInput(forms.DateInput):
    """`<input type="date">`, whose value HTML allows only as YYYY-MM-DD.

    A date typed another accepted way (05.05.2016 in a shared link) is shown as YYYY-MM-DD; one
    that is no date at all is left out, as a browser would show it anyway: the error beside the
    field says what to type.
    """

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")

    def format_value(self, value):
        if isinstance(value, str):
            for input_format in DATE_INPUT_FORMATS:
                try:
                    value = datetime.datetime.strptime(value.strip(), input_format).date()
                    break
                except ValueError:
                    continue
            else:
                return None
        return super().format_value(value)


SORT_CHOICES = [("date", _("по дате принятия, сначала новые")), ("number", _("по номеру"))]
QUERY_MAX_LENGTH = 200


class DecisionFilterForm(forms.Form):
    """Filters of the decisions registry; invalid values are reported, never silently dropped."""

    q = forms.CharField(label=_("Слова из названия или текста"), required=False, max_length=QUERY_MAX_LENGTH)
    number = forms.CharField(
        label=_("Номер"),
        required=False,
        max_length=50,
    )
    kind = forms.ChoiceField(label=_("Вид акта"), required=False)
    status = forms.ChoiceField(
        label=_("Статус"), required=False, choices=[("", _("Любой")), *DecisionStatus.choices]
    )
    year = forms.IntegerField(label=_("Год принятия"), required=False, min_value=1780, max_value=2100)
    date_from = forms.DateField(label=_("Принято с"), required=False, widget=DatePickerInput())
    date_to = forms.DateField(label=_("по"), required=False, widget=DatePickerInput())
    sort = forms.ChoiceField(label=_("Сортировка"), required=False, choices=SORT_CHOICES)

    error_messages = {
        "year": _("Год — четыре цифры, например 2016."),
        "date": _("Введите дату в виде ДД.ММ.ГГГГ, например 05.05.2016."),
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        kinds = localized_snippets(DecisionKind)
        # Numbers are the same in every language, letters included.
        self.fields["number"].help_text = format_html(
            _("Например, {digits} или {lettered}"), digits="123", lettered=in_source_language("123-р")
        )
        self.fields["kind"].choices = [("", _("Любой")), *[(k.slug, k.name) for k in kinds]]
        self.fields["year"].error_messages.update(
            invalid=self.error_messages["year"],
            min_value=self.error_messages["year"],
            max_value=self.error_messages["year"],
        )
        for name in ("date_from", "date_to"):
            self.fields[name].input_formats = DATE_INPUT_FORMATS
            self.fields[name].error_messages["invalid"] = self.error_messages["date"]
        self.fields["kind"].error_messages["invalid_choice"] = _("Выберите вид акта из списка.")
        self.fields["status"].error_messages["invalid_choice"] = _("Выберите статус из списка.")
        self.fields["sort"].error_messages["invalid_choice"] = _("Выберите сортировку из списка.")

    def clean(self):
        cleaned = super().clean()
        date_from, date_to = cleaned.get("date_from"), cleaned.get("date_to")
        if date_from and date_to and date_from > date_to:
            self.add_error("date_to", _("Конец периода раньше его начала — поменяйте даты местами."))
        return cleaned

    def filter(self, decisions):
        """Apply the valid filters to a queryset of decisions (an invalid form filters nothing)."""
        data = self.cleaned_data if self.is_valid() else {}
        if data.get("number"):
            decisions = decisions.filter(number_normalized=normalize_number(data["number"]))
        if data.get("kind"):
            decisions = decisions.filter(kind__slug=data["kind"])
        if data.get("status"):
            decisions = decisions.filter(status=data["status"])
        if data.get("year"):
            decisions = decisions.filter(date_adopted__year=data["year"])
        if data.get("date_from"):
            decisions = decisions.filter(date_adopted__gte=data["date_from"])
        if data.get("date_to"):
            decisions = decisions.filter(date_adopted__lte=data["date_to"])
        if data.get("q"):
            # Full-text search gives the matching ids; filters and the chosen order still apply.
            # A query of punctuation alone has no words to look for, so it matches nothing.
            terms = search_terms(data["q"])
            matches = decisions.model.objects.live().search(terms, operator="and") if terms else []
            decisions = decisions.filter(pk__in=[page.pk for page in matches])
        if data.get("sort") == "number":
            return decisions.order_by("number_sort", "number", "-date_adopted")
        return decisions.order_by("-date_adopted", "-number_sort", "-pk")

    @property
    def is_filtered(self):
        return self.is_valid() and any(
            value not in (None, "") for name, value in self.cleaned_data.items() if name != "sort"
        )


class SourceLinksPageForm(PortalPageForm):
    """A news item's or a decision's form: links go to Russian items only, never to the page itself.

    Links already stored stay valid as they are (even one made to a translation before this rule),
    so saving a page never drops them; anything new comes from the chooser (news.choosers).
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        exclude = self.instance.pk
        for name, field in self.fields.items():
            if not isinstance(field.widget, SourceLinksWidget):
                continue
            model = field.queryset.model
            kept = [getattr(item, "pk", item) for item in self.initial.get(name) or []]
            offered = model.objects.filter(locale__language_code=settings.LANGUAGE_CODE)
            if exclude:
                offered = offered.exclude(translation_key=self.instance.translation_key)
            field.queryset = model.objects.filter(Q(pk__in=offered.values("pk")) | Q(pk__in=kept))
            field.widget.exclude_page = exclude
