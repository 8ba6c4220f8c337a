"""Load without loss: N residents send «Решаем вместе» reports at the same moment; each is stored once.

Usage, from the repository root (`make bench-reports` runs the first line):

    .venv/bin/python bench/concurrent_reports.py                  # 200 reports, scratch database
    .venv/bin/python bench/concurrent_reports.py --count 30 --workers 3
    .venv/bin/python bench/concurrent_reports.py --database-url postgres://postgres@127.0.0.1:5432/mydb

What it does:

1. Serves the portal with gunicorn (gunicorn.conf.py, site_glazov.settings.production, several
   workers) on a free port of 127.0.0.1. The report rate limit is switched off for this server only
   (FEEDBACK_RATE_LIMIT=off), because every report comes from the same address.
2. Each of the N clients fetches the form: its own CSRF cookie and token.
3. All N post a valid report at the same moment (threads released together; every fifth report
   carries a small photo), each a multipart body as a browser sends it.
4. Reads the database: N new reports, N distinct tracking numbers, the photos; and every answer
   must be the redirect to the confirmation page (no 5xx, no 403, no 429).

It prints the answers, latency (p50, p95, max) and the time taken, and exits with 1 on any loss,
duplicate or unexpected answer, 2 when the server or the database could not be set up.

Requests carry the headers nginx adds in production (X-Forwarded-Proto: https, X-Real-IP), so the
site sees HTTPS over plain http on the loopback: production's secure cookies, HTTPS redirect and
strict CSRF referer check stay on, and nothing in site_glazov/settings/production.py is relaxed.

Database: --database-url, else $DATABASE_URL, else a scratch database `glazov_bench_reports` on
127.0.0.1:5432 that the script creates (migrations, demo content) and drops afterwards (unless
--keep-database). A database you name must already be migrated and hold the demo content (the
form at /ru/feedback/); the reports the run adds stay in it. Cache: --redis-url, else $REDIS_URL,
else a file cache in a temporary folder. Mail is not sent (Django's dummy backend). Static files
are collected once into bench/results/reports-static and again whenever static/ changes.
"""

import argparse
import concurrent.futures
import contextlib
import http.client
import io
import math
import os
import re
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.common import PROXY_HEADERS, RESULTS  # noqa: E402
from bench.server import gunicorn  # noqa: E402

SCRATCH_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/glazov_bench_reports"
STATIC_ROOT = RESULTS / "reports-static"
FORM_PATH = "/ru/feedback/"
SENT_PATH = "/ru/feedback/sent/"
BOUNDARY = "----GlazovConcurrentReports"
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
CATEGORY = re.compile(r'name="category" value="(\d+)"')
INDEX = re.compile(r"проверка №(\d+)\b")


class SetupError(Exception):
    """The server or the database could not be prepared: nothing was measured."""


@dataclass
class Form:
    """What one client got from the form page: its cookies, CSRF token and the categories offered."""

    cookies: dict
    token: str
    categories: list


@dataclass
class Answer:
    index: int
    status: int = 0
    location: str = ""
    seconds: float = 0.0
    error: str = ""


# ---------------------------------------------------------------- the server and its database


def server_env(database_url, redis_url, workers, tmp, secret):
    """The production settings as deploy/env.example sets them, on this machine's loopback."""
    env = dict(os.environ)
    for name in (
        "REDIS_URL",
        "PAGE_CACHE_SECONDS",
        "FEEDBACK_RATE_LIMIT_COUNT",
        "FEEDBACK_RATE_LIMIT_SECONDS",
    ):
        env.pop(name, None)
    env.update(
        DJANGO_SETTINGS_MODULE="site_glazov.settings.production",
        SECRET_KEY=secret,
        ALLOWED_HOSTS="127.0.0.1",
        DATABASE_URL=database_url,
        STATIC_ROOT=str(STATIC_ROOT),
        MEDIA_ROOT=str(tmp / "media"),
        FEEDBACK_PRIVATE_ROOT=str(tmp / "private"),
        CACHE_DIR=str(tmp / "cache"),
        FEEDBACK_CLIENT_IP_HEADER="HTTP_X_REAL_IP",
        # For this server only: all the reports come from one address.
        FEEDBACK_RATE_LIMIT="off",
        EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend",
        GUNICORN_WORKERS=str(workers),
        GUNICORN_ACCESSLOG=os.devnull,
        LOG_LEVEL="WARNING",
        PYTHONPATH=str(ROOT),
    )
    if redis_url:
        env["REDIS_URL"] = redis_url
    return env


