"""The production settings pass Django's deployment checks and refuse to start without a secret."""

import os
import subprocess
import sys

from django.conf import settings

MANAGE = [sys.executable, str(settings.BASE_DIR / "manage.py")]


# The test session's own switches (Playwright's event loop, the test database) are not production's.
TEST_ONLY = {"DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE", "SECRET_KEY"}


def run_manage(*args, **env):
    environment = {key: value for key, value in os.environ.items() if key not in TEST_ONLY}
    environment.update(DJANGO_SETTINGS_MODULE="site_glazov.settings.production", **env)
    return subprocess.run(  # noqa: S603 - our own manage.py with fixed arguments
        [*MANAGE, *args], env=environment, capture_output=True, text=True, timeout=120, check=False
    )


def test_check_deploy_is_clean():
    result = run_manage("check", "--deploy", SECRET_KEY="a-test-only-secret-" + "x" * 50)
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


def test_production_refuses_to_start_without_a_secret_key():
    result = run_manage("check")
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr
