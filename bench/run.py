"""Benchmark of the portal in its production configuration: `make bench` (never `make test`).

Builds a PostgreSQL database with the demo content plus generated news and Duma decisions,
serves it with gunicorn on 127.0.0.1 as production does (whitenoise, Redis cache), drives each
page with wrk with the page cache off and on, counts SQL queries per page, weighs the home page
as a browser downloads it, prints a table and writes docs/performance.md.

Figures are reported, never asserted: a timing goal is a ratio in the report, not a test.
"""

import argparse
import contextlib
import dataclasses
import datetime
import gzip
import html.parser
import http.client
import json
import os
import platform
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote, unquote, urljoin, urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
REPORT = ROOT / "docs" / "performance.md"

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/glazov_bench"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/4"
# What the issue (#7) asks of production.
QUERY_BUDGET = 15
CACHED_TO_STATIC = 0.7
HOME_TRANSFER_LIMIT = 150 * 1024
# The search term: every generated decision and many news items are about the city's budget.
SEARCH_TERM = "бюджет"
# Sent with every request, as nginx does in production (deploy/nginx.conf): the site sees HTTPS.
PROXY_HEADERS = {"X-Forwarded-Proto": "https", "X-Real-IP": "127.0.0.1"}
STATIC_COPY = "bench/home-copy.html"
# docs/performance.md keeps what `make lighthouse` wrote between these markers when the benchmark rewrites it.
LIGHTHOUSE_MARKERS = ("<!-- lighthouse: start -->", "<!-- lighthouse: end -->")


@dataclass
class Target:
    """A page (or the static file) the benchmark drives."""

    key: str
    label: str
    url: str = ""
    budget: int | None = None  # SQL queries allowed for an uncached request, if the issue sets any


TARGETS = [
    Target("static", "Статический файл (whitenoise)"),
    Target("home", "Главная", budget=QUERY_BUDGET),
    Target("news", "Список новостей", budget=QUERY_BUDGET),
    Target("registry", "Реестр решений с фильтром", budget=QUERY_BUDGET),
    Target("decision", "Страница решения"),
    Target("feedback", "Форма «Решаем вместе»"),
    Target("search", "Поиск", budget=QUERY_BUDGET),
]
MODES = {"uncached": "без кэша страниц", "cached": "с кэшем страниц"}


# ---------------------------------------------------------------- parsing helpers (unit-tested)

DURATION_UNITS_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0, "h": 3_600_000.0}


def duration_ms(text):
    """wrk's duration ("812.00us", "4.51ms", "1.02s", "1.50m") in milliseconds."""
    match = re.fullmatch(r"([\d.]+)(us|ms|s|m|h)", text.strip())
    if not match:
        raise ValueError(f"not a wrk duration: {text!r}")
    return float(match[1]) * DURATION_UNITS_MS[match[2]]


def parse_wrk(output):
    """The figures of one `wrk --latency` run: req/s, latency (ms), errors."""
    rate = re.search(r"^Requests/sec:\s+([\d.]+)", output, re.M)
    total = re.search(r"^\s*(\d+) requests in ([\d.]+\w+), ([\d.]+\w+) read", output, re.M)
    if not rate or not total:
        raise ValueError("wrk printed no result:\n" + output)
    result = {
        "requests": int(total[1]),
        "seconds": duration_ms(total[2]) / 1000,
        "rps": float(rate[1]),
        "non_2xx_3xx": 0,
        "socket_errors": {"connect": 0, "read": 0, "write": 0, "timeout": 0},
    }
    latency = re.search(r"^\s*Latency\s+(\S+)\s+\S+\s+(\S+)", output, re.M)
    if latency:
        result["latency_avg_ms"] = duration_ms(latency[1])
        result["latency_max_ms"] = duration_ms(latency[2])
    for percent, value in re.findall(r"^\s*(50|75|90|99)%\s+(\S+)", output, re.M):
        result[f"latency_p{percent}_ms"] = duration_ms(value)
    non_2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output)
    if non_2xx:
        result["non_2xx_3xx"] = int(non_2xx[1])
    errors = re.search(
        r"Socket errors: connect (?P<connect>\d+), read (?P<read>\d+), "
        r"write (?P<write>\d+), timeout (?P<timeout>\d+)",
        output,
    )
    if errors:
        result["socket_errors"] = {name: int(count) for name, count in errors.groupdict().items()}
    return result


