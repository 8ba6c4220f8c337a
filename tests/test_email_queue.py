"""«Отчёты → Очередь писем»: pending, failed with the error, stuck, sent in the last day, and the
retry buttons; only for those with feedback.view_email_queue (the matrix: tests/test_roles_matrix.py)."""

import datetime

import pytest
from django.core import mail
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from feedback.models import Notification
from tests.feedback_helpers import make_report, staff_user
from tests.helpers import EDITORS, REPORT_MODERATORS

pytestmark = pytest.mark.django_db

QUEUE = "/admin/feedback/email-queue/"


@pytest.fixture
def moderator_client(client):
    client.force_login(staff_user("moderator", REPORT_MODERATORS))
    return client


def one_email(**changes):
    note = make_report(email="", phone="+79001234567").notifications.get()
    Notification.objects.filter(pk=note.pk).update(**changes)
    note.refresh_from_db()
    return note


def section(page, name):
    start = page.index(f'id="queue-{name}"')
    return page[start : page.index("</section>", start)]


def test_the_queue_shows_each_state_with_its_error(moderator_client, settings):
    now = timezone.now()
    pending = one_email()
    failed = one_email(attempts=3, last_error="SMTPServerDisconnected: Connection unexpectedly closed")
    stuck = one_email(
        sending_since=now - datetime.timedelta(seconds=settings.FEEDBACK_EMAIL_CLAIM_SECONDS + 5)
    )
    sent = one_email(sent_at=now - datetime.timedelta(hours=2), attempts=1)
    old = one_email(sent_at=now - datetime.timedelta(days=2), attempts=1)
    page = moderator_client.get(QUEUE).text
    assert "Очередь писем" in page
    assert pending.report.number in section(page, "pending")
    assert failed.report.number not in section(page, "pending")
    assert "SMTPServerDisconnected: Connection unexpectedly closed" in section(page, "failed")
    assert "Отправить ещё раз" in section(page, "failed")
    assert stuck.report.number in section(page, "stuck") and stuck.report.number not in section(
        page, "pending"
    )
    assert sent.report.number in section(page, "sent")
    assert old.report.number not in page  # sent more than a day ago
    assert "Ожидают отправки: 1" in page and "Не удалось отправить: 1" in page
    # No addresses on the page (routing e-mails go to services; residents' addresses never show).
    assert "@example.org" not in page


def test_retry_puts_a_given_up_email_back_and_it_is_sent_once(
    moderator_client, django_capture_on_commit_callbacks
):
    note = one_email(attempts=10, last_error="SMTPServerDisconnected: down")
    with django_capture_on_commit_callbacks(execute=True):
        response = moderator_client.post(f"{QUEUE}{note.pk}/retry/")
    assert response.status_code == 302 and response["Location"] == QUEUE
    note.refresh_from_db()
    assert note.sent_at is not None and len(mail.outbox) == 1
    with django_capture_on_commit_callbacks(execute=True):
        moderator_client.post(f"{QUEUE}{note.pk}/retry/")
    assert len(mail.outbox) == 1  # already sent: nothing more
    assert "уже отправлено" in moderator_client.get(QUEUE).text


def test_retry_is_a_post_only(moderator_client):
    note = one_email(attempts=10, last_error="x")
    assert moderator_client.get(f"{QUEUE}{note.pk}/retry/").status_code == 405


def failed_task(**changes):
    return DBTaskResult.objects.create(
        **{
            "status": "FAILED",
            "task_path": "feedback.tasks.send_overdue_reminders",
            "args_kwargs": {"args": [], "kwargs": {}},
            "backend_name": "default",
            "run_after": timezone.now(),
            "finished_at": timezone.now(),
            "exception_class_path": "django.template.TemplateSyntaxError",
            "traceback": "Traceback (most recent call last):\n...\nTemplateSyntaxError: Invalid block tag\n",
            **changes,
        }
    )


def test_failed_tasks_show_and_run_again(moderator_client, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    result = failed_task()
    page = moderator_client.get(QUEUE).text
    assert "TemplateSyntaxError: Invalid block tag" in section(page, "tasks")
    assert moderator_client.post(f"{QUEUE}tasks/{result.pk}/retry/").status_code == 302
    assert not DBTaskResult.objects.filter(pk=result.pk).exists()
    assert DBTaskResult.objects.get().status == "READY"


def test_a_task_whose_object_was_deleted_meanwhile_is_not_shown(moderator_client):
    failed_task(
        task_path="wagtail.tasks.update_reference_index_task",
        exception_class_path="home.models.pages.HomePageFeaturedLink.DoesNotExist",
        traceback="HomePageFeaturedLink.DoesNotExist: HomePageFeaturedLink matching query does not exist.",
    )
    page = moderator_client.get(QUEUE).text
    assert "matching query does not exist" not in page
    assert "Другие задачи с ошибкой за неделю: 0" in page


@pytest.mark.parametrize("group", [EDITORS, None])
def test_others_cannot_see_or_retry(client, group):
    note = one_email(attempts=10, last_error="x")
    client.force_login(staff_user("someone", group))
    assert client.get(QUEUE).status_code in (302, 403)
    assert client.post(f"{QUEUE}{note.pk}/retry/").status_code in (302, 403)
    note.refresh_from_db()
    assert note.attempts == 10
    assert "Очередь писем" not in client.get("/admin/").text  # nor in the menu


def test_anonymous_visitors_are_sent_to_the_login(client):
    note = one_email(attempts=10, last_error="x")
    assert client.get(QUEUE)["Location"].startswith("/admin/login/")
    assert client.post(f"{QUEUE}{note.pk}/retry/")["Location"].startswith("/admin/login/")


def test_the_menu_shows_the_queue_to_moderators(moderator_client):
    assert QUEUE in moderator_client.get("/admin/").text
