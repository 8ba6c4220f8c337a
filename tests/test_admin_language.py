"""The admin is in Russian whatever the browser asks for, until a member of staff picks another language."""

import pytest
from django.contrib.auth.models import Group
from wagtail.users.models import UserProfile

from tests.helpers import GROUPS

pytestmark = pytest.mark.django_db

ENGLISH_BROWSER = {"accept-language": "en-US,en;q=0.9"}


def staff(django_user_model, group_name, preferred_language=""):
    user = django_user_model.objects.create_user(f"lang-{group_name}", password="x", is_staff=False)
    user.groups.add(Group.objects.get(name=group_name))
    if preferred_language:
        profile = UserProfile.get_for_user(user)
        profile.preferred_language = preferred_language
        profile.save()
    return user


def test_the_login_page_is_russian_for_an_english_browser(client):
    response = client.get("/admin/login/", headers=ENGLISH_BROWSER)
    assert response.status_code == 200
    assert '<html lang="ru"' in response.text
    assert "Войти" in response.text
    assert "Sign in" not in response.text


@pytest.mark.parametrize("group_name", GROUPS)
def test_every_group_gets_the_russian_admin_from_an_english_browser(client, django_user_model, group_name):
    client.force_login(staff(django_user_model, group_name))
    response = client.get("/admin/", headers=ENGLISH_BROWSER)
    assert response.status_code == 200
    assert '<html lang="ru"' in response.text
    assert "Панель управления" in response.text or "Страницы" in response.text


def test_a_chosen_admin_language_still_holds(client, django_user_model):
    client.force_login(staff(django_user_model, GROUPS[0], preferred_language="en"))
    response = client.get("/admin/", headers={"accept-language": "ru"})
    assert '<html lang="en"' in response.text


def test_the_public_site_still_follows_the_browser_at_the_root(client):
    response = client.get("/", headers=ENGLISH_BROWSER)
    assert response.status_code == 302
    assert response["Location"].startswith("/en/")