class AssetParser(html.parser.HTMLParser):
    """Collects what a page makes the browser download besides images, and its visible text."""

    ASSET_RELS = {"stylesheet", "preload", "modulepreload"}
    IMAGE_RELS = {"icon", "apple-touch-icon", "mask-icon"}

    def __init__(self):
        super().__init__()
        self.assets = []  # (kind, url)
        self.text = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "link" and attrs.get("href"):
            rels = set((attrs.get("rel") or "").lower().split())
            kind = attrs.get("as", "style" if "stylesheet" in rels else "script")
            if rels & self.ASSET_RELS and not rels & self.IMAGE_RELS and kind != "image":
                self.assets.append((kind, attrs["href"]))
        elif tag == "script" and attrs.get("src"):
            self.assets.append(("script", attrs["src"]))
        if tag in {"script", "style", "template"}:
            self._skip += 1

    def handle_endtag(self, tag):
        if tag in {"script", "style", "template"} and self._skip:
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip:
            self.text.append(data)


def page_assets(html_text):
    """The page's stylesheets, scripts and preloads as (kind, url), and the text it shows."""
    parser = AssetParser()
    parser.feed(html_text)
    unique = list(dict.fromkeys(parser.assets))
    return unique, " ".join(parser.text)


FONT_FACE = re.compile(r"@font-face\s*{([^}]*)}", re.S)
CSS_URL = re.compile(r"""url\(\s*(['"]?)([^'")]+)\1\s*\)""")
CSS_IMPORT = re.compile(r"""@import\s+(?:url\(\s*)?['"]?([^'")\s;]+)""")


def css_fonts(css_text):
    """Every @font-face file a stylesheet names, with its unicode-range: [(url, ranges)]."""
    fonts = []
    for block in FONT_FACE.findall(css_text):
        declared = re.search(r"unicode-range\s*:\s*([^;]+)", block)
        ranges = unicode_ranges(declared[1] if declared else None)
        for _quote, url in CSS_URL.findall(block):
            if not url.startswith("data:"):
                fonts.append((url, ranges))
    return fonts


def css_imports(css_text):
    return CSS_IMPORT.findall(css_text)


def unicode_ranges(declaration):
    """A unicode-range as [(first, last)] code points; no declaration means all of Unicode.

    "U+0400-045F,U+2116,U+04??" → [(0x400, 0x45F), (0x2116, 0x2116), (0x400, 0x4FF)]
    """
    if declaration is None:
        return [(0, 0x10FFFF)]
    ranges = []
    for part in declaration.split(","):
        part = part.strip().upper().removeprefix("U+")
        if "-" in part:
            low, high = part.split("-")
        elif "?" in part:
            low, high = part.replace("?", "0"), part.replace("?", "F")
        else:
            low = high = part
        ranges.append((int(low, 16), int(high, 16)))
    return ranges


def font_is_used(ranges, text):
    """A browser downloads a web font only if the page shows a character in its unicode-range."""
    points = {ord(char) for char in text if not char.isspace()}
    return any(low <= point <= high for point in points for low, high in ranges)


@dataclass
class Transfer:
    """One file of the home page as it went over the wire."""

    kind: str
    url: str
    wire_bytes: int  # status line, headers and body as received
    body_bytes: int  # the body as received (compressed when the server compressed it)
    decoded_bytes: int
    encoding: str
    used: bool = True  # for fonts: whether the page's text needs it


def home_transfer_totals(transfers):
    """Total bytes on the wire: everything referenced, and what a browser actually fetches."""
    return {
        "referenced": sum(item.wire_bytes for item in transfers),
        "fetched": sum(item.wire_bytes for item in transfers if item.used),
    }


# ---------------------------------------------------------------- the environment