def manage(env, *args):
    result = subprocess.run(  # noqa: S603 - our own manage.py with fixed arguments
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        raise SetupError(f"manage.py {' '.join(args)} failed:\n{result.stderr[-3000:]}")


def admin_connection(database_url):
    import psycopg

    parts = urlsplit(database_url)
    return parts.path.lstrip("/"), psycopg.connect(
        urlunsplit(parts._replace(path="/postgres")), autocommit=True
    )


def create_scratch_database(database_url):
    from psycopg import sql

    name, admin = admin_connection(database_url)
    with admin:
        admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def drop_scratch_database(database_url):
    from psycopg import sql

    name, admin = admin_connection(database_url)
    with admin:
        admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


def collect_static(env):
    """Collect static files (with compression, ~1 minute) unless the last collection is current."""
    manifest = STATIC_ROOT / "staticfiles.json"
    sources = [path for path in (ROOT / "static").rglob("*") if path.is_file()] + [ROOT / "requirements.txt"]
    newest = max(path.stat().st_mtime for path in sources)
    if manifest.exists() and manifest.stat().st_mtime >= newest:
        return
    print(
        "Собираю статику (collectstatic, около минуты; дальше — из bench/results/reports-static)", flush=True
    )
    shutil.rmtree(STATIC_ROOT, ignore_errors=True)
    manage(env, "collectstatic", "--no-input", "-v", "0")


# ---------------------------------------------------------------- the clients


def request(base, method, path, body=None, headers=None):
    """One request on its own connection; returns (status, headers as a list, body, seconds)."""
    parts = urlsplit(base)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=120)
    try:
        started = time.monotonic()
        connection.request(method, path, body=body, headers={**PROXY_HEADERS, **(headers or {})})
        response = connection.getresponse()
        content = response.read()
        return response.status, response.getheaders(), content, time.monotonic() - started
    finally:
        connection.close()


def fetch_form(base):
    status, headers, content, _seconds = request(base, "GET", FORM_PATH)
    if status != 200:
        raise SetupError(
            f"GET {FORM_PATH} answered {status}: is the database migrated, with the demo content?"
        )
    cookies = {}
    for name, value in headers:
        if name.lower() == "set-cookie":
            key, _sep, rest = value.partition("=")
            cookies[key.strip()] = rest.split(";", 1)[0]
    html = content.decode()
    token, categories = TOKEN.search(html), CATEGORY.findall(html)
    if "csrftoken" not in cookies or token is None or not categories:
        raise SetupError("The form page has no CSRF cookie, token or categories.")
    return Form(cookies=cookies, token=token.group(1), categories=categories)


def small_photo(index):
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (320, 240), (index % 256, 90, 160)).save(buffer, "JPEG", quality=80)
    return buffer.getvalue()


def multipart(fields, photo):
    """A form body as a browser sends it: the fields in order, then the photo input (empty or one file)."""
    lines = []
    for name, value in fields:
        lines.append(
            f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
        )
    filename = "photo.jpg" if photo else ""
    content_type = "image/jpeg" if photo else "application/octet-stream"
    lines.append(
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="photos"; filename="{filename}"\r\n'
        f"Content-Type: {content_type}\r\n\r\n".encode()
        + (photo or b"")
        + b"\r\n"
    )
    lines.append(f"--{BOUNDARY}--\r\n".encode())
    return b"".join(lines)


def report_body(index, marker, form, with_photo):
    fields = [
        ("csrfmiddlewaretoken", form.token),
        ("category", form.categories[index % len(form.categories)]),
        ("description", f"{marker}: не горит фонарь у дома {index + 1}, проверка №{index}."),
        ("address", f"ул. Кирова, {index + 1}"),
        ("latitude", ""),
        ("longitude", ""),
        ("name", f"Житель {index}"),
        ("email", f"resident{index}@example.org"),
        ("phone", ""),
        ("consent", "on"),
        ("website", ""),
    ]
    return multipart(fields, small_photo(index) if with_photo else None)


