"""Staff groups, checked from the outside: what each role can open and do in the admin."""

import pytest
from django.contrib.auth.models import Group
from wagtail.models import Workflow

from tests.helpers import page_by_slug

pytestmark = pytest.mark.django_db


@pytest.fixture
def login_as(client, django_user_model):
    def login(group_name):
        user = django_user_model.objects.create_user(username=f"user-{group_name}", password="x")
        user.groups.add(Group.objects.get(name=group_name))
        client.force_login(user)
        return client

    return login


def edit_url(slug, language="ru"):
    return f"/admin/pages/{page_by_slug(slug, language).pk}/edit/"


def can_open(client, url):
    response = client.get(url)
    return response.status_code == 200


def test_anonymous_visitor_is_sent_to_the_login(client):
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


def test_editor_edits_and_publishes_russian_pages(login_as):
    client = login_as("Редакторы")
    html = client.get(edit_url("about")).text
    assert 'name="action-publish"' in html
    home_id = page_by_slug("about").get_parent().pk
    assert can_open(client, f"/admin/pages/add/home/infopage/{home_id}/")


def test_author_writes_but_submits_for_moderation(login_as):
    client = login_as("Авторы")
    html = client.get(edit_url("about")).text
    assert 'name="action-submit"' in html
    assert 'name="action-publish"' not in html


def test_translator_edits_translations_but_not_the_russian_source(login_as):
    client = login_as("Переводчики")
    assert can_open(client, edit_url("about", "en"))
    assert not can_open(client, edit_url("about", "ru"))


def test_report_moderator_cannot_edit_pages(login_as):
    client = login_as("Модераторы обращений")
    assert can_open(client, "/admin/")
    assert not can_open(client, edit_url("about"))


def test_moderation_workflow_is_on_and_in_russian():
    workflow = Workflow.objects.get(active=True)
    assert workflow.name == "Согласование публикации"
    assert [task.name for task in workflow.tasks] == ["Проверка редактором"]
    assert list(workflow.tasks[0].specific.groups.values_list("name", flat=True)) == ["Редакторы"]


def test_admin_speaks_russian(login_as):
    client = login_as("Редакторы")
    html = client.get("/admin/").text
    assert '<html lang="ru"' in html
    assert "<title>Панель управления" in html


def test_translator_cannot_change_settings_or_see_the_inbox(login_as):
    client = login_as("Переводчики")
    assert not can_open(client, "/admin/settings/home/accessibilitysettings/1/")
    assert not can_open(client, "/admin/snippets/feedback/problemreport/")
