"""Every path that changes a report's status (form, bulk action, shell) records history and e-mails once."""

import pytest
from django.core import mail

from feedback.models import Notification, ProblemReport, Status
from feedback.services import change_status
from feedback.viewsets import ProblemReportViewSet
from tests.feedback_helpers import make_report, staff_user
from tests.helpers import AUTHORS, EDITORS, REPORT_MODERATORS, TRANSLATORS

pytestmark = pytest.mark.django_db

LIST_URL = "/admin/snippets/feedback/problemreport/"
BULK_URL = "/admin/bulk/feedback/problemreport/change_status/"


@pytest.fixture
def moderator():
    return staff_user("moderator", REPORT_MODERATORS)


def edit_data(report, **overrides):
    data = {
        "category": report.category_id,
        "status": report.status,
        "assignee": report.assignee_id or "",
        "due_date": report.due_date.isoformat(),
        "duplicate_of": report.duplicate_of_id or "",
        "public_answer": report.public_answer,
        "internal_note": report.internal_note,
        "status_comment": "",
    }
    data.update(overrides)
    return data


def status_emails(report):
    return Notification.objects.filter(report=report, kind=Notification.Kind.STATUS).count()


def history(report):
    return list(report.status_changes.values_list("from_status", "to_status", "changed_by", "comment"))


def via_form(client, user, report, status, comment):
    client.force_login(user)
    response = client.post(
        f"{LIST_URL}edit/{report.pk}/", edit_data(report, status=status, status_comment=comment)
    )
    assert response.status_code == 302


def via_bulk(client, user, report, status, comment):
    client.force_login(user)
    response = client.post(
        f"{BULK_URL}?id={report.pk}&next={LIST_URL}", {"status": status, "status_comment": comment}
    )
    assert response.status_code == 302, response.text


def via_shell(client, user, report, status, comment):
    change_status(ProblemReport.objects.get(pk=report.pk), status, by=user, comment=comment)


def via_form_without_commit(client, user, report, status, comment):
    """The form's commit=False path: the caller saves the report, then save_m2m() finishes the change."""
    form_class = ProblemReportViewSet.edit_handler.bind_to_model(ProblemReport).get_form_class()
    form = form_class(
        edit_data(report, status=status, status_comment=comment), instance=report, for_user=user
    )
    assert form.is_valid(), form.errors
    saved = form.save(commit=False)
    saved.save()
    form.save_m2m()


PATHS = [via_form, via_bulk, via_shell, via_form_without_commit]


@pytest.mark.parametrize("path", PATHS, ids=lambda path: path.__name__)
def test_a_status_change_records_history_and_queues_one_email(
    client, moderator, path, django_capture_on_commit_callbacks
):
    report = make_report()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        path(client, moderator, report, Status.ACCEPTED, "Подтверждено выездом")
    report.refresh_from_db()
    assert report.status == Status.ACCEPTED
    assert history(report)[1:] == [(Status.NEW, Status.ACCEPTED, moderator.pk, "Подтверждено выездом")]
    assert status_emails(report) == 1
    assert [message.to for message in mail.outbox] == [[report.email]]
    assert "принято в работу" in mail.outbox[0].subject


@pytest.mark.parametrize("path", PATHS, ids=lambda path: path.__name__)
def test_no_change_records_nothing_and_sends_nothing(
    client, moderator, path, django_capture_on_commit_callbacks
):
    report = make_report()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        path(client, moderator, report, Status.NEW, "")
    assert len(history(report)) == 1  # only the arrival
    assert status_emails(report) == 0
    assert mail.outbox == []


@pytest.mark.parametrize("path", PATHS, ids=lambda path: path.__name__)
def test_closing_sets_the_closing_time(client, moderator, path):
    report = make_report()
    path(client, moderator, report, Status.RESOLVED, "")
    report.refresh_from_db()
    assert report.closed_at is not None


def test_the_shell_function_sets_the_public_answer_and_sends_it_once(django_capture_on_commit_callbacks):
    report = make_report()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        change_status(report, Status.PLANNED, by=None, public_answer="Яму засыплют до 15 мая.")
    report.refresh_from_db()
    assert report.public_answer == "Яму засыплют до 15 мая." and report.public_answer_at is not None
    assert len(mail.outbox) == 1 and "Яму засыплют до 15 мая." in mail.outbox[0].body
    # The answer alone changes: one more e-mail, no history entry.
    with django_capture_on_commit_callbacks(execute=True):
        assert change_status(report, Status.PLANNED, by=None, public_answer="Засыплют до 20 мая.") is None
    assert len(mail.outbox) == 2 and len(history(report)) == 2


def test_the_shell_function_refuses_a_duplicate_without_its_original():
    report = make_report()
    with pytest.raises(ValueError):
        change_status(report, Status.DUPLICATE, by=None)
    assert ProblemReport.objects.get(pk=report.pk).status == Status.NEW


def test_bulk_change_reaches_every_selected_report_with_one_email_each(
    client, moderator, django_capture_on_commit_callbacks
):
    reports = [make_report(), make_report(), make_report()]
    client.force_login(moderator)
    html = client.get(LIST_URL).text
    assert f'href="{BULK_URL}"' in html and "Сменить статус" in html
    ids = "&".join(f"id={report.pk}" for report in reports[:2])
    form = client.get(f"{BULK_URL}?{ids}")
    assert form.status_code == 200 and reports[0].number in form.text and "Новый статус" in form.text
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"{BULK_URL}?{ids}",
            {"status": Status.RESOLVED, "public_answer": "Фонари заменены.", "status_comment": "Рейд"},
        )
    assert response.status_code == 302
    for report in reports[:2]:
        report.refresh_from_db()
        assert report.status == Status.RESOLVED and report.public_answer == "Фонари заменены."
        assert history(report)[1:] == [(Status.NEW, Status.RESOLVED, moderator.pk, "Рейд")]
        assert status_emails(report) == 1
    assert len(mail.outbox) == 2
    untouched = ProblemReport.objects.get(pk=reports[2].pk)
    assert untouched.status == Status.NEW and status_emails(untouched) == 0


def test_bulk_change_offers_no_duplicate_status(client, moderator):
    report = make_report()
    client.force_login(moderator)
    response = client.post(f"{BULK_URL}?id={report.pk}", {"status": Status.DUPLICATE})
    assert response.status_code == 200  # the form again, with its error
    assert ProblemReport.objects.get(pk=report.pk).status == Status.NEW


@pytest.mark.parametrize("group", [AUTHORS, EDITORS, TRANSLATORS, None])
def test_other_staff_cannot_change_statuses_in_bulk(client, group):
    report = make_report()
    client.force_login(staff_user("someone", group))
    client.post(f"{BULK_URL}?id={report.pk}", {"status": Status.RESOLVED})
    assert ProblemReport.objects.get(pk=report.pk).status == Status.NEW
    assert status_emails(report) == 0