def machine_info():
    model = "неизвестен"
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    return {
        "cores": os.cpu_count(),
        "cpu": model,
        "python": platform.python_version(),
        "system": f"{platform.system()} {platform.release()}",
        "load": os.getloadavg(),
    }


@contextlib.contextmanager
def phase(title):
    """Print what the benchmark is doing and how long it took: the whole run should stay near 10 min."""
    print(title, flush=True)
    started = time.monotonic()
    yield
    print(f"  ({time.monotonic() - started:.0f} с)", flush=True)


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class Config:
    database_url: str
    redis_url: str
    duration: int
    connections: int
    threads: int
    workers: int
    warmup: int
    news: int
    decisions: int
    regenerate: bool
    media_root: Path = field(init=False)

    def __post_init__(self):
        name = urlsplit(self.database_url).path.lstrip("/")
        self.media_root = RESULTS / f"media-{name}"


def config_from(args):
    cores = os.cpu_count() or 1
    connections = int(os.environ.get("BENCH_CONNECTIONS", "8"))
    return Config(
        database_url=os.environ.get("BENCH_DATABASE_URL", DEFAULT_DATABASE_URL),
        redis_url=os.environ.get("BENCH_REDIS_URL", DEFAULT_REDIS_URL),
        duration=int(os.environ.get("BENCH_DURATION", "10")),
        connections=connections,
        threads=min(connections, cores),
        workers=int(os.environ.get("BENCH_WORKERS", str(2 * cores + 1))),
        warmup=int(os.environ.get("BENCH_WARMUP", "1")),
        news=args.news,
        decisions=args.decisions,
        regenerate=args.regenerate,
    )


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


