"""Staff logins at /admin/login/ are throttled (django-axes): 5 wrong passwords for one user name
from one address lock that name out from that address for 30 minutes, and no one else."""

import datetime

import pytest
from django.db.models import F

from tests.feedback_helpers import staff_user

pytestmark = pytest.mark.django_db

LOGIN_URL = "/admin/login/"
LOCKED = "Слишком много неудачных попыток входа под этим именем"
PASSWORD = "secret-password"  # tests/feedback_helpers.staff_user's


def sign_in(client, username, password, **headers):
    return client.post(LOGIN_URL, {"username": username, "password": password, "next": "/admin/"}, **headers)


def fail(client, username, times, **headers):
    """``times`` wrong passwords: «wrong password» each time, and from the fifth on, the lockout."""
    for attempt in range(1, times + 1):
        response = sign_in(client, username, "wrong-password", **headers)
        if attempt < 5:
            assert response.status_code == 200 and LOCKED not in response.text
        else:
            assert response.status_code == 429 and LOCKED in response.text


def signed_in(response):
    return response.status_code == 302 and response.headers["Location"] == "/admin/"


def test_five_wrong_passwords_lock_the_name_out_from_that_address_only(client):
    staff_user("redaktor", "Редакторы")
    staff_user("avtor", "Авторы")
    fail(client, "redaktor", 5)

    refused = sign_in(client, "redaktor", PASSWORD)
    assert refused.status_code == 429
    assert LOCKED in refused.text and "30 мин." in refused.text
    assert 'name="password"' in refused.text  # Wagtail's own sign-in form, ready for later
    assert client.get("/admin/").status_code == 302  # not signed in

    # Another editor at the same computer, and the same editor elsewhere, are not affected.
    assert signed_in(sign_in(client, "avtor", PASSWORD))
    client.logout()
    assert signed_in(sign_in(client, "redaktor", PASSWORD, REMOTE_ADDR="192.0.2.44"))


def test_the_lock_ends_after_thirty_minutes(client):
    staff_user("redaktor", "Редакторы")
    fail(client, "redaktor", 5)
    assert sign_in(client, "redaktor", PASSWORD).status_code == 429

    from axes.models import AccessAttempt

    def minutes_pass(minutes):
        AccessAttempt.objects.update(attempt_time=F("attempt_time") - datetime.timedelta(minutes=minutes))

    minutes_pass(29)
    assert sign_in(client, "redaktor", PASSWORD).status_code == 429  # and that try starts it again
    minutes_pass(29)  # 58 minutes after the fifth failure, 29 after the last try
    assert sign_in(client, "redaktor", PASSWORD).status_code == 429
    minutes_pass(31)
    assert signed_in(sign_in(client, "redaktor", PASSWORD))


def test_fewer_failures_do_not_lock_and_a_success_forgets_them(client):
    staff_user("redaktor", "Редакторы")
    fail(client, "redaktor", 4)
    assert signed_in(sign_in(client, "redaktor", PASSWORD))
    client.logout()
    fail(client, "redaktor", 4)
    assert signed_in(sign_in(client, "redaktor", PASSWORD))


def test_behind_nginx_each_client_is_counted_by_its_real_address(client, settings):
    """Every request comes from nginx's 127.0.0.1; without X-Real-IP one attacker would lock everyone."""
    settings.FEEDBACK_CLIENT_IP_HEADER = "HTTP_X_REAL_IP"
    staff_user("redaktor", "Редакторы")
    fail(client, "redaktor", 5, HTTP_X_REAL_IP="203.0.113.9")
    assert sign_in(client, "redaktor", PASSWORD, HTTP_X_REAL_IP="203.0.113.9").status_code == 429
    assert signed_in(sign_in(client, "redaktor", PASSWORD, HTTP_X_REAL_IP="198.51.100.7"))
