"""Alerts and digests: sent once to each confirmed subscriber of a matching topic, in their language,
only for public items, by the worker after the publish commits."""

import datetime

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone
from wagtail.models import PageViewRestriction

from feedback.models import Notification
from news.models import DecisionKind, Rubric
from subscriptions import sending, tasks
from subscriptions.models import Announcement, Subscription
from tests.factories import DecisionPageFactory, NewsPageFactory
from tests.helpers import decision_registry, news_index

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("without_the_demo_subscriber")]


def subscriber(email, confirmed=True, **fields):
    fields.setdefault("topic", "news")
    fields.setdefault("language", "ru")
    return Subscription.objects.create(
        email=email,
        consent_text="…",
        confirmed_at=timezone.now() - datetime.timedelta(days=1) if confirmed else None,
        **fields,
    )


def publish_news(rubrics=(), capture=None, **fields):
    item = NewsPageFactory(parent=news_index(), live=False, **fields)
    item.rubrics.set(rubrics)
    with capture(execute=True):
        item.save_revision().publish()
    return item


def recipients():
    return sorted(address for message in mail.outbox for address in message.to)


def test_a_news_item_alerts_each_confirmed_subscriber_of_its_topics_once(django_capture_on_commit_callbacks):
    rubric, other = Rubric.objects.filter(locale__language_code="ru")[:2]
    subscriber("all@example.org")
    subscriber("rubric@example.org", topic="rubric", rubric=rubric)
    subscriber("other@example.org", topic="rubric", rubric=other)
    subscriber("unconfirmed@example.org", confirmed=False)
    subscriber("daily@example.org", frequency="daily")
    subscriber("decisions@example.org", topic="decisions")
    item = publish_news([rubric], django_capture_on_commit_callbacks)
    assert recipients() == ["all@example.org", "rubric@example.org"]
    message = mail.outbox[0]
    assert item.title in message.subject and item.full_url in message.body
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert message.extra_headers["List-Unsubscribe"].startswith(
        "<http://testserver/ru/subscribe/unsubscribe/"
    )
    assert "/ru/subscribe/manage/" in message.body
    # Published again (an edit): nobody is told twice.
    with django_capture_on_commit_callbacks(execute=True):
        item.save_revision().publish()
    assert len(mail.outbox) == 2 and Announcement.objects.filter(page=item).count() == 1
    # The task run again (a retry): the outbox keys stop a second message.
    assert tasks.send_alerts.call(Announcement.objects.get(page=item).pk) == 0
    assert len(mail.outbox) == 2


def test_publishing_only_enqueues_and_sends_after_commit(django_capture_on_commit_callbacks):
    subscriber("all@example.org")
    item = NewsPageFactory(parent=news_index(), live=False)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        item.save_revision().publish()
    assert mail.outbox == [] and not Notification.objects.filter(kind="subscription").exists()
    with django_capture_on_commit_callbacks(execute=True):
        for callback in callbacks:
            callback()
    assert recipients() == ["all@example.org"]


def test_a_private_item_is_not_announced(django_capture_on_commit_callbacks):
    subscriber("all@example.org")
    item = NewsPageFactory(parent=news_index(), live=False)
    PageViewRestriction.objects.create(page=item, restriction_type=PageViewRestriction.LOGIN)
    with django_capture_on_commit_callbacks(execute=True):
        item.save_revision().publish()
    assert mail.outbox == [] and not Announcement.objects.filter(page=item).exists()


def test_decisions_alert_subscribers_of_all_or_of_that_kind(django_capture_on_commit_callbacks):
    reshenie = DecisionKind.objects.get(slug="reshenie", locale__language_code="ru")
    other_kind = DecisionKind.objects.filter(locale__language_code="ru").exclude(pk=reshenie.pk).first()
    subscriber("all@example.org", topic="decisions")
    subscriber("kind@example.org", topic="decisions", decision_kind=reshenie)
    subscriber("other@example.org", topic="decisions", decision_kind=other_kind)
    subscriber("news@example.org")
    decision = DecisionPageFactory(parent=decision_registry(), live=False)
    with django_capture_on_commit_callbacks(execute=True):
        decision.save_revision().publish()
    assert recipients() == ["all@example.org", "kind@example.org"]
    assert decision.display_number in mail.outbox[0].body


