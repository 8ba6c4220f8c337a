"""A backup made by deploy/backup.sh restores with deploy/restore.sh, as docs/operations.md tells
the operator: the same pages, reports and files, byte for byte, also into other folders.

It runs the scripts against scratch PostgreSQL databases of its own (named after the test
database, dropped at the end), filled by `manage.py migrate` and `load_demo_content` under the
production settings, with a resident's report and photo added through the feedback service.
"""

import hashlib
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

requires_postgresql = pytest.mark.skipif(
    settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql",
    reason="backup.sh and restore.sh use pg_dump and pg_restore: PostgreSQL only (CI's second pass)",
)

DEPLOY = settings.BASE_DIR / "deploy"
PSQL = shutil.which("psql") or "/usr/bin/psql"
KNOWN_TITLE = "Решение о вступлении Глазова в Ассоциацию новаторских городов принято городской Думой"
# The test session's own switches are not the production site's.
TEST_ONLY = {"DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE", "SECRET_KEY", "REDIS_URL", "DJANGO_SETTINGS_MODULE"}

ADD_REPORT = """
import io
from PIL import Image
from feedback.models import FeedbackPage, ProblemCategory
from feedback.photos import CleanPhoto
from feedback.services import create_report

buffer = io.BytesIO()
Image.new("RGB", (640, 480), "#3a6ea5").save(buffer, "JPEG")
page = FeedbackPage.objects.get(locale__language_code="ru")
report = create_report(
    page,
    {
        "category": ProblemCategory.objects.filter(locale__language_code="ru").first(),
        "description": "Яма на дороге у дома 5, глубокая.",
        "address": "ул. Кирова, 5",
        "name": "Иван Петров",
        "email": "ivan@example.test",
        "photos": [CleanPhoto("yama.jpg", buffer.getvalue(), 640, 480)],
    },
    "ru",
)
print(report.number)
"""

CLEAR_CACHE = "from django.core.cache import cache; cache.clear()"

READ_PHOTO = """
import hashlib
from feedback.models import ReportPhoto
photo = ReportPhoto.objects.get()
with photo.image.open("rb") as handle:
    print(photo.image.path, hashlib.sha256(handle.read()).hexdigest())
"""


def database_url(name):
    """A libpq/dj-database-url address of ``name`` on the test database's server."""
    params = connection.settings_dict
    user = params["USER"] or "postgres"
    password = f":{params['PASSWORD']}" if params["PASSWORD"] else ""
    host = params["HOST"] or "%2Fvar%2Frun%2Fpostgresql"
    port = f":{params['PORT']}" if params["PORT"] else ""
    return f"postgres://{user}{password}@{host}{port}/{name}"


