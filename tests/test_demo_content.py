"""The demo command builds the city's tree and is safe to run again."""

import io

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from wagtail.models import Page, PageLogEntry, Revision

from home.models import FooterContacts, HomePage
from subscriptions.demo import DEMO_ADDRESS
from subscriptions.models import Subscription
from tests.factories import NewsPageFactory
from tests.helpers import news_index, page_by_slug

pytestmark = pytest.mark.django_db


def snapshot():
    return {
        "pages": list(Page.objects.order_by("path").values_list("path", "title", "live", "numchild")),
        "revisions": Revision.objects.count(),
        "log": PageLogEntry.objects.count(),
        "footers": list(FooterContacts.objects.values_list("locale__language_code", "organisation")),
    }


def test_second_run_changes_nothing():
    before = snapshot()
    call_command("load_demo_content", verbosity=0)
    assert snapshot() == before


def test_tree_has_the_seed_pages_with_stable_slugs():
    assert HomePage.objects.count() == 3  # one per language
    assert page_by_slug("about").title == "О городе"
    assert page_by_slug("contacts").title == "Контакты"
    association = page_by_slug("innovative-cities")
    assert association.get_parent().slug == "about"
    assert "коммуникативная площадка" in str(association.body)


def test_home_page_carries_the_seed_call_to_action(client):
    html = client.get("/ru/").text
    assert "Решаем вместе" in html
    assert "Не убран мусор, яма на дороге, не горит фонарь? Столкнулись с проблемой — сообщите о ней!" in html


def test_footer_contacts_come_from_the_snippet_in_each_language(client):
    assert "ул. Динамо, д. 6" in client.get("/ru/").text
    assert "6 Dinamo St." in client.get("/en/").text
    # No Udmurt translation yet: the Russian contacts, not nothing and not English.
    assert "ул. Динамо, д. 6" in client.get("/udm/").text


def test_demo_accounts_are_refused_outside_development(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError):
        call_command("create_demo_users", verbosity=0)


def test_demo_accounts_cover_every_staff_group(settings, django_user_model):
    settings.DEBUG = True
    call_command("create_demo_users", stdout=io.StringIO())
    call_command("create_demo_users", stdout=io.StringIO())  # a second run changes nothing
    assert django_user_model.objects.get(username="admin").is_superuser
    groups = set(django_user_model.objects.values_list("groups__name", flat=True))
    assert {"Редакторы", "Авторы", "Модераторы обращений", "Переводчики"} <= groups
    assert django_user_model.objects.get(username="translator").check_password("glazov-demo")


def test_a_new_production_site_gets_the_structure_without_the_examples(client):
    """`setup_site` (docs/operations.md): what the demo has, minus its news, decision and addresses."""
    from feedback.models import FeedbackPage, ProblemCategory
    from news.models import DecisionKind, DecisionPage, NewsPage, Rubric

    for home in HomePage.objects.exclude(locale__language_code="ru"):
        home.delete()
    HomePage.objects.get().delete()  # with every page below it and the site it is the root of
    for model in (ProblemCategory, Rubric, FooterContacts):  # the kinds of act come with migrations
        model.objects.all().delete()
    assert not Page.objects.filter(depth__gt=1).exists()

    out = io.StringIO()
    call_command("setup_site", stdout=out)
    assert "Структура портала создана" in out.getvalue()

    assert HomePage.objects.count() == 3
    assert (NewsPage.objects.count(), DecisionPage.objects.count()) == (0, 0)
    assert Rubric.objects.filter(locale__language_code="ru").exists()
    assert DecisionKind.objects.filter(locale__language_code="ru").exists()
    assert list(
        FeedbackPage.objects.filter(locale__language_code="ru").values_list("notification_emails", flat=True)
    ) == [""]
    categories = ProblemCategory.objects.filter(locale__language_code="ru")
    assert categories.count() == 5
    assert set(categories.values_list("routing_email", flat=True)) == {""}
    for url in (
        "/ru/",
        "/ru/news/",
        "/ru/decisions/",
        "/ru/feedback/",
        "/ru/about/",
        "/en/",
        "/en/news/",
        "/udm/",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert "example.org" not in response.text, url
        assert "демо" not in response.text.lower(), url

    before = snapshot()
    call_command("setup_site", stdout=io.StringIO())
    assert snapshot() == before, "a second run changes nothing"


def test_the_demo_subscriber_gets_an_alert_when_a_news_item_is_published(django_capture_on_commit_callbacks):
    """`make run`: an editor publishes a news item and the console shows the alert."""
    assert Subscription.objects.confirmed().filter(email=DEMO_ADDRESS).count() == 1
    item = NewsPageFactory(parent=news_index(), live=False)
    with django_capture_on_commit_callbacks(execute=True):
        item.save_revision().publish()
    assert [message.to for message in mail.outbox] == [[DEMO_ADDRESS]]
    assert item.title in mail.outbox[0].subject
