"""Subscriptions: the subscribe page, double opt-in through the outbox, signed expiring links."""

import re

import pytest
from django.core import mail, signing
from django.test import Client
from django.utils import timezone, translation

from feedback.models import Notification, RateLimitEvent
from news.models import DecisionKind, Rubric
from subscriptions import tokens
from subscriptions.forms import CONSENT_TEXT
from subscriptions.models import Subscription, address_key
from tests.factories import DecisionPageFactory
from tests.helpers import decision_registry, news_index

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("without_the_demo_subscriber")]

ADDRESS = "Resident@Example.org"


def subscribe(client, language="ru", **data):
    form = {"email": ADDRESS, "topic": "news", "frequency": "immediate", "consent": "on", **data}
    return client.post(f"/{language}/subscribe/", form)


def confirm_link(message):
    return re.search(r"http://testserver(/\w+/subscribe/confirm/[^/\s]+/)", message.body).group(1)


def test_the_page_lists_topics_in_the_visitors_language(client):
    rubric = Rubric.objects.filter(locale__language_code="en").first()
    page = client.get("/en/subscribe/")
    assert page.status_code == 200
    text = page.text
    assert 'name="consent"' in text and 'name="email"' in text
    assert f'value="rubric:{rubric.pk}"' in text and rubric.name in text
    kind = DecisionKind.objects.get(slug="reshenie", locale__language_code="ru")
    assert f'value="kind:{kind.pk}"' in client.get("/ru/subscribe/").text
    # Never stored by the page cache or a proxy, never indexed.
    assert "no-store" in page["Cache-Control"] and "noindex" in page["X-Robots-Tag"]


def test_a_form_with_errors_keeps_what_was_typed_and_says_what_to_fix(client):
    response = subscribe(client, consent="", topic="decisions", frequency="daily")
    assert response.status_code == 400
    text = response.text
    assert "Без согласия на обработку адреса мы не можем присылать письма." in text
    assert f'value="{ADDRESS}"' in text
    assert re.search(r'value="decisions"[^>]*selected', text)
    assert re.search(r'value="daily"[^>]*checked', text)
    assert not Subscription.objects.exists() and not Notification.objects.exists()
    bad = subscribe(client, email="not-an-address")
    assert "Проверьте адрес" in bad.text


