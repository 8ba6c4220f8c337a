"""The task worker: e-mails and daily jobs go through the database queue, are retried with back-off,
and an e-mail is sent at most once (a claim and a fixed Message-ID in its outbox row)."""

import datetime
import os
import subprocess
import sys
import time
from unittest import mock

import pytest
from django.conf import settings
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from feedback.models import Notification, ProblemReport, ReportPhoto
from feedback.tasks import deliver, remove_orphan_photos, send_notification, send_overdue_reminders
from home.deferred import retry_delay
from tests.feedback_helpers import make_report, staff_user
from tests.test_feedback_email import BrokenMailServer  # noqa: F401 - named by the settings below

pytestmark = pytest.mark.django_db

DATABASE_QUEUE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
BROKEN = "tests.test_feedback_email.BrokenMailServer"
LOCMEM = "django.core.mail.backends.locmem.EmailBackend"


@pytest.fixture
def database_queue(settings):
    """Tasks go to django_tasks_db's table, as in production, instead of running at once."""
    settings.TASKS = DATABASE_QUEUE


def run_worker():
    """django_tasks_db's own worker loop, in this process, until the queue has nothing ready.

    The loop closes "old" connections each time it wakes up; in a test, whose data lives in the
    test's open transaction, that would close it (PostgreSQL: "the connection is closed"; SQLite's
    in-memory database is never closed). The real process is tested below, on PostgreSQL.
    """
    with mock.patch("django_tasks_db.management.commands.db_worker.close_old_connections"):
        call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)


