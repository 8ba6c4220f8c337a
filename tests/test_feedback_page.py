"""The FeedbackPage in the page tree, its editor settings, and the demo content around it."""

import pytest
from django.core.exceptions import ValidationError
from wagtail.models import Page
from wagtail.test.utils import WagtailPageTestCase

from feedback.models import FeedbackPage, ProblemCategory
from home.models import HomePage, InfoPage
from tests.feedback_helpers import category, feedback_page
from tests.helpers import home_page

pytestmark = pytest.mark.django_db


class FeedbackPageRules(WagtailPageTestCase):
    def test_lives_under_a_home_page_only_and_has_no_children(self):
        self.assertCanCreateAt(HomePage, FeedbackPage)
        self.assertCanNotCreateAt(InfoPage, FeedbackPage)
        self.assertCanNotCreateAt(Page, FeedbackPage)
        self.assertAllowedSubpageTypes(FeedbackPage, {})

    def test_page_is_renderable(self):
        # Routing is checked over HTTP (see test_page_tree): assertPageIsRoutable ignores i18n_patterns.
        self.assertPageIsRenderable(FeedbackPage.objects.get(slug="feedback", locale__language_code="ru"))


@pytest.mark.parametrize("language", ["ru", "en", "udm"])
def test_form_answers_in_every_language(client, language):
    assert client.get(f"/{language}/feedback/").status_code == 200
    assert client.get(f"/{language}/feedback/sent/").status_code == 302
    assert client.get(f"/{language}/feedback/status/no-such-token/").status_code == 404


def test_demo_creates_the_page_in_every_language_and_links_it_from_home():
    for language in ("ru", "en", "udm"):
        assert feedback_page(language).live
    assert home_page().problem_cta_page.specific == feedback_page()
    assert feedback_page().privacy_page.slug == "privacy"
    assert feedback_page().official_appeal_page.slug == "contacts"
    assert feedback_page("en").title == "Solving it together"


def test_demo_categories_exist_in_russian_and_english():
    names = list(ProblemCategory.objects.filter(locale__language_code="ru").values_list("name", flat=True))
    assert names == ["Вывоз мусора", "Дороги и ямы", "Уличное освещение", "Благоустройство дворов", "Другое"]
    assert ProblemCategory.objects.filter(locale__language_code="en").count() == 5
    assert category().get_translation(feedback_page("en").locale).name == "Street lighting"


def test_page_offers_the_categories_editors_chose(client):
    page = feedback_page()
    page.categories.set([category("Вывоз мусора"), category("Дороги и ямы")])
    page.save_revision().publish()
    html = client.get("/ru/feedback/").text
    assert "Вывоз мусора" in html and "Дороги и ямы" in html
    assert "Уличное освещение" not in html


def test_deadline_and_notification_addresses_are_validated():
    page = feedback_page()
    page.notification_emails = "priemnaya@example.org\nне-адрес"
    page.deadline_days = 0
    with pytest.raises(ValidationError) as error:
        page.full_clean()
    assert "«не-адрес» не похоже на адрес электронной почты" in str(error.value)
    assert "deadline_days" in error.value.message_dict


def test_deadline_from_the_page_sets_the_due_date(client):
    page = feedback_page()
    page.deadline_days = 10
    page.save_revision().publish()
    from tests.feedback_helpers import make_report

    report = make_report(page=FeedbackPage.objects.get(pk=page.pk))
    assert (report.due_date - report.registered_on).days == 10
    assert "в течение 10 дней" in client.get("/ru/feedback/").text


def test_editor_can_open_the_page_editor(client):
    from tests.feedback_helpers import staff_user

    client.force_login(staff_user("editor", "Редакторы"))
    response = client.get(f"/admin/pages/{feedback_page().pk}/edit/")
    assert response.status_code == 200
    for label in (
        "Срок ответа, дней",
        "Адреса для уведомлений",
        "Текст согласия на обработку персональных данных",
    ):
        assert label.lower() in response.text.lower()
