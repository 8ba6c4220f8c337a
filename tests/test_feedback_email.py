"""E-mails about reports: sent after commit, in the resident's language, and never lost when sending fails."""

import datetime
import logging

import pytest
from django.core import mail
from django.core.cache import cache
from django.core.mail.backends.base import BaseEmailBackend
from django.core.management import call_command
from django.utils import timezone

from feedback.models import Notification, ProblemReport, Status
from tests.feedback_helpers import FORM_URL, category, form_data, make_report, staff_user
from tests.helpers import REPORT_MODERATORS
from tests.test_feedback_inbox import edit_data, edit_url

pytestmark = pytest.mark.django_db


class BrokenMailServer(BaseEmailBackend):
    """A mail backend whose server is down."""

    def send_messages(self, email_messages):
        raise ConnectionRefusedError("SMTP server unreachable")


@pytest.fixture(autouse=True)
def fresh_rate_limit():
    cache.clear()


def test_emails_are_sent_only_after_the_report_is_committed(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        assert client.post(FORM_URL, form_data()).status_code == 302
    assert mail.outbox == []  # nothing leaves before the transaction commits
    assert Notification.objects.filter(sent_at__isnull=True).count() == 2
    for callback in callbacks:
        callback()
    report = ProblemReport.objects.get()
    to_resident, to_service = sorted(mail.outbox, key=lambda message: message.to != [report.email])
    assert to_resident.to == ["maria@example.org"]
    assert report.number in to_resident.subject
    assert f"/ru/feedback/status/{report.token}/" in to_resident.body
    assert "Мария Иванова" not in to_resident.body  # see the tests below
    assert to_service.to == [category().routing_email, "priemnaya@example.org"]
    assert report.number in to_service.subject and "Уличное освещение" in to_service.subject
    assert f"/admin/snippets/feedback/problemreport/edit/{report.pk}/" in to_service.body
    assert "maria@example.org" not in to_service.body  # staff find the contacts in the admin
    assert Notification.objects.filter(sent_at__isnull=True).count() == 0


def test_resident_without_email_gets_no_confirmation_but_the_service_is_told(
    client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(FORM_URL, form_data(email="", phone="+79123456789"))
    assert [message.to for message in mail.outbox] == [[category().routing_email, "priemnaya@example.org"]]


def test_confirmation_is_in_the_residents_language(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/en/feedback/", form_data())
    report = ProblemReport.objects.get()
    to_resident = next(message for message in mail.outbox if message.to == [report.email])
    assert f"Your report {report.number} has been received" == to_resident.subject
    assert "Street lighting" in to_resident.body
    assert f"/en/feedback/status/{report.token}/" in to_resident.body
    to_service = next(message for message in mail.outbox if message.to != [report.email])
    assert "Уличное освещение" in to_service.subject  # staff read Russian


def an_hour_passes():
    """The worker's back-off and the safety net's patience are both measured from stored times."""
    earlier = timezone.now() - datetime.timedelta(hours=1, minutes=1)
    Notification.objects.update(created_at=earlier, last_attempt_at=earlier)


def test_failing_mail_server_loses_nothing_and_the_retry_sends(
    client, settings, caplog, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "tests.test_feedback_email.BrokenMailServer"
    with (
        caplog.at_level(logging.WARNING, logger="feedback.tasks"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        response = client.post(FORM_URL, form_data())
    assert response.status_code == 302  # the resident still gets the number
    report = ProblemReport.objects.get()
    assert client.get("/ru/feedback/sent/").status_code == 200
    unsent = Notification.objects.filter(report=report, sent_at__isnull=True)
    assert unsent.count() == 2
    assert all("SMTP server unreachable" in note.last_error and note.attempts == 1 for note in unsent)
    assert all(note.sending_since is None for note in unsent)  # the claim is released
    assert "Could not send e-mail" in caplog.text
    assert report.email not in caplog.text  # the log names the row and the error's class only

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    call_command("send_feedback_emails", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert mail.outbox == []  # the worker's back-off is still running: the safety net waits
    an_hour_passes()
    call_command("send_feedback_emails", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert len(mail.outbox) == 2
    assert not Notification.objects.filter(sent_at__isnull=True).exists()
    an_hour_passes()
    call_command("send_feedback_emails", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert len(mail.outbox) == 2  # sent e-mails are not sent twice


def test_retry_gives_up_after_the_configured_attempts(settings, django_capture_on_commit_callbacks):
    settings.EMAIL_BACKEND = "tests.test_feedback_email.BrokenMailServer"
    settings.FEEDBACK_EMAIL_MAX_ATTEMPTS = 3
    with django_capture_on_commit_callbacks(execute=True):
        report = make_report()
    for _ in range(5):
        an_hour_passes()
        call_command("send_feedback_emails", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert set(report.notifications.values_list("attempts", flat=True)) == {3}


def test_failed_emails_show_on_the_dashboard(client, settings, django_capture_on_commit_callbacks):
    from tests.feedback_helpers import staff_user

    settings.EMAIL_BACKEND = "tests.test_feedback_email.BrokenMailServer"
    with django_capture_on_commit_callbacks(execute=True):
        make_report()
    client.force_login(staff_user("moderator", "Модераторы обращений"))
    assert "пока не удалось отправить" in client.get("/admin/").text


# What a resident typed into the form, distinctive enough that any copy of it in an e-mail shows.
PERSONAL = {
    "name": "Аграфена Кукушкина-Зюзина",
    "address": "переулок Тайный, 77, кв. 13",
    "description": "Лужа-хамелеон у подъезда номер девять меняет цвет по ночам.",
    "phone": "+79001112233",
}
CATEGORY_NAMES = {"ru": "Уличное освещение", "en": "Street lighting"}


def personal_data_in(message):
    """The pieces of the resident's own text found in the subject or the body of ``message``."""
    text = message.subject + "\n" + message.body
    found = [value for value in PERSONAL.values() if value in text]
    # Parts of them too: a surname alone, the street alone, a sentence of the description.
    parts = ["Кукушкина", "Аграфена", "Тайный", "кв. 13", "Лужа-хамелеон", "меняет цвет", "9001112233"]
    return found + [part for part in parts if part in text]


def report_from_the_form(client, language):
    client.post(f"/{language}/feedback/", form_data(**PERSONAL))
    return ProblemReport.objects.get()


def to_the_resident(report):
    return [message for message in mail.outbox if message.to == [report.email]]


@pytest.mark.parametrize("language", ["ru", "en"])
def test_the_confirmation_names_only_the_number_the_category_and_the_link(
    client, language, django_capture_on_commit_callbacks
):
    """The confirmation goes to an address nobody has verified, from the city's official sender."""
    with django_capture_on_commit_callbacks(execute=True):
        report = report_from_the_form(client, language)
    [confirmation] = to_the_resident(report)
    assert report.number in confirmation.subject and report.number in confirmation.body
    assert CATEGORY_NAMES[language] in confirmation.body
    assert f"/{language}/feedback/status/{report.token}/" in confirmation.body
    assert personal_data_in(confirmation) == []
    # The service's e-mail still has what it needs to act.
    [to_service] = [message for message in mail.outbox if message.to != [report.email]]
    assert PERSONAL["address"] in to_service.body and PERSONAL["description"] in to_service.body


@pytest.mark.parametrize("language", ["ru", "en"])
def test_status_and_answer_emails_carry_no_personal_data(
    client, language, django_capture_on_commit_callbacks
):
    """A moderator changes the status, then answers: each e-mail to the resident names no one and nowhere."""
    with django_capture_on_commit_callbacks(execute=True):
        report = report_from_the_form(client, language)
    client.force_login(staff_user("moderator", REPORT_MODERATORS))
    mail.outbox.clear()
    answer = "Опору заменят до конца месяца."
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(edit_url(report), edit_data(report, status=Status.ACCEPTED))
        assert response.status_code == 302
        report.refresh_from_db()
        response = client.post(edit_url(report), edit_data(report, public_answer=answer))
        assert response.status_code == 302
    status_mail, answer_mail = to_the_resident(report)
    for message in (status_mail, answer_mail):
        assert report.number in message.subject and report.number in message.body
        assert f"/{language}/feedback/status/{report.token}/" in message.body
        assert CATEGORY_NAMES[language] in message.body
        assert personal_data_in(message) == []
    assert answer in answer_mail.body  # the city's own answer, written without personal data