def test_an_english_subscriber_gets_the_email_in_english(django_capture_on_commit_callbacks):
    subscriber("en@example.org", language="en")
    publish_news((), django_capture_on_commit_callbacks)
    [message] = mail.outbox
    assert "/en/subscribe/manage/" in message.body and "/en/subscribe/unsubscribe/" in message.body
    assert "<http://testserver/en/subscribe/unsubscribe/" in message.extra_headers["List-Unsubscribe"]


def test_the_daily_digest_groups_the_days_items_and_caps_them(settings, django_capture_on_commit_callbacks):
    daily = subscriber("daily@example.org", frequency="daily")
    Subscription.objects.filter(pk=daily.pk).update(confirmed_at=timezone.now())  # after the demo news
    subscriber("immediate@example.org")
    monkey_cap = sending.DIGEST_MAX_ITEMS
    sending.DIGEST_MAX_ITEMS = 2
    try:
        items = [publish_news((), django_capture_on_commit_callbacks) for _ in range(3)]
        mail.outbox.clear()
        with django_capture_on_commit_callbacks(execute=True):
            assert tasks.send_daily_digests.call() == 1
    finally:
        sending.DIGEST_MAX_ITEMS = monkey_cap
    [digest] = mail.outbox
    assert digest.to == ["daily@example.org"]
    assert items[0].title in digest.body and items[1].title in digest.body
    assert items[2].title not in digest.body  # capped, with a link to the rest
    assert "первые 2 из 3" in digest.body and news_index().full_url in digest.body
    assert "List-Unsubscribe" in digest.extra_headers
    # The next day's run has nothing new: no e-mail.
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.send_daily_digests.call() == 0
    daily.refresh_from_db()
    assert daily.last_digest_at is not None


def test_lapsed_requests_are_deleted(settings):
    old = subscriber("old@example.org", confirmed=False)
    Subscription.objects.filter(pk=old.pk).update(created_at=timezone.now() - datetime.timedelta(days=4))
    fresh = subscriber("fresh@example.org", confirmed=False)
    for address in ("old@example.org", "fresh@example.org"):
        Notification.objects.create(kind="subscription", recipients=address, subject="s", body="b")
    assert tasks.remove_lapsed_requests.call() == 1
    assert list(Subscription.objects.all()) == [fresh]
    # The lapsed request's confirmation e-mail is gone from the outbox with its address.
    assert list(Notification.objects.filter(kind="subscription").values_list("recipients", flat=True)) == [
        "fresh@example.org"
    ]


def test_the_daily_command_enqueues_the_digest(monkeypatch):
    seen = []
    monkeypatch.setattr(
        "feedback.management.commands.enqueue_daily_tasks.enqueue", lambda task: seen.append(task.name) or 1
    )
    call_command("enqueue_daily_tasks", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert "send_daily_digests" in seen and "remove_lapsed_requests" in seen


def test_followers_of_a_decision_hear_of_its_changes_and_of_its_repeal(django_capture_on_commit_callbacks):
    old = DecisionPageFactory(parent=decision_registry(), live=False)
    with django_capture_on_commit_callbacks(execute=True):
        old.save_revision().publish()
    subscriber("follower@example.org", topic="decision", decision=old)
    subscriber("all@example.org", topic="decisions")
    mail.outbox.clear()
    # Published again unchanged: nobody is told.
    with django_capture_on_commit_callbacks(execute=True):
        old.save_revision().publish()
    assert mail.outbox == []
    # A new decision repeals it: the follower hears of the repeal, «all decisions» of the new act.
    new = DecisionPageFactory(parent=decision_registry(), live=False)
    new.repeals.set([old])
    with django_capture_on_commit_callbacks(execute=True):
        new.save_revision().publish()
    assert recipients() == ["all@example.org", "follower@example.org"]
    change = next(message for message in mail.outbox if message.to == ["follower@example.org"])
    assert "Изменилось решение" in change.subject and old.title in change.subject
    assert "утратил" in change.body.lower()
    assert change.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    # The same change is not told twice (the task run again).
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.send_decision_changes.call(new.pk) == 0
    assert mail.outbox == []


@pytest.mark.parametrize("language", ["ru", "en", "udm"])
def test_alerts_render_in_each_language(language, django_capture_on_commit_callbacks):
    subscriber("reader@example.org", language=language)
    item = publish_news((), django_capture_on_commit_callbacks)
    [message] = mail.outbox
    assert item.title in message.subject and item.full_url in message.body
    assert f"/{language}/subscribe/manage/" in message.body
    assert (
        f"<http://testserver/{language}/subscribe/unsubscribe/" in message.extra_headers["List-Unsubscribe"]
    )
    assert "{%" not in message.body and "{{" not in message.body