def inside_django(env, task, *extra):
    """Run one of this module's Django-side tasks in a subprocess with the production settings."""
    with tempfile.NamedTemporaryFile(suffix=".json") as out:
        subprocess.run(  # noqa: S603 - this very script
            [sys.executable, __file__, "--inside", task, "--out", out.name, *extra],
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


def flush_redis(url):
    import redis

    redis.Redis.from_url(url).flushdb()


def redis_version(url):
    import redis

    return redis.Redis.from_url(url).info("server")["redis_version"]


# ---------------------------------------------------------------- inside Django (subprocesses)


def setup_django():
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def task_count(_args):
    from news.models import DecisionPage, NewsIndexPage, NewsPage

    return {
        "demo": NewsIndexPage.objects.exists(),
        "news": NewsPage.objects.filter(locale__language_code="ru").count(),
        "decisions": DecisionPage.objects.filter(locale__language_code="ru").count(),
    }


def target_urls():
    """Real addresses from the database for the pages the benchmark drives."""
    from django.db.models import Count
    from django.db.models.functions import ExtractYear

    from feedback.models import FeedbackPage
    from news.models import DecisionIndexPage, DecisionPage, NewsIndexPage

    live_ru = {"live": True, "locale__language_code": "ru"}
    registry = DecisionIndexPage.objects.get(**live_ru)
    decisions = DecisionPage.objects.filter(**live_ru, status="in_force")
    # The year with the most decisions in force: the filter returns a full page of results.
    busiest = (
        decisions.annotate(year=ExtractYear("date_adopted"))
        .values("year")
        .annotate(count=Count("id"))
        .order_by("-count", "-year")
        .first()
    )
    decision = DecisionPage.objects.filter(**live_ru).order_by("-date_adopted", "-id").first()
    return {
        "home": "/ru/",
        "news": NewsIndexPage.objects.get(**live_ru).get_url(),
        "registry": f"{registry.get_url()}?status=in_force&year={busiest['year']}",
        "decision": decision.get_url(),
        "feedback": FeedbackPage.objects.get(**live_ru).get_url(),
        "search": f"/ru/search/?q={quote(SEARCH_TERM)}",
    }


def task_probe(args):
    """SQL queries per page with a cold cache and in the steady state, as the Django client sees them."""
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from home.page_cache import local_pages

    def get(url):
        # A fresh client each time: no cookie from an earlier response, as with wrk.
        client = Client(HTTP_HOST="127.0.0.1", HTTP_X_FORWARDED_PROTO="https")
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        return {
            "status": response.status_code,
            "queries": len(queries),
            "x_cache": response.get("X-Cache"),
            "bytes": len(response.content),
        }, response

    urls = target_urls()
    pages = {}
    for key, url in urls.items():
        get(url)  # image renditions are made on the first view ever; measure what follows
        cache.clear()
        local_pages.clear()  # and this process's own memory of pages
        cold, _ = get(url)
        warm, response = get(url)
        pages[key] = {"url": url, "cold": cold, "warm": warm}
        if key == "home" and args.home_html:
            Path(args.home_html).write_bytes(response.content)
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        postgres = cursor.fetchone()[0]
    import django
    import wagtail

    return {
        "pages": pages,
        "data": task_count(args),
        "versions": {"postgres": postgres, "django": django.get_version(), "wagtail": wagtail.__version__},
    }


# ---------------------------------------------------------------- talking to the server


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


def run_wrk(url, config, duration):
    command = [
        "wrk",
        "--latency",
        f"--threads={config.threads}",
        f"--connections={config.connections}",
        f"--duration={duration}s",
        # A slow response must count in the latency, not vanish as a timeout.
        "--timeout=30s",
        *[argument for name, value in PROXY_HEADERS.items() for argument in ("-H", f"{name}: {value}")],
        url,
    ]
    result = subprocess.run(  # noqa: S603 - wrk with fixed arguments
        command, capture_output=True, text=True, check=True, timeout=duration + 90
    )
    return parse_wrk(result.stdout)


def drive(base, target, config, mode):
    """Warm the page up, read its X-Cache header, then let wrk drive it."""
    url = base + target.url
    first = fetch(url)
    if first.status != 200:
        return {"error": f"HTTP {first.status} на первый запрос"}
    if config.warmup:
        run_wrk(url, config, config.warmup)
    seen = fetch(url)
    if seen.status != 200:
        return {"error": f"HTTP {seen.status} после прогрева"}
    print(f"  {MODES[mode]}: {target.label} {unquote(target.url)} ({config.duration} с)", flush=True)
    result = run_wrk(url, config, config.duration)
    if not result["requests"]:
        return {"error": f"ни одного ответа за {config.duration} с"}
    result["x_cache"] = seen.headers.get("x-cache")
    result["bytes"] = len(seen.body)
    return result


def measure_home_transfer(base):
    """The home page and every stylesheet, script and font it references, compressed as served."""
    accept = {"Accept-Encoding": "br, gzip"}
    home_url = base + "/ru/"
    transfers = []

    def record(kind, url):
        if any(item.url == url.removeprefix(base) for item in transfers):
            return None  # a preloaded font that a stylesheet names again is downloaded once
        response = fetch(url, **accept)
        if response.status != 200:
            raise RuntimeError(f"{url}: HTTP {response.status}")
        decoded = response.text()
        transfers.append(
            Transfer(
                kind=kind,
                url=url.removeprefix(base),
                wire_bytes=response.header_bytes + len(response.body),
                body_bytes=len(response.body),
                decoded_bytes=len(decoded),
                encoding=response.headers.get("content-encoding", "—"),
            )
        )
        return decoded.decode("utf-8", errors="replace")

    html_text = record("html", home_url)
    assets, page_text = page_assets(html_text)
    stylesheets = []
    for kind, href in assets:
        url = urljoin(home_url, href)
        if not url.startswith(base):
            raise RuntimeError(f"the home page loads {url} from another host")
        content = record(kind, url)
        if kind == "style" and content is not None:
            stylesheets.append((url, content))
    while stylesheets:
        css_url, css_text = stylesheets.pop(0)
        for href in css_imports(css_text):
            url = urljoin(css_url, href)
            content = record("style", url)
            if content is not None:
                stylesheets.append((url, content))
        for href, ranges in css_fonts(css_text):
            if record("font", urljoin(css_url, href)) is not None:
                transfers[-1].used = font_is_used(ranges, page_text)
    return transfers


# ---------------------------------------------------------------- the report


def kb(size):
    return f"{size / 1024:.1f}"


def yes_no(value):
    return "да" if value else "нет"


def number(value, digits=1):
    return "—" if value is None else f"{value:.{digits}f}"


def query_counts(probe):
    """SQL queries as "cold / steady", or the HTTP status if the page did not render."""
    for run in ("cold", "warm"):
        if probe[run]["status"] != 200:
            return f"HTTP {probe[run]['status']}"
    return f"{probe['cold']['queries']} / {probe['warm']['queries']}"


def measurement_rows(record):
    rows = []
    for mode in MODES:
        results, probes = record["results"][mode], record["probes"][mode]["pages"]
        static_rps = results.get("static", {}).get("rps")
        for target in TARGETS:
            result = results.get(target.key, {})
            probe = probes.get(target.key)
            if "error" in result or not result:
                cells = [result.get("error", "не замерено")] + [""] * 6
            else:
                ratio = result["rps"] / static_rps if static_rps else None
                errors = result["non_2xx_3xx"] + sum(result["socket_errors"].values())
                cells = [
                    number(result["rps"]),
                    number(ratio, 2),
                    number(result.get("latency_p50_ms")),
                    number(result.get("latency_p99_ms")),
                    str(errors),
                    result.get("x_cache") or "—",
                    kb(result["bytes"]),
                ]
            queries = query_counts(probe) if probe else "—"
            rows.append([target.label, MODES[mode], *cells, queries])
    return rows


def verdict_rows(record):
    rows = []
    cached_results = record["results"]["cached"]
    static_rps = cached_results.get("static", {}).get("rps")
    for target in TARGETS[1:]:
        cached = cached_results.get(target.key, {})
        if cached.get("rps") and static_rps:
            ratio = cached["rps"] / static_rps
            if cached.get("x_cache") == "BYPASS":
                # The feedback form is personal (CSRF token, Cache-Control: private) by design.
                speed = f"не относится: страница не кэшируется, X-Cache: BYPASS ({ratio:.2f}×)"
            else:
                speed = f"{yes_no(ratio >= CACHED_TO_STATIC)} ({ratio:.2f}×)"
                if not cached.get("x_cache"):
                    speed += ", кэша страниц нет (нет X-Cache)"
        else:
            speed = "не замерено"
        probe = record["probes"]["uncached"]["pages"][target.key]
        warm, cold = probe["warm"]["queries"], probe["cold"]["queries"]
        counts = f"{warm}; сразу после очистки кэша {cold}"
        if {probe["warm"]["status"], probe["cold"]["status"]} != {200}:
            queries = f"не замерено: {query_counts(probe)}"
        elif target.budget is None:
            queries = f"бюджета нет ({counts})"
        else:
            queries = f"{yes_no(warm <= target.budget)} ({counts})"
        rows.append([target.label, f"`{unquote(record['urls'][target.key])}`", speed, queries])
    return rows


def markdown_table(header, rows):
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join(" --- " for _ in header) + "|"]
    lines += ["| " + " | ".join(str(cell) for cell in row) + " |" for row in rows]
    return "\n".join(lines)