def sql(name, query):
    result = subprocess.run(  # noqa: S603 - psql with our own query
        [PSQL, database_url(name), "--no-psqlrc", "--tuples-only", "--no-align", "--command", query],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return result.stdout.strip()


def recreate_empty(name):
    """What the operator does with `dropdb` and `createdb` before restoring."""
    sql("postgres", f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    sql("postgres", f'CREATE DATABASE "{name}"')


def drop(name):
    sql("postgres", f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def scratch_names():
    # Named after the configured database (test_h_ops → h_ops_…), so parallel runs never share one.
    base = connection.settings_dict["NAME"].removeprefix("test_")
    names = (f"{base}_backup_live", f"{base}_backup_other")
    for name in names:
        drop(name)
    yield names
    for name in names:
        drop(name)


def write_env_file(path, **values):
    path.write_text("".join(f"{key}={value}\n" for key, value in values.items()), encoding="utf-8")


def run(command, env_file, *, check=True):
    environment = {key: value for key, value in os.environ.items() if key not in TEST_ONLY}
    environment.update(GLAZOV_ENV_FILE=str(env_file), GLAZOV_VENV=sys.prefix)
    result = subprocess.run(  # noqa: S603 - the repository's own deploy scripts
        [str(part) for part in command],
        env=environment,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    if check:
        assert result.returncode == 0, f"{command}\n{result.stdout}\n{result.stderr}"
    return result


def files(root):
    """Every file under ``root`` by its path inside it, with its bytes' SHA-256."""
    return {
        str(path.relative_to(root)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(Path(root).rglob("*"))
        if path.is_file()
    }


def content(name):
    """What must survive: every page (tree position, title), the reports and their photos."""
    return {
        "pages": sql(name, "SELECT path || ' ' || title FROM wagtailcore_page ORDER BY path").splitlines(),
        "reports": sql(name, "SELECT number || ' ' || address FROM feedback_problemreport ORDER BY id"),
        "photos": sql(name, "SELECT image FROM feedback_reportphoto ORDER BY id"),
        "images": sql(name, "SELECT file FROM wagtailimages_image ORDER BY id").splitlines(),
        "documents": sql(name, "SELECT file FROM wagtaildocs_document ORDER BY id").splitlines(),
    }


@requires_postgresql
def test_backup_and_restore_with_the_documented_scripts(tmp_path, scratch_names):
    live, other = scratch_names
    media, private = tmp_path / "media", tmp_path / "private"
    media.mkdir()
    private.mkdir(mode=0o700)
    backups = tmp_path / "backups"
    env_file = tmp_path / "env"
    # The production environment file, as deploy/env.example has it, pointed at scratch places.
    values = {
        "DJANGO_SETTINGS_MODULE": "site_glazov.settings.production",
        "SECRET_KEY": "backup-test-only-" + "k3y" * 20,
        "DATABASE_URL": database_url(live),
        "ALLOWED_HOSTS": "testserver",
        "MEDIA_ROOT": media,
        "FEEDBACK_PRIVATE_ROOT": private,
        "STATIC_ROOT": tmp_path / "static",
        "CACHE_DIR": tmp_path / "cache",
        "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
        "BACKUP_DIR": backups,
        "BACKUP_KEEP_DAYS": 14,
    }
    write_env_file(env_file, **values)
    manage = DEPLOY / "manage.sh"

    # A working site: the demo content (with its images and the decision's PDF) and one report.
    recreate_empty(live)
    run([manage, "migrate", "--no-input", "-v", "0"], env_file)
    run([manage, "load_demo_content"], env_file)
    number = run([manage, "shell", "--no-imports", "-c", ADD_REPORT], env_file).stdout.strip()
    before = content(live)
    media_files, private_files = files(media), files(private)
    assert any(KNOWN_TITLE in line for line in before["pages"])
    assert before["reports"] == f"{number} ул. Кирова, 5"
    assert before["images"] and before["documents"]
    assert set(before["photos"].splitlines()) == set(private_files)
    assert {name.split("/")[0] for name in media_files} >= {"original_images", "documents"}

    # A backup older than BACKUP_KEEP_DAYS goes when the next one is made; a recent one stays.
    old, recent = backups / "glazov-20200101T023000Z", backups / "glazov-20200102T023000Z"
    for folder, days in ((old, 15), (recent, 13)):
        folder.mkdir(parents=True)
        then = time.time() - days * 86400
        os.utime(folder, (then, then))
    backup = Path(run([DEPLOY / "backup.sh"], env_file).stdout.strip())
    assert backup.parent == backups and backup.name.startswith("glazov-")
    assert sorted(path.name for path in backup.iterdir()) == [
        "SHA256SUMS",
        "database.dump",
        "media.tar.gz",
        "private.tar.gz",
    ]
    assert backup.stat().st_mode & 0o077 == 0, "residents' data must be readable by its owner only"
    assert not old.exists() and recent.exists()

    # Disaster: the database and both folders are gone. The documented restore: an empty
    # database under the same name, the same environment file, restore.sh.
    recreate_empty(live)
    for folder in (media, private):
        shutil.rmtree(folder)
    run([DEPLOY / "restore.sh", backup], env_file)
    assert content(live) == before
    # Step 5: the schema matches the code already; the cache of the lost database is emptied.
    migrate = run([manage, "migrate"], env_file).stdout
    assert "No migrations to apply." in migrate
    run([manage, "shell", "--no-imports", "-c", CLEAR_CACHE], env_file)
    assert files(media) == media_files
    assert files(private) == private_files
    assert private.stat().st_mode & 0o077 == 0

    # Restore never overwrites: into a database with tables, or a folder with files, it refuses.
    recreate_empty(other)
    refused = run([DEPLOY / "restore.sh", backup], env_file, check=False)
    assert refused.returncode != 0 and "restore only into an empty database" in refused.stderr
    refused = run(
        [DEPLOY / "restore.sh", "--database-url", database_url(other), backup], env_file, check=False
    )
    assert refused.returncode != 0 and f"{media} is not empty" in refused.stderr
    assert sql(other, "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'") == "0"

    # Into another database and other folders, named by options: the restored site finds its files.
    other_media, other_private = tmp_path / "elsewhere" / "media", tmp_path / "elsewhere" / "private"
    options = [
        "--database-url",
        database_url(other),
        "--media-root",
        other_media,
        "--private-root",
        other_private,
    ]
    run([DEPLOY / "restore.sh", *options, backup], env_file)
    assert content(other) == before
    assert files(other_media) == media_files
    assert files(other_private) == private_files
    values.update(
        DATABASE_URL=database_url(other), MEDIA_ROOT=other_media, FEEDBACK_PRIVATE_ROOT=other_private
    )
    write_env_file(env_file, **values)
    path, digest = run([manage, "shell", "--no-imports", "-c", READ_PHOTO], env_file).stdout.split()
    assert Path(path).is_relative_to(other_private)
    assert digest == private_files[before["photos"]]


@requires_postgresql
def test_restore_refuses_a_damaged_backup(tmp_path):
    backup = tmp_path / "glazov-20260101T023000Z"
    backup.mkdir()
    sums = ""
    for name in ("database.dump", "media.tar.gz", "private.tar.gz"):
        (backup / name).write_bytes(b"backup " + name.encode())
        sums += f"{hashlib.sha256(b'backup ' + name.encode()).hexdigest()}  {name}\n"
    (backup / "SHA256SUMS").write_text(sums, encoding="utf-8")
    (backup / "media.tar.gz").write_bytes(b"truncated")
    env_file = tmp_path / "env"
    write_env_file(
        env_file,
        DATABASE_URL=database_url("postgres"),
        MEDIA_ROOT=tmp_path / "media",
        FEEDBACK_PRIVATE_ROOT=tmp_path / "private",
    )
    refused = run([DEPLOY / "restore.sh", backup], env_file, check=False)
    assert refused.returncode != 0
    assert "checksums do not match" in refused.stderr
    assert not (tmp_path / "media").exists()


# Stands in for pg_dump, pg_restore and psql: records what it was given, as `ps` and /proc show it.
FAKE_POSTGRES_TOOL = """#!{python}
import json, os, sys
passfile = os.environ.get("PGPASSFILE", "")
record = {{
    "tool": os.path.basename(sys.argv[0]),
    "argv": sys.argv[1:],
    "environ": dict(os.environ),
    "passfile": passfile,
    "passfile_mode": os.stat(passfile).st_mode & 0o777 if passfile else None,
    "passfile_text": open(passfile, encoding="utf-8").read() if passfile else "",
}}
with open({log!r}, "a", encoding="utf-8") as log:
    log.write(json.dumps(record) + "\\n")
if record["tool"] == "pg_dump":
    open(sys.argv[sys.argv.index("--file") + 1], "wb").write(b"PGDMP fake dump")
elif record["tool"] == "psql":
    print("0" if "count(*)" in " ".join(sys.argv) else "glazov")
"""


def fake_postgres_tools(folder, log):
    folder.mkdir()
    for tool in ("pg_dump", "pg_restore", "psql"):
        script = folder / tool
        script.write_text(FAKE_POSTGRES_TOOL.format(python=sys.executable, log=str(log)), encoding="utf-8")
        script.chmod(0o755)
    return folder


def test_the_scripts_never_put_the_database_password_on_a_command_line(tmp_path):
    """`ps` shows every process's arguments to every user of the server: the password goes to libpq
    in a password file readable by its owner only, removed when the script ends."""
    password = "Pa:ss@w0rd/%&"
    encoded = "Pa%3Ass%40w0rd%2F%25%26"
    log = tmp_path / "calls.jsonl"
    tools = fake_postgres_tools(tmp_path / "bin", log)
    media, private = tmp_path / "media", tmp_path / "private"
    for folder in (media, private):
        folder.mkdir()
        (folder / "file.txt").write_text(folder.name, encoding="utf-8")
    env_file = tmp_path / "env"
    write_env_file(
        env_file,
        DATABASE_URL=f"postgres://glazov:{encoded}@db.example.test:5433/glazov?sslmode=require",
        MEDIA_ROOT=media,
        FEEDBACK_PRIVATE_ROOT=private,
        BACKUP_DIR=tmp_path / "backups",
    )
    environment = {key: value for key, value in os.environ.items() if key not in TEST_ONLY}
    environment.update(
        GLAZOV_ENV_FILE=str(env_file), PATH=f"{tools}:{os.environ['PATH']}", TMPDIR=str(tmp_path)
    )

    def run_script(*command):
        result = subprocess.run(  # noqa: S603 - the repository's own deploy scripts
            [str(part) for part in command],
            env=environment,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        assert result.returncode == 0, result.stderr
        return result.stdout

    backup = run_script(DEPLOY / "backup.sh").strip()
    run_script(
        DEPLOY / "restore.sh",
        "--database-url",
        "postgres://glazov@db.example.test:5433/glazov_check",
        "--media-root",
        tmp_path / "check" / "media",
        "--private-root",
        tmp_path / "check" / "private",
        backup,
    )
    calls = [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()]
    assert [call["tool"] for call in calls] == ["pg_dump", "psql", "pg_restore", "psql"]
    assert calls[0]["argv"][-1] == "postgres://glazov@db.example.test:5433/glazov?sslmode=require"
    assert calls[2]["argv"][calls[2]["argv"].index("--dbname") + 1] == (
        "postgres://glazov@db.example.test:5433/glazov_check"
    )
    for call in calls:
        shown = " ".join(call["argv"])
        assert password not in shown and encoded not in shown, call["argv"]
        assert not any(encoded in value or password in value for value in call["environ"].values())
        # libpq reads the password from a file only its owner can read (it ignores a looser one).
        assert call["passfile_mode"] == 0o600
        assert call["passfile_text"] == "*:*:*:*:Pa\\:ss@w0rd/%&\n"
        assert not Path(call["passfile"]).exists(), "the password file is removed when the script ends"
    assert (tmp_path / "check" / "private" / "file.txt").read_text(encoding="utf-8") == "private"
