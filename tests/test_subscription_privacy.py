"""Subscribers' addresses never reach a log line, a cache key or entry, or a cached page."""

import logging
import pickle
import re
import smtplib

import pytest
from django.core import mail
from django.core.cache import cache
from django.core.mail.backends.locmem import EmailBackend
from django.test import Client

from feedback.models import Notification
from subscriptions.models import Subscription
from tests.factories import NewsPageFactory
from tests.feedback_helpers import staff_user
from tests.helpers import REPORT_MODERATORS, news_index

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("without_the_demo_subscriber")]

ADDRESS = "Private.Person@example.org"


class RefusingBackend(EmailBackend):
    """A mail server that refuses the recipient, quoting the address in its error."""

    def send_messages(self, messages):
        raise smtplib.SMTPRecipientsRefused({ADDRESS: (550, f"{ADDRESS}: mailbox unavailable".encode())})


def everything_cached():
    """Keys and pickled values of the local-memory cache the tests use."""
    return [(key, pickle.dumps(value)) for key, value in cache._cache.items()]


def subscribe_and_confirm(client, capture):
    with capture(execute=True):
        client.post(
            "/ru/subscribe/",
            {"email": ADDRESS, "topic": "news", "frequency": "immediate", "consent": "on"},
        )
    link = re.search(r"http://testserver(\S+/confirm/\S+/)", mail.outbox[-1].body).group(1)
    client.post(link)
    assert Subscription.objects.confirmed().count() == 1
    return link


def test_no_subscription_page_is_served_from_the_page_cache(django_capture_on_commit_callbacks):
    client = Client()
    link = subscribe_and_confirm(client, django_capture_on_commit_callbacks)
    manage = re.search(r'href="(/ru/subscribe/manage/[^"]+)"', client.get(link).text).group(1)
    for url in ("/ru/subscribe/", "/ru/subscribe/sent/", link, manage, "/ru/subscribe/?topic=decisions"):
        for _ in range(2):
            response = Client().get(url)
            assert response.headers.get("X-Cache") != "HIT", url
            assert "no-store" in response["Cache-Control"], url
    # The form's POST, with errors, is not stored either.
    Client().post("/ru/subscribe/", {"email": ADDRESS})
    assert Client().get("/ru/subscribe/").headers.get("X-Cache") != "HIT"
    assert ADDRESS not in Client().get("/ru/subscribe/").text


def test_the_address_is_in_no_log_line_and_no_cache_entry(
    caplog, settings, django_capture_on_commit_callbacks
):
    caplog.set_level(logging.DEBUG)
    client = Client()
    subscribe_and_confirm(client, django_capture_on_commit_callbacks)
    settings.EMAIL_BACKEND = "tests.test_subscription_privacy.RefusingBackend"
    item = NewsPageFactory(parent=news_index(), live=False)
    with django_capture_on_commit_callbacks(execute=True):
        item.save_revision().publish()
    client.get(news_index().url)
    client.get(item.url)
    logged = [record.getMessage() for record in caplog.records]
    assert any("Could not send e-mail" in line for line in logged)  # the failure was logged
    assert everything_cached()  # the pages above were cached: there is something to search
    for needle in (ADDRESS, ADDRESS.lower(), "Private.Person"):
        assert not any(needle.lower() in line.lower() for line in logged), needle
        for key, value in everything_cached():
            assert needle.lower() not in key.lower() and needle.encode() not in value, key


def test_the_email_queue_shows_a_subscribers_email_without_the_address(client):
    Notification.objects.create(
        kind=Notification.Kind.SUBSCRIPTION, recipients=ADDRESS, subject="Новость: ярмарка", body="…"
    )
    client.force_login(staff_user("moderator", REPORT_MODERATORS))
    page = client.get("/admin/feedback/email-queue/")
    assert page.status_code == 200 and "Новость: ярмарка" in page.text
    assert ADDRESS not in page.text and ADDRESS.lower() not in page.text.lower()