MEASUREMENT_HEADER = [
    "Цель",
    "Режим",
    "Запросов/с",
    "× статика",
    "p50, мс",
    "p99, мс",
    "Ошибок",
    "X-Cache",
    "Ответ, КБ",
    "SQL (холодный / обычный)",
]
VERDICT_HEADER = ["Цель", "Адрес", f"С кэшем ≥ {CACHED_TO_STATIC}× статики", f"SQL без кэша ≤ {QUERY_BUDGET}"]
TRANSFER_HEADER = ["Файл", "Вид", "Сжатие", "Передано, КБ", "Без сжатия, КБ", "Загружает браузер"]


def transfer_lines(record):
    transfers = [Transfer(**item) for item in record["transfers"]]
    if not transfers:
        return ["Не замерено: " + record["transfer_error"]]
    totals = home_transfer_totals(transfers)
    html_row = next(item for item in transfers if item.kind == "html")
    rows = [
        [
            f"`{item.url}`",
            item.kind,
            item.encoding,
            kb(item.wire_bytes),
            kb(item.decoded_bytes),
            yes_no(item.used),
        ]
        for item in transfers
    ]
    limit = HOME_TRANSFER_LIMIT // 1024
    return [
        "Главная страница и все стили, скрипты и шрифты, на которые она ссылается (изображения "
        "не считаются), запрошенные у gunicorn с `Accept-Encoding: br, gzip`; считаются байты "
        "ответа целиком (строка статуса, заголовки и тело, как оно пришло).",
        "",
        markdown_table(TRANSFER_HEADER, rows),
        "",
        f"- Всё, на что ссылается страница: **{kb(totals['referenced'])} КБ** — "
        f"не больше {limit} КБ: **{yes_no(totals['referenced'] <= HOME_TRANSFER_LIMIT)}**.",
        "- Что загружает браузер (шрифт — только если на странице есть символ из его unicode-range; "
        f"оценка: оба начертания считаются нужными): **{kb(totals['fetched'])} КБ** — "
        f"не больше {limit} КБ: **{yes_no(totals['fetched'] <= HOME_TRANSFER_LIMIT)}**.",
        f"- HTML главной Django отдаёт без сжатия ({kb(html_row.body_bytes)} КБ); сжатый gzip, "
        f"например на nginx, он занял бы {kb(record['html_gzip'])} КБ.",
    ]


