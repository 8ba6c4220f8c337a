"""Bulk actions of the report inbox: a new status for several reports at once."""

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from wagtail.snippets.bulk_actions.snippet_bulk_action import SnippetBulkAction

from home.spreadsheet import clean_typed_text

from .models import ProblemReport, Status
from .services import change_status


class BulkStatusForm(forms.Form):
    # A duplicate names its original report, one by one in the report's own form.
    status = forms.ChoiceField(
        label=_("Новый статус"),
        choices=[choice for choice in Status.choices if choice[0] != Status.DUPLICATE],
        help_text=_("Жители, оставившие почту, получат письмо о новом статусе."),
    )
    public_answer = forms.CharField(
        label=_("Ответ жителям"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Необязательно. Если заполнить, этот ответ получат все выбранные сообщения вместо "
            "прежнего. Пишите без персональных данных."
        ),
    )
    status_comment = forms.CharField(
        label=_("Комментарий к смене статуса"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Для коллег: попадёт в историю каждого сообщения, житель его не увидит."),
    )

    def clean(self):
        cleaned = super().clean()
        for name, value in cleaned.items():
            if isinstance(value, str):
                cleaned[name] = clean_typed_text(value)
        return cleaned


class ChangeStatusBulkAction(SnippetBulkAction):
    """«Сменить статус»: every selected report goes through change_status, as if edited one by one."""

    display_name = _("Сменить статус")
    action_type = "change_status"
    aria_label = _("Сменить статус выбранных сообщений")
    template_name = "feedback/admin/bulk_change_status.html"
    action_priority = 10
    form_class = BulkStatusForm
    # Who may see and use the action (ReportIndexView hides the others' buttons).
    required_permission = "change"

    models = [ProblemReport]

    def check_perm(self, report):
        return self.permission_policy.user_has_permission_for_instance(self.request.user, "change", report)

    @classmethod
    def execute_action(cls, objects, user=None, form=None, **kwargs):
        data = form.cleaned_data
        answer = data["public_answer"] or None
        changed = 0
        for report in objects:
            if change_status(
                report, data["status"], by=user, public_answer=answer, comment=data["status_comment"]
            ):
                changed += 1
        return changed, 0

    def get_execution_context(self):
        return {"user": self.request.user, "form": self.cleaned_form}

    def get_success_message(self, num_parent_objects, num_child_objects):
        return ngettext(
            "Статус изменён у %(count)d сообщения.",
            "Статус изменён у %(count)d сообщений.",
            num_parent_objects,
        ) % {"count": num_parent_objects}
