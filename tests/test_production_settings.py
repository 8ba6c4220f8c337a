"""The production settings read every deployment value from the environment, refuse to start
half-configured, pass Django's deployment checks and send errors to stderr and the administrators."""

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from django.conf import settings

MANAGE = [sys.executable, str(settings.BASE_DIR / "manage.py")]

# The test session's own switches (Playwright's event loop, the test database) are not production's.
TEST_ONLY = {"DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE", "SECRET_KEY", "REDIS_URL"}
STRONG_SECRET = "a-test-only-key-" + "x1y2z3" * 10
# Never connected to: the checks and the settings below do not open the database.
DATABASE = "postgres://glazov:pw@db.example.test:5432/glazov"
# The file cache's folder for these runs (production's default, /var/cache/glazov, is the server's).
CACHE_DIR = str(Path(tempfile.gettempdir()) / "glazov-test-production-cache")


def production_env(**env):
    """The environment of a production process: the test session's own switches removed, ``env``
    added (a value of None unsets the variable)."""
    environment = {key: value for key, value in os.environ.items() if key not in TEST_ONLY}
    environment.update(DJANGO_SETTINGS_MODULE="site_glazov.settings.production", CACHE_DIR=CACHE_DIR)
    environment.update(env)
    return {key: value for key, value in environment.items() if value is not None}


def run_manage(*args, **env):
    return subprocess.run(  # noqa: S603 - our own manage.py with fixed arguments
        [*MANAGE, *args], env=production_env(**env), capture_output=True, text=True, timeout=120, check=False
    )