def submit(base, index, form, body, start):
    """Post one report once every client is ready; never raises (an error is part of the answer)."""
    answer = Answer(index)
    headers = {
        "Content-Type": f"multipart/form-data; boundary={BOUNDARY}",
        "Cookie": "; ".join(f"{name}={value}" for name, value in form.cookies.items()),
        "Referer": f"https://{urlsplit(base).netloc}{FORM_PATH}",  # checked by CSRF over HTTPS
    }
    try:
        start.wait(timeout=120)
        answer.status, response_headers, _content, answer.seconds = request(
            base, "POST", FORM_PATH, body, headers
        )
        answer.location = {name.lower(): value for name, value in response_headers}.get("location", "")
    except (OSError, http.client.HTTPException, threading.BrokenBarrierError) as error:
        answer.error = f"{type(error).__name__}: {error}"
    return answer


def fire(base, count, photo_every, marker):
    """Fetch N forms, then post N reports at once; returns (answers, seconds for the posts)."""
    with concurrent.futures.ThreadPoolExecutor(max_workers=min(count, 16)) as pool:
        forms = list(pool.map(lambda _index: fetch_form(base), range(count)))
    bodies = [report_body(index, marker, forms[index], index % photo_every == 0) for index in range(count)]
    start = threading.Barrier(count + 1)
    with concurrent.futures.ThreadPoolExecutor(max_workers=count) as pool:
        futures = [
            pool.submit(submit, base, index, forms[index], bodies[index], start) for index in range(count)
        ]
        start.wait(timeout=120)  # every client is at the line: go
        started = time.monotonic()
        answers = [future.result() for future in futures]
    return answers, time.monotonic() - started


# ---------------------------------------------------------------- what the database holds


@dataclass
class Stored:
    reports: int
    distinct_numbers: int
    indexes: list
    photos: int


def stored_reports(database_url, marker):
    import psycopg

    with psycopg.connect(database_url) as connection:
        rows = connection.execute(
            "SELECT r.description, r.number, count(p.id) FROM feedback_problemreport r "
            "LEFT JOIN feedback_reportphoto p ON p.report_id = r.id "
            "WHERE r.description LIKE %s GROUP BY r.id",
            [f"{marker}:%"],
        ).fetchall()
    return Stored(
        reports=len(rows),
        distinct_numbers=len({number for _description, number, _photos in rows}),
        indexes=sorted(int(INDEX.search(description).group(1)) for description, _number, _photos in rows),
        photos=sum(photos for _description, _number, photos in rows),
    )


def percentile(values, share):
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)] if ordered else 0.0


def verdict(answers, elapsed, stored, count, photo_every):
    """The summary lines and the problems found (none means nothing was lost)."""
    expected_photos = len(range(0, count, photo_every))
    statuses = {}
    for answer in answers:
        key = answer.error.split(":")[0] if answer.error else str(answer.status)
        statuses[key] = statuses.get(key, 0) + 1
    seconds = [answer.seconds for answer in answers if not answer.error]
    lines = [
        f"Отправлено сообщений: {count} одновременно, с фото: {expected_photos}",
        "Ответы: " + ", ".join(f"{key} × {number}" for key, number in sorted(statuses.items())),
        "Время ответа: p50 {:.0f} мс, p95 {:.0f} мс, максимум {:.0f} мс".format(
            *(
                1000 * value
                for value in (percentile(seconds, 0.5), percentile(seconds, 0.95), max(seconds, default=0))
            )
        ),
        f"Все ответы получены за {elapsed:.1f} с ({count / elapsed:.1f} сообщений в секунду)",
        f"В базе: сообщений {stored.reports}, разных номеров {stored.distinct_numbers}, фото {stored.photos}",
    ]
    problems = []
    server_errors = sum(1 for answer in answers if answer.status >= 500)
    if server_errors:
        problems.append(f"ошибок сервера (5xx): {server_errors}")
    unexpected = [a for a in answers if a.error or a.status != 302 or a.location != SENT_PATH]
    if unexpected:
        problems.append(f"ответов не «302 → {SENT_PATH}»: {len(unexpected)}")
    if stored.reports != count:
        problems.append(f"сохранено {stored.reports} сообщений вместо {count}")
    if stored.distinct_numbers != stored.reports:
        problems.append(f"номеров {stored.distinct_numbers} на {stored.reports} сообщений: есть повторы")
    if stored.indexes != list(range(count)):
        missing = sorted(set(range(count)) - set(stored.indexes))
        problems.append(
            f"потеряны или задвоены сообщения (нет: {missing[:10]}{'…' if len(missing) > 10 else ''})"
        )
    if stored.photos != expected_photos:
        problems.append(f"сохранено фото {stored.photos} вместо {expected_photos}")
    return lines, problems


