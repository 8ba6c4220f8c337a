"""What the benchmark drives and where it keeps things: shared by bench/run.py and its modules."""

import contextlib
import os
import platform
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent

RESULTS = ROOT / "bench" / "results"

REPORT = ROOT / "docs" / "performance.md"

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/glazov_bench"

DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/4"
# What the issue (#7) asks of production.
# What the issue (#7) asks of production.
QUERY_BUDGET = 15

CACHED_TO_STATIC = 0.7

HOME_TRANSFER_LIMIT = 150 * 1024

# The search term: every generated decision and many news items are about the city's budget.
SEARCH_TERM = "бюджет"

# Sent with every request, as nginx does in production (deploy/nginx.conf): the site sees HTTPS.
PROXY_HEADERS = {"X-Forwarded-Proto": "https", "X-Real-IP": "127.0.0.1"}

STATIC_COPY = "bench/home-copy.html"


@dataclass
class Target:
    """A page (or the static file) the benchmark drives."""

    key: str
    label: str
    url: str = ""
    budget: int | None = None  # SQL queries allowed for an uncached request, if the issue sets any


TARGETS = [
    Target("static", "Статический файл (whitenoise)"),
    Target("reference", "Эталонная страница Wagtail (только маршрутизация)"),
    Target("home", "Главная", budget=QUERY_BUDGET),
    Target("news", "Список новостей", budget=QUERY_BUDGET),
    Target("registry", "Реестр решений с фильтром", budget=QUERY_BUDGET),
    Target("decision", "Страница решения"),
    Target("feedback", "Форма «Решаем вместе»"),
    Target("search", "Поиск", budget=QUERY_BUDGET),
]

# Not pages of the portal: what the pages are compared with.
REFERENCE_KEYS = ("static", "reference")
MODES = {"uncached": "без кэша страниц", "cached": "с кэшем страниц"}


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
    skip_spike: bool = False
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
        skip_spike=getattr(args, "skip_spike", False),
    )


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