def busy_machine_warning(machine):
    """A note when something else kept the cores busy: then the figures only compare with each other."""
    if max(machine["load"][:2]) <= machine["cores"]:
        return []
    return [
        "**Машина во время замера была занята и другими процессами** (средняя загрузка выше числа "
        "ядер): запросы в секунду и задержки ниже, чем будут на свободной машине, и годятся для "
        "сравнения строк этой таблицы между собой, а не как итоговые. Запросы SQL и объём передачи "
        "от загрузки не зависят.",
        "",
    ]


# How to find what a page spends its time on; written into every report (`make bench` rewrites the file).
PROFILE_SECTION = [
    "## Профиль одной страницы: `make profile`",
    "",
    "`make profile URL=/ru/news/` (bench/page_profile.py) показывает, на что уходит время одной "
    "страницы: запускает её в одном процессе через django.test.Client с настройками production "
    "(DEBUG выключен, шаблоны кэшируются, статика по манифесту, кэш Redis) на базе замера "
    "(`BENCH_DATABASE_URL`, по умолчанию `glazov_bench`; сначала один раз `make bench`), кэш "
    "страниц выключен. Печатает время запроса и число и время запросов SQL сразу после очистки "
    "кэша (холодный) и медиану обычных повторов, затем профиль cProfile: самые дорогие функции "
    "по общему времени и отдельно — код портала (home/, news/, feedback/, site_glazov/).",
    "",
    "- Несколько страниц сразу и только таблица времени: "
    '`make profile URL="/ru/ /ru/news/" PROFILE_ARGS=--summary`.',
    "- Каждый запрос SQL с его временем (для `EXPLAIN ANALYZE`): `PROFILE_ARGS=--sql`.",
    "- С кэшем страниц, как в production по умолчанию: `PROFILE_ARGS=--cached`.",
    "- Время под профилировщиком в 1,5–2 раза больше настоящего: сравнивайте доли, а время "
    "страницы берите из таблицы, она измерена без него.",
]


