"""Reports sent at the same moment to the real server are all stored once, each with its own number.

Runs bench/concurrent_reports.py (what `make bench-reports` runs with 200) with 30 reports against
this test run's PostgreSQL database: gunicorn with the production settings, several workers. The
test is transactional, so the server sees the demo content, and the database is restored after it.
"""

import os
import subprocess
import sys
from urllib.parse import quote

import pytest
from django.conf import settings
from django.db import connection

from feedback.models import ProblemReport, ReportPhoto

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="concurrent reports need PostgreSQL (gunicorn's workers share the database); "
        "run with DATABASE_URL=postgres://…",
    ),
    pytest.mark.django_db(transaction=True),
]

COUNT = 30


def this_database_url():
    """The address of the database this test run created, for the server the script starts."""
    db = connection.settings_dict
    credentials = quote(db["USER"] or "", safe="")
    if db["PASSWORD"]:
        credentials += ":" + quote(db["PASSWORD"], safe="")
    host = f"{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}"
    return f"postgres://{credentials}@{host}/{quote(db['NAME'], safe='')}"


def test_thirty_reports_sent_at_once_are_all_stored_with_distinct_numbers():
    before = set(ProblemReport.objects.values_list("pk", flat=True))
    # The script's server gets its settings from the script alone, never from this test session.
    env = {key: value for key, value in os.environ.items() if key not in {"DATABASE_URL", "REDIS_URL"}}
    result = subprocess.run(  # noqa: S603 - our own script with fixed arguments
        [
            sys.executable,
            str(settings.BASE_DIR / "bench" / "concurrent_reports.py"),
            f"--count={COUNT}",
            "--workers=3",
            f"--database-url={this_database_url()}",
        ],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"Ответы: 302 × {COUNT}" in result.stdout

    new = ProblemReport.objects.exclude(pk__in=before)
    numbers = list(new.values_list("number", flat=True))
    assert len(numbers) == COUNT
    assert len(set(numbers)) == COUNT
    assert ReportPhoto.objects.filter(report__in=new).count() == COUNT // 5
    # Numbers were handed out in one unbroken sequence, with no gaps from failed reports.
    sequences = sorted(new.values_list("sequence", flat=True))
    assert sequences == list(range(sequences[0], sequences[0] + COUNT))
