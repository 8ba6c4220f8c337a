"""«Очередь писем» in the admin (Отчёты): what the task worker has to send, what failed and why,
what left during the last day, and a button to send a failed e-mail again.

Only staff with feedback.view_email_queue (superusers, «Модераторы обращений») open it. The
outbox rows are the record of e-mails; the worker's own table (django_tasks_db) shows the other
tasks that failed (daily reminders, photo clean-up, Wagtail's index).
"""

import datetime

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from django.views.generic import TemplateView
from django_tasks_db.models import DBTaskResult
from wagtail.admin.menu import MenuItem
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from home.deferred import enqueue

from .models import Notification
from .tasks import release_and_retry

PERMISSION = "feedback.view_email_queue"
LISTED = 100  # rows per section; the counts are exact


def may_see_queue(user):
    return user.is_active and user.has_perm(PERMISSION)


def failed_tasks(now):
    """Tasks other than e-mails that failed during the last week (e-mails: the outbox says more)."""
    return (
        DBTaskResult.objects.failed()
        .exclude(task_path="feedback.tasks.send_notification")
        # The object was deleted before the worker got to it (Wagtail's index tasks after a quick
        # save-and-delete, as the demo loader does): nothing is left to do, nothing to show staff.
        .exclude(exception_class_path__endswith=".DoesNotExist")
        .filter(finished_at__gte=now - datetime.timedelta(days=7))
        .order_by("-finished_at")
    )


def error_summary(task_result):
    """The exception's last line: what went wrong, without the whole traceback."""
    lines = [line for line in task_result.traceback.strip().splitlines() if line.strip()]
    return lines[-1] if lines else task_result.exception_class_path


class EmailQueueView(WagtailAdminTemplateMixin, TemplateView):
    template_name = "feedback/admin/email_queue.html"
    page_title = gettext_lazy("Очередь писем")
    header_icon = "mail"

    def dispatch(self, request, *args, **kwargs):
        if not may_see_queue(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_breadcrumbs_items(self):
        return [*self.breadcrumbs_items, {"url": "", "label": self.page_title}]

    def get_context_data(self, **kwargs):
        now = timezone.now()
        outbox = Notification.objects.select_related("report")
        stuck = outbox.stuck(now)
        failed = outbox.failed().exclude(pk__in=stuck.values("pk")).order_by("-last_attempt_at")
        pending = (
            outbox.unsent().filter(last_error="").exclude(pk__in=stuck.values("pk")).order_by("created_at")
        )
        sent = outbox.filter(sent_at__gte=now - datetime.timedelta(days=1)).order_by("-sent_at")
        tasks = list(failed_tasks(now)[:LISTED])
        for task_result in tasks:
            task_result.error = error_summary(task_result)
        return super().get_context_data(
            **kwargs,
            sections=[
                {
                    "id": "pending",
                    "title": _("Ожидают отправки"),
                    "rows": pending[:LISTED],
                    "count": pending.count(),
                },
                {
                    "id": "failed",
                    "title": _("Не удалось отправить"),
                    "rows": failed[:LISTED],
                    "count": failed.count(),
                    "retry": True,
                },
                {
                    "id": "stuck",
                    "title": _("Зависли: неизвестно, ушло ли письмо"),
                    "rows": stuck[:LISTED],
                    "count": stuck.count(),
                    "retry": True,
                },
                {
                    "id": "sent",
                    "title": _("Отправлены за последние сутки"),
                    "rows": sent[:LISTED],
                    "count": sent.count(),
                },
            ],
            failed_tasks=tasks,
            max_attempts=settings.FEEDBACK_EMAIL_MAX_ATTEMPTS,
            waiting_tasks=DBTaskResult.objects.ready().count(),
        )


def queue_url():
    return reverse("feedback_email_queue")


@require_POST
def retry_email(request, pk):
    """Send a failed or stuck e-mail again: back to the worker, attempts counted afresh."""
    if not may_see_queue(request.user):
        raise PermissionDenied
    notification = get_object_or_404(Notification, pk=pk)
    if release_and_retry(notification):
        messages.success(
            request, _("Письмо «%(subject)s» снова поставлено в очередь.") % {"subject": notification.subject}
        )
    else:
        messages.warning(request, _("Это письмо уже отправлено."))
    return redirect(queue_url())


@require_POST
def retry_task(request, pk):
    """Run a failed task again with the same arguments; the failed record is replaced by the new one."""
    if not may_see_queue(request.user):
        raise PermissionDenied
    task_result = get_object_or_404(failed_tasks(timezone.now()), pk=pk)
    task = task_result.task
    if enqueue(task, *task_result.args_kwargs["args"], **task_result.args_kwargs["kwargs"]) is None:
        messages.error(request, _("Не удалось поставить задачу в очередь. Сообщите администратору сайта."))
    else:
        task_result.delete()
        messages.success(request, _("Задача снова поставлена в очередь."))
    return redirect(queue_url())


class EmailQueueMenuItem(MenuItem):
    def is_shown(self, request):
        return may_see_queue(request.user)


def email_queue_menu_item():
    return EmailQueueMenuItem(gettext_lazy("Очередь писем"), queue_url(), icon_name="mail", order=900)