def report(record):
    """docs/performance.md: the figures of one run, with enough of the setting to judge them."""
    settings, machine = record["settings"], record["machine"]
    versions, data = record["probes"]["uncached"]["versions"], record["probes"]["uncached"]["data"]
    load = machine["load"]
    lines = [
        "# Производительность",
        "",
        "Замер сделан командой `make bench` (bench/run.py; как запускать — bench/README.md). "
        "Файл пишется заново при каждом запуске; цифры ниже — одного прогона.",
        "",
        "## Условия",
        "",
        *busy_machine_warning(machine),
        f"- Дата: {record['date']}; замер длился {record['elapsed'] / 60:.1f} мин.",
        f"- Машина: ядер {machine['cores']}, {machine['cpu']}; {machine['system']}; "
        f"средняя загрузка перед началом {load[0]:.2f} / {load[1]:.2f} / {load[2]:.2f} (1 / 5 / 15 мин).",
        f"- Python {machine['python']}, Django {versions['django']}, Wagtail {versions['wagtail']}, "
        f"PostgreSQL {versions['postgres']}, Redis {record['redis']}.",
        f"- Данные: новостей {data['news']}, решений Думы {data['decisions']} (русская версия; "
        "демонстрационное содержимое и `manage.py generate_content`).",
        "- Настройки: site_glazov.settings.production, gunicorn с gunicorn.conf.py "
        f"({settings['workers']} синхронных воркеров, остальное по умолчанию), whitenoise, кэш Redis, "
        "`DB_CONN_MAX_AGE=60`, как в deploy/env.example. Запросы идут с заголовком "
        "`X-Forwarded-Proto: https`, как их передаёт nginx.",
        f"- Нагрузка: wrk, соединений {settings['connections']}, потоков {settings['threads']}, "
        f"{settings['duration']} с на цель после прогрева {settings['warmup']} с; wrk работает на той же "
        "машине, что и сайт.",
        f"- Статический файл: `{record['urls']['static']}` — копия HTML главной страницы "
        f"({kb(record['static_bytes'])} КБ), его отдаёт whitenoise. Страницы и этот файл отдаются без "
        "сжатия (wrk не присылает Accept-Encoding); размер каждого ответа — в столбце «Ответ, КБ».",
        "- «Без кэша страниц» — gunicorn с `PAGE_CACHE_SECONDS=0`; «с кэшем страниц» — с настройками "
        "по умолчанию (`PAGE_CACHE_SECONDS=300`, `PAGE_CACHE_LOCAL_SECONDS=1`: повторное попадание "
        "отдаётся из памяти процесса gunicorn, а сброс кэша процесс сверяет с Redis раз в секунду), "
        "каждая страница прогрета перед замером. X-Cache — заголовок ответа после прогрева; «—» — "
        "заголовка нет.",
        "",
        "## Замеры",
        "",
        markdown_table(MEASUREMENT_HEADER, measurement_rows(record)),
        "",
        "«× статика» — доля от запросов в секунду статического файла в том же запуске gunicorn. "
        "«Ошибок» — ответы не 2xx/3xx и ошибки сокетов по данным wrk. "
        "«SQL» — число запросов к базе на одну страницу (django.test.Client с теми же настройками): "
        "сразу после очистки кэша и в обычном режиме (меню и прочее уже в кэше).",
        "",
        "## Итог по целям задачи",
        "",
        markdown_table(VERDICT_HEADER, verdict_rows(record)),
        "",
        "Бюджет SQL (не больше 15 запросов) задан для списков: главной, новостей, реестра и поиска; "
        "для страницы решения и формы его нет, их число показано для сведения. Проверяется обычный "
        "режим, как в tests/test_news_query_budget.py; число сразу после очистки кэша — для сведения.",
        "",
        "## Главная страница: объём передачи",
        "",
        *transfer_lines(record),
        "",
        *PROFILE_SECTION,
        "",
    ]
    return "\n".join(lines)


def summary(record):
    """What the terminal shows at the end of a run."""
    lines = [
        markdown_table(MEASUREMENT_HEADER, measurement_rows(record)),
        "",
        markdown_table(VERDICT_HEADER, verdict_rows(record)),
    ]
    if record["transfers"]:
        totals = home_transfer_totals([Transfer(**item) for item in record["transfers"]])
        lines += [
            "",
            f"Главная: всё, на что ссылается, {kb(totals['referenced'])} КБ; "
            f"загружает браузер {kb(totals['fetched'])} КБ (предел {HOME_TRANSFER_LIMIT // 1024} КБ)",
        ]
    return "\n".join(lines)


# ---------------------------------------------------------------- the run