def test_the_worker_sends_the_reports_emails_from_the_database_queue(
    database_queue, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        report = make_report()
    queued = DBTaskResult.objects.filter(task_path="feedback.tasks.send_notification")
    assert queued.count() == 2 and mail.outbox == []  # publishing the report sent nothing itself
    # The queue holds primary keys only, never the resident's address.
    assert report.email not in str(list(queued.values_list("args_kwargs", flat=True)))
    run_worker()
    assert len(mail.outbox) == 2 and [report.email] in [message.to for message in mail.outbox]
    assert set(queued.values_list("status", flat=True)) == {"SUCCESSFUL"}
    assert not Notification.objects.unsent().exists()
    for message in mail.outbox:
        note = Notification.objects.get(subject=message.subject)
        assert message.extra_headers["Message-ID"] == note.message_id
        assert note.message_id == f"<{note.idempotency_key}@glazov-gov.ru>"


def test_a_failing_mail_server_loses_nothing_and_the_worker_retries_with_back_off(
    database_queue, django_capture_on_commit_callbacks, settings
):
    settings.EMAIL_BACKEND = BROKEN
    with django_capture_on_commit_callbacks(execute=True):
        report = make_report(email="", phone="+79001234567")
    note = report.notifications.get()
    before = timezone.now()
    run_worker()
    note.refresh_from_db()
    assert note.sent_at is None and note.attempts == 1 and "SMTP server unreachable" in note.last_error
    retry = DBTaskResult.objects.get(status="READY")
    assert retry.args_kwargs["args"] == [note.pk]
    wait = (retry.run_after - before).total_seconds()
    assert retry_delay(1) <= wait < retry_delay(1) + 30  # not at once: a minute later
    assert retry_delay(2) == 3 * retry_delay(1) and retry_delay(50) == settings.DEFERRED_RETRY_MAX_SECONDS

    # The server is back; the retry comes due.
    settings.EMAIL_BACKEND = LOCMEM
    DBTaskResult.objects.filter(pk=retry.pk).update(run_after=timezone.now())
    run_worker()
    note.refresh_from_db()
    assert note.sent_at is not None and note.attempts == 2 and note.last_error == ""
    assert len(mail.outbox) == 1
    assert not DBTaskResult.objects.filter(status="READY").exists()  # no more retries


def test_the_worker_stops_retrying_after_the_configured_attempts(
    database_queue, django_capture_on_commit_callbacks, settings
):
    settings.EMAIL_BACKEND, settings.FEEDBACK_EMAIL_MAX_ATTEMPTS = BROKEN, 2
    with django_capture_on_commit_callbacks(execute=True):
        report = make_report(email="", phone="+79001234567")
    for _ in range(3):
        DBTaskResult.objects.filter(status="READY").update(run_after=timezone.now())
        run_worker()
    assert report.notifications.get().attempts == 2
    assert not DBTaskResult.objects.filter(status="READY").exists()


def test_an_email_is_sent_at_most_once(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        report = make_report(email="", phone="+79001234567")
    note = report.notifications.get()
    # Another worker holds the row: this one does not send it.
    Notification.objects.filter(pk=note.pk).update(sending_since=timezone.now())
    assert deliver(note) is False and mail.outbox == []
    Notification.objects.filter(pk=note.pk).update(sending_since=None)
    assert send_notification.call(note.pk) is True
    assert send_notification.call(note.pk) is False  # a second task for the same row: nothing
    note.refresh_from_db()
    assert deliver(note) is False
    assert len(mail.outbox) == 1


def test_a_row_left_claimed_by_a_dead_worker_is_shown_as_stuck_and_not_resent(
    django_capture_on_commit_callbacks, settings
):
    with django_capture_on_commit_callbacks(execute=False):
        report = make_report(email="", phone="+79001234567")
    long_ago = timezone.now() - datetime.timedelta(seconds=settings.FEEDBACK_EMAIL_CLAIM_SECONDS + 60)
    Notification.objects.filter(report=report).update(sending_since=long_ago, created_at=long_ago)
    call_command("send_feedback_emails", stdout=open(os.devnull, "w"))  # noqa: SIM115
    assert mail.outbox == []
    assert list(Notification.objects.stuck()) == list(report.notifications.all())


def overdue_report(**overrides):
    report = make_report(**overrides)
    ProblemReport.objects.filter(pk=report.pk).update(
        due_date=timezone.localdate() - datetime.timedelta(days=2)
    )
    return report


def test_overdue_reminders_go_once_a_day_to_the_responsible_people(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        unassigned = overdue_report()
        assigned = overdue_report()
        make_report()  # not overdue
    moderator = staff_user("olga", "Модераторы обращений")
    ProblemReport.objects.filter(pk=assigned.pk).update(assignee=moderator)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert send_overdue_reminders.call() == 2
    with django_capture_on_commit_callbacks(execute=True):
        assert send_overdue_reminders.call() == 0  # the same day again: nothing new
    by_address = {message.to[0]: message for message in mail.outbox}
    assert set(by_address) == {"olga@example.org", "priemnaya@example.org"}
    assert assigned.number in by_address["olga@example.org"].body
    assert unassigned.number not in by_address["olga@example.org"].body
    reception = by_address["priemnaya@example.org"]
    assert unassigned.number in reception.body and "Просрочен ответ на 1 сообщение" in reception.subject
    assert f"/admin/snippets/feedback/problemreport/edit/{unassigned.pk}/" in reception.body
    for personal in ("Пётр Сидоров", "petr@example.org", "ул. Ленина", "Яма на дороге"):
        assert personal not in reception.body
    assert "@" not in Notification.objects.filter(kind="overdue").first().idempotency_key


def test_a_deleted_reports_photo_files_are_removed_after_commit(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        report = make_report(photos=2)
    paths = [photo.image.path for photo in report.photos.all()]
    assert all(os.path.exists(path) for path in paths)
    with django_capture_on_commit_callbacks(execute=True):
        report.delete()
    assert not any(os.path.exists(path) for path in paths)


def test_the_daily_clean_up_removes_only_old_files_no_row_points_to(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        report = make_report(photos=1)
    kept = report.photos.get().image.path
    folder = os.path.join(settings.FEEDBACK_PRIVATE_ROOT, "report-photos", "2020", "01")
    os.makedirs(folder, exist_ok=True)
    orphan, fresh = os.path.join(folder, "orphan.jpg"), os.path.join(folder, "fresh.jpg")
    for path in (orphan, fresh):
        with open(path, "wb") as file:
            file.write(b"x")
    two_hours_ago = time.time() - 7200
    os.utime(orphan, (two_hours_ago, two_hours_ago))
    os.utime(kept, (two_hours_ago, two_hours_ago))
    assert remove_orphan_photos.call() == 1
    assert not os.path.exists(orphan)
    assert os.path.exists(fresh)  # may belong to a report still being saved
    assert os.path.exists(kept) and ReportPhoto.objects.count() == 1


def test_the_daily_timer_enqueues_the_daily_jobs(database_queue):
    call_command("enqueue_daily_tasks", stdout=open(os.devnull, "w"))  # noqa: SIM115
    assert sorted(DBTaskResult.objects.values_list("task_path", flat=True)) == [
        "compliance.tasks.send_mandatory_reminders",
        "feedback.tasks.remove_orphan_photos",
        "feedback.tasks.send_overdue_reminders",
        "subscriptions.tasks.remove_lapsed_requests",
        "subscriptions.tasks.send_daily_digests",
    ]


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="needs a test database another process can open (PostgreSQL)"
)
@pytest.mark.django_db(transaction=True)
def test_the_real_db_worker_command_sends_a_queued_email(database_queue, django_capture_on_commit_callbacks):
    """`manage.py db_worker --batch` in its own process on this test's (committed) database; it exits
    as soon as the queue is empty (a Django start-up, a few seconds)."""
    report = make_report(email="", phone="+79001234567")
    note = report.notifications.get()
    queued = DBTaskResult.objects.filter(task_path="feedback.tasks.send_notification")
    assert queued.filter(status="READY").count() == 1
    database = connection.settings_dict
    host, port = database["HOST"] or "127.0.0.1", database["PORT"] or 5432
    url = f"postgres://{database['USER']}@{host}:{port}/{database['NAME']}"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "site_glazov.settings.dev",
        "DATABASE_URL": url,
        "TASKS_BACKEND": "django_tasks_db.DatabaseBackend",
        "EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "db_worker", "--batch", "--no-startup-delay", "--no-reload"],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert f"Message-ID: {note.message_id}" in result.stdout  # the console backend printed it
    note.refresh_from_db()
    assert note.sent_at is not None and note.attempts == 1
    assert set(queued.values_list("status", flat=True)) == {"SUCCESSFUL"}
