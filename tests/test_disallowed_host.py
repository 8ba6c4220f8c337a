"""A request under a foreign Host is answered 400 and logged once, but never e-mailed to ADMINS:
scanners send thousands of them, and the duty administrator's mailbox is for real errors."""

import pytest
from django.core import mail
from django.test import override_settings

from tests.test_production_settings import DATABASE, STRONG_SECRET, run_production_python

FOREIGN_HOST = "evil.example"


@pytest.mark.django_db
@override_settings(ALLOWED_HOSTS=["glazov-gov.ru"], ADMINS=[("ops", "ops@example.test")], DEBUG=False)
def test_a_foreign_host_is_refused_without_mailing_the_administrators(client, caplog):
    """The site's own logging (settings/base.py) under the test settings."""
    mail.outbox = []
    response = client.get("/ru/", HTTP_HOST=FOREIGN_HOST)
    assert response.status_code == 400
    assert mail.outbox == []
    # Still logged, so an operator can see a wrong DNS record or proxy.
    assert any(
        record.name == "django.security.DisallowedHost" and FOREIGN_HOST in record.getMessage()
        for record in caplog.records
    )


def test_production_logging_writes_a_foreign_host_to_stderr_and_mails_nobody():
    """The production settings in a fresh process, with ADMINS set and the in-memory mail backend."""
    code = (
        "import django\n"
        "django.setup()\n"
        "from django.core import mail\n"
        "from django.conf import settings\n"
        "from django.test import Client, override_settings\n"
        "mail.outbox = []\n"
        # The 400 page's stylesheet without collectstatic's manifest.
        "storages = {**settings.STORAGES, 'staticfiles': {\n"
        "    'BACKEND': 'django.contrib.staticfiles.storage.StaticFilesStorage'}}\n"
        "with override_settings(STORAGES=storages):\n"
        f"    response = Client().get('/ru/', HTTP_HOST='{FOREIGN_HOST}', secure=True)\n"
        "print(response.status_code, len(mail.outbox))\n"
    )
    result = run_production_python(
        code,
        SECRET_KEY=STRONG_SECRET,
        DATABASE_URL=DATABASE,
        ALLOWED_HOSTS="glazov-gov.ru",
        ADMINS="ops@example.test",
        EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["400", "0"]
    logged = f"ERROR django.security.DisallowedHost: Invalid HTTP_HOST header: '{FOREIGN_HOST}'"
    assert logged in result.stderr
