"""Managing subscriptions without an account: the signed page, and RFC 8058 one-click unsubscribe."""

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from feedback.models import Notification
from feedback.tasks import deliver
from news.models import Rubric
from subscriptions import services, tokens
from subscriptions.models import Subscription, address_key

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("without_the_demo_subscriber")]

ADDRESS = "resident@example.org"


def confirmed(email=ADDRESS, **fields):
    fields.setdefault("topic", "news")
    return Subscription.objects.create(
        email=email, language="ru", consent_text="…", confirmed_at=timezone.now(), **fields
    )


def manage_url(email=ADDRESS):
    return f"/ru/subscribe/manage/{tokens.manage_token(address_key(email))}/"


def unsubscribe_url(subscription):
    return f"/ru/subscribe/unsubscribe/{tokens.unsubscribe_token(subscription)}/"


@pytest.fixture
def two_topics():
    rubric = Rubric.objects.filter(locale__language_code="ru").first()
    return confirmed(), confirmed(topic="rubric", rubric=rubric, frequency="daily")


def test_the_page_lists_only_this_addresss_subscriptions(client, two_topics):
    other = confirmed(email="neighbour@example.org", topic="decisions")
    # Not confirmed: not shown.
    Subscription.objects.create(email=ADDRESS, topic="decisions", language="ru", consent_text="…")
    page = client.get(manage_url())
    assert page.status_code == 200 and "no-store" in page["Cache-Control"]
    text = page.text
    assert "Все новости города" in text and f"Новости рубрики «{two_topics[1].rubric.name}»" in text
    assert "Все новые решения городской Думы" not in text  # the neighbour's, and the unconfirmed one
    assert ADDRESS not in text and "r•••@example.org" in text
    assert f'name="subscription" value="{other.pk}"' not in text
    assert client.get(manage_url()[:-3] + "x/").status_code == 400


def test_frequency_changes_and_one_topic_goes(client, two_topics):
    news, rubric = two_topics
    client.get(manage_url())  # the CSRF cookie, as a browser gets it
    client.post(manage_url(), {"action": "frequency", "subscription": news.pk, "frequency": "daily"})
    news.refresh_from_db()
    assert news.frequency == "daily"
    response = client.post(manage_url(), {"action": "remove", "subscription": rubric.pk}, follow=True)
    assert "Вы отписались от этой темы." in response.text
    assert list(Subscription.objects.all()) == [news]


def test_a_link_cannot_touch_another_addresss_subscription(client, two_topics):
    neighbour = confirmed(email="neighbour@example.org")
    client.post(manage_url(), {"action": "remove", "subscription": neighbour.pk})
    client.post(manage_url(), {"action": "frequency", "subscription": neighbour.pk, "frequency": "daily"})
    neighbour.refresh_from_db()
    assert neighbour.frequency == "immediate"


def test_unsubscribing_from_everything_forgets_the_address(client, two_topics):
    sent = Notification.objects.create(
        kind=Notification.Kind.SUBSCRIPTION, recipients=ADDRESS, subject="s", body="b", sent_at=timezone.now()
    )
    report_email = Notification.objects.create(
        kind=Notification.Kind.STATUS, recipients=ADDRESS, subject="s", body="b"
    )
    client.post(manage_url(), {"action": "remove_all"})
    assert not Subscription.objects.exists()
    assert not Notification.objects.filter(pk=sent.pk).exists()
    assert Notification.objects.filter(pk=report_email.pk).exists()  # a report's e-mails are not ours
    assert "Подписок на этот адрес нет." in client.get(manage_url()).text


def test_one_click_post_works_without_cookies_or_csrf_token(two_topics):
    news, rubric = two_topics
    strict = Client(enforce_csrf_checks=True)
    response = strict.post(
        unsubscribe_url(news), "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 200 and 'id="unsubscribed"' in response.text
    assert list(Subscription.objects.all()) == [rubric]  # only that one topic
    # Again (a mail program retrying): still a success, nothing else changes.
    assert strict.post(unsubscribe_url(news)).status_code == 200
    assert list(Subscription.objects.all()) == [rubric]


def test_opening_the_unsubscribe_link_only_asks(client, two_topics):
    news, _rubric = two_topics
    page = client.get(unsubscribe_url(news))
    assert page.status_code == 200 and 'id="confirm-unsubscribe"' in page.text
    assert Subscription.objects.filter(pk=news.pk).exists()
    assert "Другие подписки и отписка от всех" in page.text


def test_a_forged_or_foreign_token_removes_nothing(two_topics):
    news, _rubric = two_topics
    strict = Client(enforce_csrf_checks=True)
    assert strict.post(f"/ru/subscribe/unsubscribe/{news.pk}/").status_code == 400
    foreign = tokens.make(tokens.CONFIRM, news.pk)
    assert strict.post(f"/ru/subscribe/unsubscribe/{foreign}/").status_code == 400
    # Only the one-click view is exempt from CSRF: the management page is not.
    assert strict.post(manage_url(), {"action": "remove_all"}).status_code == 403
    assert Subscription.objects.count() == 2


def test_an_alert_carries_the_rfc_8058_headers(two_topics):
    news, _rubric = two_topics
    links, headers = services.email_links(news)
    assert headers["List-Unsubscribe"] == f"<http://testserver{unsubscribe_url(news)}>"
    assert headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert links["manage_url"] == f"http://testserver{manage_url()}"
    note = Notification.objects.create(
        kind=Notification.Kind.SUBSCRIPTION, recipients=ADDRESS, subject="s", body="b", headers=headers
    )
    assert deliver(note)
    [message] = mail.outbox
    assert message.extra_headers["List-Unsubscribe"] == headers["List-Unsubscribe"]
    assert message.extra_headers["Message-ID"] == note.message_id
    assert "List-Unsubscribe-Post: List-Unsubscribe=One-Click" in message.message().as_string()
