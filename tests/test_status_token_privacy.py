"""A resident's status link is a secret: shown once on the confirmation page, never kept in the
session, and masked in gunicorn's access log and the site's own log records (nginx: test_deploy_files)."""

import http.client
import json
import os
import socket
import subprocess
import sys
import time
from types import SimpleNamespace

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session

from feedback import views
from feedback.models import ProblemReport
from site_glazov.log_privacy import MASK, MaskingGunicornLogger, mask_secrets
from tests.feedback_helpers import FORM_URL, form_data
from tests.test_production_settings import DATABASE, STRONG_SECRET, run_production_python

pytestmark = pytest.mark.django_db

TOKEN = "Zq3vR8kLmN2pX7sT1uW4yA6bC9dE0fGhIjKlMnOpQrS"  # the shape of secrets.token_urlsafe(32)
RESET = "/admin/password_reset/confirm/MTI/cv8x1a-4f1b2c3d4e5f60718293a4b5c6d7e8f9/"


def session_data(client):
    """Everything the session row in the database holds for this visitor, decoded."""
    session = Session.objects.get(session_key=client.cookies[settings.SESSION_COOKIE_NAME].value)
    return json.dumps(session.get_decoded(), ensure_ascii=False)


def test_the_confirmation_page_shows_the_status_link_once_and_the_session_never_holds_it(client):
    sent = client.post(FORM_URL, form_data())
    assert sent.status_code == 302
    report = ProblemReport.objects.get()
    assert report.token not in session_data(client)  # not even before the page is seen

    confirmation = client.get(sent.headers["Location"])
    assert confirmation.status_code == 200
    assert f"/ru/feedback/status/{report.token}/" in confirmation.text
    assert report.token not in session_data(client)
    assert views.SESSION_KEY not in client.session

    # A reload, or the next person at a shared computer, gets the empty form back.
    again = client.get(sent.headers["Location"])
    assert again.status_code == 302 and again.headers["Location"] == FORM_URL
    assert report.token not in client.get(FORM_URL).text


def test_an_unseen_confirmation_expires(client, monkeypatch):
    sent = client.post(FORM_URL, form_data())
    later = time.time() + views.SENT_PAGE_SECONDS + 1
    monkeypatch.setattr(views.time, "time", lambda: later)
    response = client.get(sent.headers["Location"])
    assert response.status_code == 302 and response.headers["Location"] == FORM_URL


@pytest.mark.parametrize(
    ("line", "masked"),
    [
        (
            f'127.0.0.1 - - [02/Dec/2026:10:00:00 +0400] "GET /ru/feedback/status/{TOKEN}/ HTTP/1.0" 200',
            f'127.0.0.1 - - [02/Dec/2026:10:00:00 +0400] "GET /ru/feedback/status/{MASK}/ HTTP/1.0" 200',
        ),
        (f"Not Found: /udm/reshaem-vmeste/status/{TOKEN}", f"Not Found: /udm/reshaem-vmeste/status/{MASK}"),
        (f"GET /en/feedback/status/{TOKEN}/?utm=mail", f"GET /en/feedback/status/{MASK}/?utm=mail"),
        (RESET, f"/admin/password_reset/confirm/MTI/{MASK}/"),
        # Not secrets: Django's own step after the reset token is checked, and ordinary pages.
        (
            "/admin/password_reset/confirm/MTI/set-password/",
            "/admin/password_reset/confirm/MTI/set-password/",
        ),
        ("/ru/news/reshenie-o-byudzhete-na-2027-god/", "/ru/news/reshenie-o-byudzhete-na-2027-god/"),
    ],
)
def test_the_log_mask_hides_the_secret_segment_only(line, masked):
    assert mask_secrets(line) == masked


def test_gunicorns_access_log_fields_are_masked():
    environ = {
        "REQUEST_METHOD": "GET",
        "RAW_URI": f"/ru/feedback/status/{TOKEN}/",
        "PATH_INFO": f"/ru/feedback/status/{TOKEN}/",
        "QUERY_STRING": "",
        "SERVER_PROTOCOL": "HTTP/1.0",
        "REMOTE_ADDR": "127.0.0.1",
        "HTTP_REFERER": f"https://glazov-gov.ru/ru/feedback/status/{TOKEN}/",
    }
    logger = MaskingGunicornLogger.__new__(MaskingGunicornLogger)  # atoms() needs no configuration
    response = SimpleNamespace(status="200 OK", sent=10, headers=[])
    request = SimpleNamespace(headers=[("REFERER", environ["HTTP_REFERER"])])
    atoms = logger.atoms(response, request, environ, SimpleNamespace(seconds=0, microseconds=1))
    assert TOKEN not in json.dumps(atoms, default=str)
    assert atoms["r"] == f"GET /ru/feedback/status/{MASK}/ HTTP/1.0"
    assert atoms["U"] == f"/ru/feedback/status/{MASK}/"


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_a_real_gunicorn_logs_status_and_reset_links_masked(tmp_path):
    """gunicorn started with the portal's gunicorn.conf.py, as the systemd unit starts it."""
    port = free_port()
    environment = {
        key: value for key, value in os.environ.items() if key not in {"DATABASE_URL", "REDIS_URL"}
    }
    environment.update(
        DJANGO_SETTINGS_MODULE="site_glazov.settings.test",
        DATABASE_URL=f"sqlite:///{tmp_path / 'empty.sqlite3'}",  # no tables: the pages fail, and are logged
        GUNICORN_BIND=f"127.0.0.1:{port}",
        GUNICORN_WORKERS="1",
        GUNICORN_PRELOAD="0",
    )
    environment.pop("RUNTIME_DIRECTORY", None)
    server = subprocess.Popen(  # noqa: S603 - the portal's own gunicorn settings
        [sys.executable, "-m", "gunicorn", "--config", str(settings.BASE_DIR / "gunicorn.conf.py")],
        cwd=settings.BASE_DIR,
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        for path in (f"/ru/feedback/status/{TOKEN}/", RESET):
            deadline = time.monotonic() + 30
            while True:
                try:
                    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
                    connection.request("GET", path)
                    connection.getresponse().read()
                    connection.close()
                    break
                except ConnectionRefusedError:
                    assert time.monotonic() < deadline, "gunicorn did not start"
                    time.sleep(0.2)
    finally:
        server.terminate()
        output, errors = server.communicate(timeout=30)
    log = output + errors
    assert f'"GET /ru/feedback/status/{MASK}/ HTTP/1.1"' in log
    assert f'"GET /admin/password_reset/confirm/MTI/{MASK}/ HTTP/1.1"' in log
    assert TOKEN not in log and "4f1b2c3d4e5f" not in log


def test_the_sites_own_log_records_are_masked_in_production():
    """What journald keeps from Django: «Not Found: …/status/<token>/» and the like."""
    code = (
        "import django, logging\n"
        "django.setup()\n"
        f"logging.getLogger('django.request').warning('Not Found: %s', '/ru/feedback/status/{TOKEN}/')\n"
    )
    result = run_production_python(code, SECRET_KEY=STRONG_SECRET, DATABASE_URL=DATABASE)
    assert result.returncode == 0, result.stderr
    assert f"WARNING django.request: Not Found: /ru/feedback/status/{MASK}/" in result.stderr
    assert TOKEN not in result.stderr
