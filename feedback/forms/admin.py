"""The moderators' edit form for a report in the Wagtail admin."""

from django import forms
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.models import Locale

from home.spreadsheet import clean_typed_text

from ..models import ProblemCategory, Status
from ..models.reports import person_name
from ..services import change_status
from .staff import staff_who_work_reports


class ProblemReportAdminForm(WagtailAdminModelForm):
    """The moderators' form: records every status change and tells the resident about it."""

    status_comment = forms.CharField(
        label=_("Комментарий к смене статуса"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Для коллег: почему изменили статус. Попадёт в историю, житель его не увидит."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.initial_status = self.instance.status
        self.initial_answer = self.instance.public_answer
        if "assignee" in self.fields:
            self.fields["assignee"].queryset = staff_who_work_reports()
            self.fields["assignee"].label_from_instance = person_name
        if "category" in self.fields:
            self.fields["category"].queryset = ProblemCategory.objects.filter(locale=Locale.get_default())
        if "duplicate_of" in self.fields:
            self.fields["duplicate_of"].queryset = self.fields["duplicate_of"].queryset.exclude(
                pk=self.instance.pk
            )

    def clean_due_date(self):
        due_date = self.cleaned_data.get("due_date")
        today = timezone.localdate()
        # An unchanged date may be past (the report is overdue); a new one may not.
        if due_date and due_date != self.instance.due_date and due_date < today:
            raise ValidationError(
                _(
                    "Срок ответа нельзя перенести в прошлое: сегодня %(today)s. "
                    "Укажите сегодняшнюю или более позднюю дату."
                ),
                code="past",
                params={"today": today.strftime("%d.%m.%Y")},
            )
        return due_date

    def clean(self):
        cleaned = super().clean()
        # Every text staff write here (answer, note, comment): what Word pastes in must not reach the
        # resident's e-mail or break the XLSX export.
        for name, value in cleaned.items():
            if isinstance(value, str):
                cleaned[name] = clean_typed_text(value)
        if cleaned.get("status") == Status.DUPLICATE and not cleaned.get("duplicate_of"):
            self.add_error("duplicate_of", _("Для статуса «закрыто: дубликат» выберите исходное сообщение."))
        if cleaned.get("duplicate_of") and cleaned.get("status") != Status.DUPLICATE:
            self.add_error(
                "duplicate_of",
                _("Ссылка на исходное сообщение нужна только для статуса «закрыто: дубликат»."),
            )
        return cleaned

    def save(self, commit=True):
        """Save the report; its status and answer change through feedback.services.change_status.

        With ``commit=False`` the change is applied by ``save_m2m()``, which the caller runs after
        saving the report, as with any Django model form.
        """
        report = super().save(commit=False)
        previous = (self.initial_status, self.initial_answer)

        def apply_change(stored=None):
            change_status(
                report,
                report.status,
                by=self.for_user,
                public_answer=report.public_answer,
                comment=self.cleaned_data.get("status_comment", ""),
                previous=stored,
            )

        if not commit:
            save_m2m = self.save_m2m

            def save_m2m_and_status():
                save_m2m()
                # The caller has already stored the new values: start from what the form was opened on.
                apply_change(previous)

            self.save_m2m = save_m2m_and_status
            return report
        with transaction.atomic():
            apply_change()
            self.save_m2m()
        return report
