"""Changes of an item's state: the «проверено, изменений нет» mark and the reminders.

Admin views, the management command and the shell call these; nothing else writes reviews or
reminders.
"""

import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from .models import ItemReview, Reminder, RequiredItem
from .states import State, items_for_status, with_statuses

logger = logging.getLogger(__name__)

# Who is reminded when an item names neither a person nor a group with e-mail addresses.
FALLBACK_GROUP = "Редакторы"
REMINDED_STATES = {State.DUE_SOON: Reminder.Kind.DUE_SOON, State.STALE: Reminder.Kind.STALE}


@transaction.atomic
def mark_reviewed(item, user, now=None):
    """Record that ``user`` checked the item's pages and found nothing to change.

    The item's clock restarts from now; the pages get no new revision (their «Обновлено» date
    stays the date of their last real change).
    """
    now = now or timezone.now()
    RequiredItem.objects.filter(pk=item.pk).update(reviewed_at=now, reviewed_by=user)
    item.reviewed_at, item.reviewed_by = now, user
    return ItemReview.objects.create(item=item, reviewed_by=user, reviewed_at=now)


def recipients_for(item):
    """E-mail addresses of whoever answers for the item: the person, else the group, else the editors."""
    user = item.responsible_user
    if user is not None and user.is_active and user.email:
        return [user.email]
    users = get_user_model().objects.filter(is_active=True).exclude(email="")
    candidates = [users.filter(groups=item.responsible_group)] if item.responsible_group else []
    for members in [*candidates, users.filter(groups__name=FALLBACK_GROUP)]:
        addresses = sorted(set(members.values_list("email", flat=True)))
        if addresses:
            return addresses
    return []


def reminder_text(item, status, kind):
    report_url = settings.WAGTAILADMIN_BASE_URL.rstrip("/") + reverse("compliance_report")
    edit_url = settings.WAGTAILADMIN_BASE_URL.rstrip("/") + reverse(
        "wagtailsnippets_compliance_requireditem:edit", args=[item.pk]
    )
    due = status.due_date.strftime("%d.%m.%Y")
    if kind == Reminder.Kind.DUE_SOON:
        subject = _("Обязательная информация: до %(date)s проверить «%(title)s»") % {
            "date": due,
            "title": item.title,
        }
        opening = _("Срок проверки пункта обязательной информации — %(date)s.") % {"date": due}
    else:
        subject = _("Обязательная информация устарела: «%(title)s»") % {"title": item.title}
        opening = _("Срок проверки пункта обязательной информации прошёл %(date)s.") % {"date": due}
    pages = "\n".join(f"- {page.title}" for page in status.pages)
    body = "\n\n".join(
        [
            opening,
            f"{item.title}\n{item.legal_reference}",
            _("Страницы:") + "\n" + pages,
            _(
                "Обновите и опубликуйте страницу или, если ничего не изменилось, нажмите "
                "«Проверено, изменений нет» в отчёте:"
            )
            + f"\n{report_url}",
            _("Пункт в панели управления:") + f"\n{edit_url}",
        ]
    )
    return subject, body


def send_reminders(today=None):
    """E-mail the responsible about items due within a week or stale, once per item, kind and due date.

    A reminder is recorded only once the mail server has taken it, so a failure is retried on the
    next run. Returns the number of e-mails sent.
    """
    today = today or timezone.localdate()
    sent = 0
    for item in with_statuses(items_for_status(), today):
        kind = REMINDED_STATES.get(item.status.state)
        if kind is None or item.status.due_date is None:
            continue
        if Reminder.objects.filter(item=item, kind=kind, due_date=item.status.due_date).exists():
            continue
        addresses = recipients_for(item)
        if not addresses:
            logger.warning("Mandatory information item %s has nobody to remind", item.pk)
            continue
        with override(settings.LANGUAGE_CODE):
            subject, body = reminder_text(item, item.status, kind)
        try:
            EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, addresses).send(fail_silently=False)
        except Exception:
            logger.exception("Could not send the reminder about mandatory information item %s", item.pk)
            continue
        try:
            with transaction.atomic():
                Reminder.objects.create(
                    item=item,
                    kind=kind,
                    due_date=item.status.due_date,
                    recipients=", ".join(addresses),
                    sent_at=timezone.now(),
                )
        except IntegrityError:  # another run recorded it meanwhile
            continue
        sent += 1
    return sent