def test_double_opt_in_sends_a_confirmation_and_activates_only_after_the_link(
    client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = subscribe(client, language="en", frequency="daily")
    assert response.status_code == 302 and response["Location"] == "/en/subscribe/sent/"
    subscription = Subscription.objects.get()
    assert subscription.confirmed_at is None and subscription.language == "en"
    assert subscription.frequency == "daily"
    with translation.override("en"):
        assert subscription.consent_text == str(CONSENT_TEXT)  # the text agreed to, word for word
    assert subscription.consent_at is not None
    [message] = mail.outbox
    assert message.to == [ADDRESS]
    note = Notification.objects.get(kind=Notification.Kind.SUBSCRIPTION)
    assert note.sent_at is not None and message.extra_headers["Message-ID"] == note.message_id
    assert ADDRESS not in note.idempotency_key
    # What was asked for, in the resident's language.
    assert "All city news" in message.body or "Все новости города" in message.body
    link = confirm_link(message)
    assert link.startswith("/en/")
    # Opening the link (a mail scanner does) confirms nothing: a button does.
    page = client.get(link)
    assert page.status_code == 200 and 'id="confirm-subscription"' in page.text
    subscription.refresh_from_db()
    assert subscription.confirmed_at is None
    done = client.post(link)
    assert 'id="subscription-confirmed"' in done.text
    subscription.refresh_from_db()
    assert subscription.confirmed_at is not None
    assert "no-store" in done["Cache-Control"]


def test_an_expired_or_broken_link_says_which(client, settings, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        subscribe(client)
    link = confirm_link(mail.outbox[0])
    token = link.rstrip("/").rsplit("/", 1)[1]
    assert client.get(link.replace(token, token[:-2] + "xx")).status_code == 400
    settings.SUBSCRIPTION_CONFIRM_SECONDS = -1
    expired = client.post(link)
    assert expired.status_code == 410 and "Срок ссылки истёк" in expired.text
    assert Subscription.objects.get().confirmed_at is None
    # A token of another kind (the one-click unsubscribe one) does not confirm either.
    other = tokens.make(tokens.UNSUBSCRIBE, Subscription.objects.get().pk)
    assert client.post(f"/ru/subscribe/confirm/{other}/").status_code == 400


def test_the_answer_is_the_same_whether_or_not_the_address_is_subscribed(
    client, django_capture_on_commit_callbacks
):
    Subscription.objects.create(
        email=ADDRESS, topic="news", language="ru", consent_text="…", confirmed_at=timezone.now()
    )
    with django_capture_on_commit_callbacks(execute=True):
        again = subscribe(client)
        fresh = subscribe(client, email="other@example.org")
    assert again.status_code == fresh.status_code == 302 and again["Location"] == fresh["Location"]
    assert [message.to for message in mail.outbox] == [["other@example.org"]]
    assert Subscription.objects.count() == 2


def test_requests_are_limited_per_address(client, settings, django_capture_on_commit_callbacks):
    settings.SUBSCRIPTION_REQUESTS_PER_DAY = 2
    rubrics = list(Rubric.objects.filter(locale__language_code="ru")[:3])
    with django_capture_on_commit_callbacks(execute=True):
        for rubric in rubrics:
            assert subscribe(client, topic=f"rubric:{rubric.pk}").status_code == 302
        # The same topic again at once: no second e-mail.
        subscribe(client, topic=f"rubric:{rubrics[0].pk}")
    assert len(mail.outbox) == 2
    assert Subscription.objects.filter(address_key=address_key(ADDRESS.upper())).count() == 2


def test_a_decision_can_be_followed_from_its_page(client, django_capture_on_commit_callbacks):
    decision = DecisionPageFactory(parent=decision_registry())
    page = client.get(decision.url)
    assert f"/ru/subscribe/?decision={decision.pk}" in page.text
    form = client.get(f"/ru/subscribe/?decision={decision.pk}").text
    assert f'value="decision:{decision.pk}"' in form and decision.title in form
    with django_capture_on_commit_callbacks(execute=True):
        subscribe(client, topic=f"decision:{decision.pk}", decision=decision.pk)
    subscription = Subscription.objects.get()
    assert subscription.topic == "decision" and subscription.decision_id == decision.pk
    # An unpublished decision cannot be followed.
    decision.unpublish()
    assert f'value="decision:{decision.pk}"' not in client.get(f"/ru/subscribe/?decision={decision.pk}").text


def test_news_list_registry_and_rubric_pages_link_to_the_form(client):
    assert 'href="/ru/subscribe/?topic=news"' in client.get(news_index().url).text
    assert 'href="/ru/subscribe/?topic=decisions"' in client.get(decision_registry().url).text
    rubric = Rubric.objects.filter(locale__language_code="ru").first()
    text = client.get(f"{news_index().url}?rubric={rubric.slug}").text
    assert f'href="/ru/subscribe/?topic=rubric:{rubric.pk}"' in text
    form = client.get(f"/ru/subscribe/?topic=rubric:{rubric.pk}").text
    assert re.search(rf'value="rubric:{rubric.pk}"[^>]*selected', form)


def test_tokens_carry_no_address():
    token = tokens.manage_token(address_key(ADDRESS))
    assert "example" not in signing.b64_decode(token.split(":")[0].encode()).decode().lower()


def test_the_confirmation_lapses_after_its_period(settings):
    subscription = Subscription.objects.create(email=ADDRESS, topic="news", language="ru", consent_text="…")
    token = tokens.confirm_token(subscription)
    assert tokens.read_confirm_token(token) == subscription.pk
    settings.SUBSCRIPTION_CONFIRM_SECONDS = -1
    with pytest.raises(tokens.Expired):
        tokens.read_confirm_token(token)


def test_requests_are_limited_per_client(client, settings, django_capture_on_commit_callbacks):
    settings.SUBSCRIPTION_CLIENT_RATE_LIMIT = (2, 3600)
    with django_capture_on_commit_callbacks(execute=True):
        assert subscribe(client, email="one@example.org").status_code == 302
        assert subscribe(client, email="two@example.org").status_code == 302
        third = subscribe(client, email="three@example.org")
        other_client = subscribe(Client(REMOTE_ADDR="192.0.2.7"), email="four@example.org")
    assert third.status_code == 429 and "Попробуйте ещё раз через час" in third.text
    assert other_client.status_code == 302
    assert recipients() == ["four@example.org", "one@example.org", "two@example.org"]
    # What is counted is a keyed hash of the client, never its address or the e-mail.
    clients = set(RateLimitEvent.objects.filter(kind="subscribe").values_list("client", flat=True))
    assert len(clients) == 2 and not any("127.0.0.1" in key or "@" in key for key in clients)


def recipients():
    return sorted(address for message in mail.outbox for address in message.to)