def run_production_python(code, *args, wrapper=(), **env):
    """Run ``code`` in a fresh interpreter with the production settings and ``env``."""
    return subprocess.run(  # noqa: S603 - our own settings module
        [*wrapper, sys.executable, "-c", code, *args],
        env=production_env(**env),
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def production_settings(names, **env):
    """Import the production settings in a fresh interpreter with ``env``; return the named values."""
    code = (
        "import json, sys\n"
        "from django.conf import settings\n"
        "names = sys.argv[1:]\n"
        "print(json.dumps({name: getattr(settings, name) for name in names}, default=str))\n"
    )
    result = run_production_python(code, *names, **env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_check_deploy_is_clean():
    result = run_manage(
        "check",
        "--deploy",
        SECRET_KEY=STRONG_SECRET,
        DATABASE_URL=DATABASE,
        FEEDBACK_CLIENT_IP_HEADER="X-Real-IP",
    )
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


def test_production_refuses_to_start_without_a_secret_key():
    result = run_manage("check", DATABASE_URL=DATABASE)
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


def env_example_secret_key():
    lines = (settings.BASE_DIR / "deploy" / "env.example").read_text(encoding="utf-8").splitlines()
    return next(line.split("=", 1)[1] for line in lines if line.startswith("SECRET_KEY="))


@pytest.mark.parametrize(
    ("key", "reason"),
    [
        (env_example_secret_key(), "placeholder"),
        ("change-me-" + "q7Wm2xKp9Lr4" * 5, "placeholder"),
        ("CHANGEME" + "q7Wm2xKp9Lr4" * 5, "placeholder"),
        ("my-secret-" + "q7Wm2xKp9Lr4" * 5, "placeholder"),
        ("example-key-" + "q7Wm2xKp9Lr4" * 5, "placeholder"),
        ("django-insecure-" + "q7Wm2xKp9Lr4" * 5, "placeholder"),
        ("q7Wm2xKp9Lr4" * 4, "too short"),  # 48 characters
        ("abcd" * 20, "too short"),  # 80 characters, 4 different ones
    ],
)
def test_production_refuses_a_placeholder_or_weak_secret_key(key, reason):
    """A key copied from env.example or typed by hand lets anyone forge sessions and password resets."""
    result = run_manage("check", SECRET_KEY=key, DATABASE_URL=DATABASE)
    assert result.returncode != 0
    assert "ImproperlyConfigured: SECRET_KEY" in result.stderr
    assert reason in result.stderr
    assert key not in result.stderr  # the refusal does not print the key itself


def test_production_accepts_a_generated_secret_key():
    import secrets

    assert production_settings(["DEBUG"], SECRET_KEY=secrets.token_urlsafe(50), DATABASE_URL=DATABASE)


def test_production_refuses_to_start_without_a_database_url():
    """Falling back to SQLite in production would keep residents' reports outside the backups."""
    result = run_manage("check", SECRET_KEY=STRONG_SECRET)
    assert result.returncode != 0
    assert "DATABASE_URL is not set" in result.stderr


def test_production_refuses_sqlite(tmp_path):
    result = run_manage(
        "check", SECRET_KEY=STRONG_SECRET, DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}"
    )
    assert result.returncode != 0
    assert "DATABASE_URL must point at PostgreSQL" in result.stderr


def test_production_refuses_private_photos_under_the_public_media_folder(tmp_path):
    result = run_manage(
        "check",
        SECRET_KEY=STRONG_SECRET,
        DATABASE_URL=DATABASE,
        MEDIA_ROOT=str(tmp_path / "media"),
        FEEDBACK_PRIVATE_ROOT=str(tmp_path / "media" / "private"),
    )
    assert result.returncode != 0
    assert "FEEDBACK_PRIVATE_ROOT must lie outside MEDIA_ROOT" in result.stderr


def test_production_refuses_both_tls_and_ssl_for_mail():
    result = run_manage(
        "check", SECRET_KEY=STRONG_SECRET, DATABASE_URL=DATABASE, EMAIL_USE_TLS="1", EMAIL_USE_SSL="1"
    )
    assert result.returncode != 0
    assert "EMAIL_USE_TLS" in result.stderr


def test_every_deployment_value_comes_from_the_environment(tmp_path):
    values = production_settings(
        [
            "ALLOWED_HOSTS",
            "CSRF_TRUSTED_ORIGINS",
            "WAGTAILADMIN_BASE_URL",
            "DATABASES",
            "CACHES",
            "EMAIL_BACKEND",
            "EMAIL_HOST",
            "EMAIL_PORT",
            "EMAIL_HOST_USER",
            "EMAIL_HOST_PASSWORD",
            "EMAIL_USE_SSL",
            "EMAIL_TIMEOUT",
            "DEFAULT_FROM_EMAIL",
            "SERVER_EMAIL",
            "ADMINS",
            "MEDIA_ROOT",
            "STATIC_ROOT",
            "FEEDBACK_PRIVATE_ROOT",
            "DEBUG",
        ],
        SECRET_KEY=STRONG_SECRET,
        ALLOWED_HOSTS="portal.example.test, www.portal.example.test",
        CSRF_TRUSTED_ORIGINS="https://portal.example.test",
        WAGTAILADMIN_BASE_URL="https://portal.example.test",
        DATABASE_URL="postgres://glazov:secret@db.example.test:5433/glazov_prod",
        REDIS_URL="redis://127.0.0.1:6379/7",
        EMAIL_HOST="smtp.example.test",
        EMAIL_PORT="465",
        EMAIL_HOST_USER="portal@example.test",
        EMAIL_HOST_PASSWORD="mail-secret",
        EMAIL_USE_SSL="yes",
        EMAIL_TIMEOUT="7",
        DEFAULT_FROM_EMAIL="portal@example.test",
        SERVER_EMAIL="errors@example.test",
        ADMINS="ops@example.test, duty@example.test",
        MEDIA_ROOT=str(tmp_path / "media"),
        STATIC_ROOT=str(tmp_path / "static"),
        FEEDBACK_PRIVATE_ROOT=str(tmp_path / "private"),
    )
    assert values["DEBUG"] is False
    assert values["ALLOWED_HOSTS"] == ["portal.example.test", "www.portal.example.test"]
    assert values["CSRF_TRUSTED_ORIGINS"] == ["https://portal.example.test"]
    assert values["WAGTAILADMIN_BASE_URL"] == "https://portal.example.test"
    database = values["DATABASES"]["default"]
    assert database["ENGINE"] == "django.db.backends.postgresql"
    assert (database["HOST"], database["PORT"], database["NAME"]) == ("db.example.test", 5433, "glazov_prod")
    assert (database["USER"], database["PASSWORD"]) == ("glazov", "secret")
    assert values["CACHES"]["default"]["BACKEND"] == "site_glazov.cache.RedisCache"
    assert values["CACHES"]["default"]["LOCATION"] == "redis://127.0.0.1:6379/7"
    # django-redis: Redis away or refusing commands reads as misses and drops writes.
    assert values["CACHES"]["default"]["OPTIONS"]["IGNORE_EXCEPTIONS"] is True
    assert values["EMAIL_BACKEND"] == "django.core.mail.backends.smtp.EmailBackend"
    assert (values["EMAIL_HOST"], values["EMAIL_PORT"]) == ("smtp.example.test", 465)
    assert (values["EMAIL_HOST_USER"], values["EMAIL_HOST_PASSWORD"]) == (
        "portal@example.test",
        "mail-secret",
    )
    assert values["EMAIL_USE_SSL"] is True
    assert values["EMAIL_TIMEOUT"] == 7
    assert values["DEFAULT_FROM_EMAIL"] == "portal@example.test"
    assert values["SERVER_EMAIL"] == "errors@example.test"
    assert [email for _name, email in values["ADMINS"]] == ["ops@example.test", "duty@example.test"]
    assert values["MEDIA_ROOT"] == str(tmp_path / "media")
    assert values["STATIC_ROOT"] == str(tmp_path / "static")
    assert values["FEEDBACK_PRIVATE_ROOT"] == str(tmp_path / "private")


def test_defaults_follow_the_site_address():
    values = production_settings(
        ["WAGTAILADMIN_BASE_URL", "SERVER_EMAIL", "ADMINS", "CACHES", "EMAIL_TIMEOUT"],
        SECRET_KEY=STRONG_SECRET,
        DATABASE_URL=DATABASE,
        ALLOWED_HOSTS="portal.example.test",
        DEFAULT_FROM_EMAIL="portal@example.test",
    )
    # Links in admin e-mails point at the public HTTPS address, never at 127.0.0.1.
    assert values["WAGTAILADMIN_BASE_URL"] == "https://portal.example.test"
    assert values["SERVER_EMAIL"] == "portal@example.test"
    assert values["ADMINS"] == []
    # Without Redis the workers still share one cache, on disk.
    assert values["CACHES"]["default"]["BACKEND"] == "django.core.cache.backends.filebased.FileBasedCache"
    assert values["EMAIL_TIMEOUT"] == 10


def read_only_app_folder():
    """A command prefix that runs a process with the app folder read-only, as ProtectSystem=strict does."""
    user_namespace = [] if os.geteuid() == 0 else ["--user", "--map-root-user"]
    wrapper = [
        "unshare",
        *user_namespace,
        "--mount",
        "sh",
        "-c",
        'mount --bind -o ro "$0" "$0" && exec "$@"',
        str(settings.BASE_DIR),
    ]
    try:
        probe = subprocess.run([*wrapper, "true"], capture_output=True, timeout=10, check=False)  # noqa: S603
        works = probe.returncode == 0
    except FileNotFoundError:
        works = False
    if not works:
        pytest.skip("cannot mount the app folder read-only here (unshare)")
    return wrapper


USE_THE_CACHE = (
    "import django; django.setup()\n"
    "from django.conf import settings\n"
    "from django.core.cache import cache\n"
    "cache.set('production-settings-test', 'ok', 30)\n"
    "print(settings.CACHES['default']['LOCATION'], cache.get('production-settings-test'))\n"
)


def test_without_redis_the_file_cache_is_where_systemd_lets_the_site_write(tmp_path):
    """Under systemd the app folder is read-only: a cache there answered every request with 500."""
    folder = tmp_path / "systemd-cache"
    folder.mkdir()
    result = run_production_python(
        USE_THE_CACHE,
        wrapper=read_only_app_folder(),
        SECRET_KEY=STRONG_SECRET,
        DATABASE_URL=DATABASE,
        CACHE_DIR=None,
        CACHE_DIRECTORY=str(folder),  # what CacheDirectory=glazov gives the unit
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [str(folder), "ok"]
    assert any(folder.iterdir())


def test_without_redis_or_systemd_the_cache_defaults_outside_the_app_folder():
    """manage.py run by hand (deploy/manage.sh) shares the unit's cache folder, /var/cache/glazov."""
    values = production_settings(["CACHES"], SECRET_KEY=STRONG_SECRET, DATABASE_URL=DATABASE, CACHE_DIR=None)
    location = Path(values["CACHES"]["default"]["LOCATION"])
    assert location == Path("/var/cache/glazov")
    assert not location.is_relative_to(settings.BASE_DIR)


def test_a_cache_folder_the_site_cannot_write_stops_start_up_with_a_clear_message(tmp_path):
    inside_the_app = settings.BASE_DIR / "cache-test-never-created"
    result = run_production_python(
        USE_THE_CACHE,
        wrapper=read_only_app_folder(),
        SECRET_KEY=STRONG_SECRET,
        DATABASE_URL=DATABASE,
        CACHE_DIR=str(inside_the_app),
    )
    assert result.returncode != 0
    assert f"The cache folder {inside_the_app} cannot be written" in result.stderr
    assert "Set REDIS_URL, or CACHE_DIR" in result.stderr
    # Not a folder at all: refused the same way, with or without a read-only mount.
    (tmp_path / "a-file").write_text("", encoding="utf-8")
    result = run_manage(
        "check", SECRET_KEY=STRONG_SECRET, DATABASE_URL=DATABASE, CACHE_DIR=str(tmp_path / "a-file" / "cache")
    )
    assert result.returncode != 0
    assert "cannot be written" in result.stderr


def test_the_redis_cache_works_with_the_installed_client(redis_url):
    """REDIS_URL switches to the Redis cache (site_glazov.cache), which needs redis and django-redis."""
    code = (
        "from django.core.cache import cache\n"
        "cache.set('production-settings-test', 'o', 30)\n"
        "cache.set_strictly('production-settings-test', cache.get('production-settings-test') + 'k', 30)\n"
        "print(cache.get('production-settings-test'))\n"
        "cache.delete('production-settings-test')\n"
    )
    result = run_production_python(
        "import django; django.setup()\n" + code,
        SECRET_KEY=STRONG_SECRET,
        DATABASE_URL=DATABASE,
        REDIS_URL=redis_url,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ok"


def test_a_server_error_is_logged_to_stderr_and_mailed_to_the_administrators():
    """What journald keeps and what the duty administrator receives when a page fails."""
    code = (
        "import django, logging\n"
        "django.setup()\n"
        "from django.core import mail\n"
        "from django.test import RequestFactory\n"
        "request = RequestFactory().get('/ru/broken/')\n"
        "try:\n"
        "    raise RuntimeError('the page broke')\n"
        "except RuntimeError:\n"
        "    logging.getLogger('django.request').error(\n"
        "        'Internal Server Error: %s', request.path, exc_info=True,\n"
        "        extra={'status_code': 500, 'request': request})\n"
        "message = mail.outbox[0]\n"
        "print(message.to, message.subject)\n"
    )
    result = run_production_python(
        code,
        SECRET_KEY=STRONG_SECRET,
        DATABASE_URL=DATABASE,
        ALLOWED_HOSTS="testserver",
        ADMINS="ops@example.test",
        EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
    )
    assert result.returncode == 0, result.stderr
    assert "ERROR django.request: Internal Server Error: /ru/broken/" in result.stderr
    assert "RuntimeError: the page broke" in result.stderr
    assert "['ops@example.test'] [Портал Глазова] ERROR (EXTERNAL IP): Internal Server Error" in result.stdout


def rate_limit(**env):
    return production_settings(
        ["FEEDBACK_RATE_LIMIT"], SECRET_KEY=STRONG_SECRET, DATABASE_URL=DATABASE, **env
    )["FEEDBACK_RATE_LIMIT"]


def test_report_rate_limit_is_on_unless_switched_off():
    assert rate_limit() == [5, 600]
    assert rate_limit(FEEDBACK_RATE_LIMIT_COUNT="20", FEEDBACK_RATE_LIMIT_SECONDS="60") == [20, 60]
    assert rate_limit(FEEDBACK_RATE_LIMIT="on") == [5, 600]
    assert rate_limit(FEEDBACK_RATE_LIMIT="off") is None


def test_deploy_check_warns_when_the_rate_limit_is_off():
    result = run_manage(
        "check",
        "--deploy",
        SECRET_KEY=STRONG_SECRET,
        DATABASE_URL=DATABASE,
        FEEDBACK_RATE_LIMIT="off",
        FEEDBACK_CLIENT_IP_HEADER="X-Real-IP",
    )
    assert "feedback.W001" in result.stderr
    assert "FEEDBACK_RATE_LIMIT" in result.stderr


@pytest.mark.parametrize(("header", "warned"), [(None, True), ("", True), ("X-Real-IP", False)])
def test_deploy_check_warns_behind_nginx_without_the_client_address_header(header, warned):
    result = run_manage(
        "check",
        "--deploy",
        SECRET_KEY=STRONG_SECRET,
        DATABASE_URL=DATABASE,
        FEEDBACK_CLIENT_IP_HEADER=header,
    )
    assert ("feedback.W002" in result.stderr) is warned, result.stderr
    if warned:
        assert "FEEDBACK_CLIENT_IP_HEADER=X-Real-IP" in result.stderr