def benchmark(config):
    """Run everything; return the figures as plain data (kept in bench/results/last-run.json)."""
    started = time.monotonic()
    machine = machine_info()
    with tempfile.TemporaryDirectory(prefix="glazov-bench-") as tmp_name:
        tmp = Path(tmp_name)
        env = production_env(config, tmp, "benchmark-only-" + secrets.token_urlsafe(48))
        prepare_database(config, env)
        with phase("collectstatic (со сжатием br и gzip)"):
            manage(env, "collectstatic", "--no-input", "-v", "0")
        home_html = tmp / "home.html"
        with phase("Запросы SQL на страницу"):
            probes = {
                mode: inside_django(mode_env(env, mode), "probe", "--home-html", str(home_html))
                for mode in MODES
            }
        # The reference: a static file of the home page's size, served by whitenoise.
        static_file = tmp / "static" / STATIC_COPY
        static_file.parent.mkdir(parents=True, exist_ok=True)
        static_file.write_bytes(home_html.read_bytes())
        urls = {"static": f"/static/{STATIC_COPY}"}
        urls.update({key: page["url"] for key, page in probes["uncached"]["pages"].items()})
        for target in TARGETS:
            target.url = urls[target.key]

        results, transfers, transfer_error = {}, [], ""
        for mode in MODES:
            flush_redis(config.redis_url)
            with (
                phase(f"gunicorn {MODES[mode]}"),
                gunicorn(env, mode, RESULTS / f"gunicorn-{mode}.log") as base,
            ):
                results[mode] = {target.key: drive(base, target, config, mode) for target in TARGETS}
                if mode == "cached":
                    try:
                        transfers = measure_home_transfer(base)
                    except (RuntimeError, OSError) as error:
                        transfer_error = str(error)
        return {
            "date": datetime.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z"),
            "elapsed": time.monotonic() - started,
            "machine": machine,
            "redis": redis_version(config.redis_url),
            "settings": {
                name: getattr(config, name)
                for name in ("workers", "connections", "threads", "duration", "warmup")
            },
            "urls": urls,
            "static_bytes": static_file.stat().st_size,
            "html_gzip": len(gzip.compress(static_file.read_bytes())),
            "probes": probes,
            "results": results,
            "transfers": [dataclasses.asdict(item) for item in transfers],
            "transfer_error": transfer_error,
        }


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--news", type=int, default=1000, help="news items in the database (default 1000)")
    parser.add_argument("--decisions", type=int, default=500, help="Duma decisions (default 500)")
    parser.add_argument(
        "--regenerate", action="store_true", help="drop the benchmark database and generate it anew"
    )
    parser.add_argument("--no-report", action="store_true", help="print the table, leave docs/ alone")
    parser.add_argument(
        "--report-from", metavar="JSON", help="write docs/performance.md from a saved run, measure nothing"
    )
    parser.add_argument("--inside", choices=["count", "probe"], help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    parser.add_argument("--home-html", help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def with_kept_sections(text):
    """The new report, followed by the Lighthouse section of the current docs/performance.md, if any."""
    current = REPORT.read_text() if REPORT.exists() else ""
    start, end = LIGHTHOUSE_MARKERS
    if start in current and end in current:
        kept = current[current.index(start) : current.index(end) + len(end)]
        return f"{text.rstrip()}\n\n{kept}\n"
    return text


def raise_on_sigterm(signum, frame):
    raise SystemExit(128 + signum)


def main(argv=None):
    args = parse_args(argv)
    if args.inside:
        setup_django()
        task = {"count": task_count, "probe": task_probe}[args.inside]
        Path(args.out).write_text(json.dumps(task(args)))
        return 0
    if args.report_from:
        record = json.loads(Path(args.report_from).read_text())
    else:
        signal.signal(signal.SIGTERM, raise_on_sigterm)  # stop gunicorn on the way out
        RESULTS.mkdir(parents=True, exist_ok=True)
        record = benchmark(config_from(args))
        (RESULTS / "last-run.json").write_text(json.dumps(record, ensure_ascii=False, indent=1))
    for target in TARGETS:
        target.url = record["urls"][target.key]
    print()
    print(summary(record))
    if not args.no_report:
        REPORT.write_text(with_kept_sections(report(record)))
        print(f"\nЗаписано в {REPORT.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
