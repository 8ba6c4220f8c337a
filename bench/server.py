"""The production setting on this machine: the database, Redis, gunicorn, and HTTP requests to it."""

import contextlib
import gzip
import http.client
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from bench.common import PROXY_HEADERS, ROOT, phase


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def production_env(config, tmp, secret):
    """The production settings as deploy/env.example sets them, on this machine's loopback."""
    env = dict(os.environ)
    env.pop("PAGE_CACHE_SECONDS", None)
    env.update(
        DJANGO_SETTINGS_MODULE="site_glazov.settings.production",
        SECRET_KEY=secret,
        ALLOWED_HOSTS="127.0.0.1",
        DATABASE_URL=config.database_url,
        DB_CONN_MAX_AGE="60",
        REDIS_URL=config.redis_url,
        STATIC_ROOT=str(tmp / "static"),
        MEDIA_ROOT=str(config.media_root),
        FEEDBACK_PRIVATE_ROOT=str(tmp / "private"),
        GUNICORN_WORKERS=str(config.workers),
        PYTHONPATH=str(ROOT),
    )
    return env


def mode_env(env, mode):
    """The page cache is off (PAGE_CACHE_SECONDS=0) or at production's default."""
    env = dict(env)
    if mode == "uncached":
        env["PAGE_CACHE_SECONDS"] = "0"
    return env


def manage(env, *args, quiet=True):
    subprocess.run(  # noqa: S603 - our own manage.py with fixed arguments
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        check=True,
        stdout=subprocess.DEVNULL if quiet else None,
    )


INSIDE = ROOT / "bench" / "inside.py"


def inside_command(task, out, *extra):
    return [sys.executable, str(INSIDE), task, "--out", str(out), *extra]


def inside_django(env, task, *extra):
    """Run one of bench/inside.py's Django-side tasks in a subprocess with the production settings."""
    with tempfile.NamedTemporaryFile(suffix=".json") as out:
        subprocess.run(  # noqa: S603 - our own script with fixed arguments
            inside_command(task, out.name, *extra),
            cwd=ROOT,
            env=env,
            check=True,
        )
        return json.loads(Path(out.name).read_text())


def prepare_database(config, env):
    """Create (or recreate) the benchmark database, then fill it up to the wanted data size."""
    import psycopg
    from psycopg import sql

    parts = urlsplit(config.database_url)
    name = parts.path.lstrip("/")
    admin_url = urlunsplit(parts._replace(path="/postgres"))
    # The generated images live beside the database: without them the pages cannot render.
    recreate = config.regenerate or not config.media_root.exists()
    with psycopg.connect(admin_url, autocommit=True) as admin:
        exists = admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if exists and recreate:
            print(f"Пересоздаю базу {name}")
            admin.execute(sql.SQL("DROP DATABASE {} WITH (FORCE)").format(sql.Identifier(name)))
        if not exists or recreate:
            admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    if recreate:
        shutil.rmtree(config.media_root, ignore_errors=True)  # the old database's images
    config.media_root.mkdir(parents=True, exist_ok=True)
    with phase("Миграции и демонстрационное содержимое"):
        manage(env, "migrate", "--no-input", "-v", "0")
        have = inside_django(env, "count")
        # Only into an empty database: run again, it would add English and Udmurt copies of
        # every generated page, and the data would differ from one run to the next.
        if not have["demo"]:
            manage(env, "load_demo_content")
            have = inside_django(env, "count")
    news, decisions = max(0, config.news - have["news"]), max(0, config.decisions - have["decisions"])
    if news or decisions:
        with phase(f"Создаю новостей: {news}, решений: {decisions}"):
            manage(env, "generate_content", "--news", str(news), "--decisions", str(decisions))
    else:
        print(f"В базе уже есть новостей: {have['news']}, решений: {have['decisions']}")
    # Planner statistics of the fresh rows, as autovacuum gathers them on a server in service:
    # without them PostgreSQL guesses one row per table and the latest news took 650 ms, not 5.
    with psycopg.connect(config.database_url, autocommit=True) as database:
        database.execute("ANALYZE")


def flush_redis(url):
    import redis

    redis.Redis.from_url(url).flushdb()


def redis_version(url):
    import redis

    return redis.Redis.from_url(url).info("server")["redis_version"]


@dataclass
class Response:
    status: int
    headers: dict
    body: bytes  # as received: compressed if the server compressed it
    header_bytes: int

    def text(self):
        encoding = self.headers.get("content-encoding", "")
        if encoding == "br":
            import brotli

            return brotli.decompress(self.body)
        if encoding == "gzip":
            return gzip.decompress(self.body)
        return self.body


def fetch(url, **headers):
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
    try:
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        connection.request("GET", path, headers={**PROXY_HEADERS, **headers})
        response = connection.getresponse()
        body = response.read()
        head = f"HTTP/1.1 {response.status} {response.reason}\r\n" + "".join(
            f"{name}: {value}\r\n" for name, value in response.getheaders()
        )
        return Response(
            status=response.status,
            headers={name.lower(): value for name, value in response.getheaders()},
            body=body,
            header_bytes=len(head.encode("latin-1")) + 2,
        )
    finally:
        connection.close()


@contextlib.contextmanager
def gunicorn(env, mode, log_path):
    """gunicorn with the repo's gunicorn.conf.py on a free loopback port, stopped whatever happens."""
    port = free_port()
    env = {**mode_env(env, mode), "GUNICORN_BIND": f"127.0.0.1:{port}"}
    base = f"http://127.0.0.1:{port}"
    with open(log_path, "wb") as log:
        process = subprocess.Popen(  # noqa: S603 - gunicorn from our own virtualenv
            [sys.executable, "-m", "gunicorn", "-c", str(ROOT / "gunicorn.conf.py")],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            wait_until_ready(process, base, log_path)
            yield base
        finally:
            stop(process)


def wait_until_ready(process, base, log_path, seconds=90):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            break
        with contextlib.suppress(OSError, http.client.HTTPException):
            if fetch(base + "/robots.txt").status == 200:
                return
        time.sleep(0.5)
    tail = Path(log_path).read_text(errors="replace")[-3000:]
    raise RuntimeError(f"gunicorn did not start; the end of {log_path}:\n{tail}")


def stop(process):
    """SIGTERM lets gunicorn finish its requests; after its graceful timeout, kill its process group."""
    if process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=40)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