# ---------------------------------------------------------------- the run


def run(args):
    database_url = args.database_url or os.environ.get("DATABASE_URL") or SCRATCH_DATABASE_URL
    scratch = database_url == SCRATCH_DATABASE_URL and not args.database_url
    if urlsplit(database_url).scheme not in {"postgres", "postgresql"}:
        raise SetupError(f"The run needs PostgreSQL; DATABASE_URL is {database_url!r}.")
    redis_url = args.redis_url or os.environ.get("REDIS_URL", "")
    marker = f"Нагрузочная проверка {uuid.uuid4().hex[:12]}"
    RESULTS.mkdir(parents=True, exist_ok=True)
    log_path = RESULTS / "gunicorn-reports.log"
    print(f"База: {urlsplit(database_url).path.lstrip('/')}, воркеров gunicorn: {args.workers}", flush=True)
    with tempfile.TemporaryDirectory(prefix="glazov-reports-") as tmp_name:
        env = server_env(database_url, redis_url, args.workers, Path(tmp_name), secrets.token_urlsafe(50))
        try:
            if scratch:
                print("Создаю базу glazov_bench_reports: миграции и демонстрационное содержимое", flush=True)
                create_scratch_database(database_url)
                manage(env, "migrate", "--no-input", "-v", "0")
                manage(env, "load_demo_content")
            collect_static(env)
            try:
                with gunicorn(env, "cached", log_path) as base:
                    answers, elapsed = fire(base, args.count, args.photo_every, marker)
            except RuntimeError as error:  # gunicorn did not start
                raise SetupError(str(error)) from None
            stored = stored_reports(database_url, marker)
        finally:
            if scratch and not args.keep_database:
                with contextlib.suppress(Exception):
                    drop_scratch_database(database_url)
    lines, problems = verdict(answers, elapsed, stored, args.count, args.photo_every)
    print("\n".join(lines))
    if problems:
        print("ПОТЕРИ: " + "; ".join(problems))
        print(f"Журнал gunicorn: {log_path.relative_to(ROOT)}")
        return 1
    print("Без потерь: каждое сообщение сохранено один раз, с собственным номером.")
    return 0


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=200, help="reports sent at once (default 200)")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers (default 4)")
    parser.add_argument(
        "--photo-every", type=int, default=5, help="every n-th report has a photo (default 5)"
    )
    parser.add_argument(
        "--database-url", help="PostgreSQL database to use (default: $DATABASE_URL or a scratch one)"
    )
    parser.add_argument("--redis-url", help="Redis for the cache (default: $REDIS_URL, else a file cache)")
    parser.add_argument("--keep-database", action="store_true", help="keep the scratch database afterwards")
    args = parser.parse_args(argv)
    if args.count < 1 or args.workers < 1 or args.photo_every < 1:
        parser.error("--count, --workers and --photo-every must be at least 1")
    return args


def raise_on_sigterm(signum, frame):
    raise SystemExit(128 + signum)


def main(argv=None):
    args = parse_args(argv)
    signal.signal(signal.SIGTERM, raise_on_sigterm)  # stop gunicorn on the way out
    try:
        return run(args)
    except SetupError as error:
        print(f"Не удалось подготовить проверку: {error}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
