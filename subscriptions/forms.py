"""The subscribe form: one list of topics in the visitor's language, the frequency and the consent."""

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from news.models import DecisionKind, Rubric
from news.models.snippets import localized_snippets

from .models import Subscription

CONSENT_TEXT = _(
    "Я согласен(а) на обработку администрацией города Глазова моего адреса электронной почты "
    "для отправки выбранных рассылок. Адрес не передаётся третьим лицам и не публикуется. "
    "Согласие действует до отписки от всех рассылок: после неё адрес удаляется в течение 30 дней."
)


def topic_choices(language=None):
    """("news" | "rubric:<id>" | "decisions" | "kind:<id>", label) grouped as residents read them."""
    rubrics = [(f"rubric:{rubric.pk}", rubric.name) for rubric in localized_snippets(Rubric, language)]
    kinds = [(f"kind:{kind.pk}", kind.name) for kind in localized_snippets(DecisionKind, language)]
    return [
        (_("Новости"), [("news", _("Все новости города")), *rubrics]),
        (_("Решения городской Думы"), [("decisions", _("Все новые решения")), *kinds]),
    ]


class SubscribeForm(forms.Form):
    email = forms.EmailField(
        label=_("Адрес электронной почты"),
        max_length=254,
        error_messages={
            "required": _("Укажите адрес электронной почты, на который присылать письма."),
            "invalid": _("Проверьте адрес: он должен выглядеть как name@example.ru."),
        },
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    topic = forms.ChoiceField(
        label=_("О чём сообщать"),
        error_messages={
            "required": _("Выберите, о чём присылать письма."),
            "invalid_choice": _("Такой темы нет: выберите тему из списка."),
        },
    )
    frequency = forms.ChoiceField(
        label=_("Как часто"),
        choices=[
            (Subscription.Frequency.IMMEDIATE, _("Сразу после публикации")),
            (Subscription.Frequency.DAILY, _("Одной сводкой раз в день")),
        ],
        initial=Subscription.Frequency.IMMEDIATE,
        widget=forms.RadioSelect,
    )
    consent = forms.BooleanField(
        label=CONSENT_TEXT,
        error_messages={"required": _("Без согласия на обработку адреса мы не можем присылать письма.")},
    )

    def __init__(self, *args, decision=None, topic=None, **kwargs):
        super().__init__(*args, **kwargs)
        choices = topic_choices()
        self.decision = decision
        if decision is not None:
            label = gettext("Изменения решения «%(title)s»") % {"title": decision.title}
            choices.insert(0, ("", [(f"decision:{decision.pk}", label)]))
            self.fields["topic"].initial = f"decision:{decision.pk}"
        self.fields["topic"].choices = choices
        if topic and not self.is_bound:
            self.fields["topic"].initial = topic

    def clean_topic(self):
        value = self.cleaned_data["topic"]
        kind, _sep, pk = value.partition(":")
        target = {}
        if kind == "rubric":
            target["rubric"] = Rubric.objects.filter(pk=pk).first()
        elif kind == "kind":
            target["decision_kind"] = DecisionKind.objects.filter(pk=pk).first()
            kind = Subscription.Topic.DECISIONS
        elif kind == "decision":
            target["decision"] = self.decision
        if any(obj is None for obj in target.values()):
            raise forms.ValidationError(_("Такой темы больше нет: выберите тему из списка."))
        self.topic_fields = {"topic": kind, **target}
        return value
