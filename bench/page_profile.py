"""Where one page spends its time: `make profile [URL=/ru/news/]` (cProfile, in-process).

Renders the page with Django's test client under the production settings (DEBUG off, cached
template loader, manifest static files, Redis cache) against the benchmark's PostgreSQL database,
with the page cache off unless --cached: once right after a cache clear (cold), then several times
in the steady state (warm). Prints the time per request, the SQL queries and their time, and the
functions that cost the most. Run `make bench` once first: it builds the database and its images.
"""

import argparse
import cProfile
import io
import os
import pstats
import re
import secrets
import statistics
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/glazov_bench"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/4"
# Collected once and kept: collectstatic with compression takes about a minute.
STATIC_ROOT = RESULTS / "static-profile"
# Project code, as opposed to Django's, Wagtail's and the standard library's.
OWN_CODE = tuple(str(ROOT / name) for name in ("home", "news", "feedback", "site_glazov"))


def production_environment(cached):
    """The variables bench/run.py gives gunicorn, for this process."""
    database_url = os.environ.get("BENCH_DATABASE_URL", DEFAULT_DATABASE_URL)
    name = urlsplit(database_url).path.lstrip("/")
    private = Path(tempfile.mkdtemp(prefix="glazov-profile-"))
    os.environ.update(
        DJANGO_SETTINGS_MODULE="site_glazov.settings.production",
        SECRET_KEY="profile-only-" + secrets.token_urlsafe(48),
        ALLOWED_HOSTS="127.0.0.1",
        DATABASE_URL=database_url,
        DB_CONN_MAX_AGE="60",
        REDIS_URL=os.environ.get("BENCH_REDIS_URL", DEFAULT_REDIS_URL),
        STATIC_ROOT=str(STATIC_ROOT),
        MEDIA_ROOT=str(RESULTS / f"media-{name}"),
        FEEDBACK_PRIVATE_ROOT=str(private),
        LOG_LEVEL="WARNING",
    )
    if cached:
        os.environ.pop("PAGE_CACHE_SECONDS", None)
    else:
        os.environ["PAGE_CACHE_SECONDS"] = "0"


def setup_django():
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.db import OperationalError, connection

    try:
        connection.ensure_connection()
    except OperationalError as error:
        raise SystemExit(
            f"Нет базы замера ({os.environ['DATABASE_URL']}): сначала `make bench`, он её создаёт, "
            f"или укажите готовую в BENCH_DATABASE_URL.\n{error}"
        ) from error
    if not (STATIC_ROOT / "staticfiles.json").exists():
        from django.core.management import call_command

        print(f"collectstatic в {STATIC_ROOT.relative_to(ROOT)} (один раз, около минуты)", flush=True)
        call_command("collectstatic", "--no-input", "-v", "0")


def clear_caches():
    """Forget everything cached: Redis and this process's own memory of pages."""
    from django.core.cache import cache

    cache.clear()
    from home import caching

    caching.forget_local_copies()
    try:
        from home.page_cache import local_pages
    except ImportError:  # the page cache keeps no per-process copy
        return
    local_pages.clear()


class SqlTimer:
    """Counts the queries of a request and the time spent waiting for them (connection.execute_wrapper)."""

    def __init__(self):
        self.count = 0
        self.seconds = 0.0
        self.queries = []  # (ms, sql)

    def __call__(self, execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            spent = time.perf_counter() - started
            self.seconds += spent
            self.count += 1
            self.queries.append((spent * 1000, sql))


_clients = []


def client():
    """One test client for the whole run, as a gunicorn worker loads its middleware once.

    A new Client per request would build the middleware chain again each time, and whitenoise
    alone scans every static file when it starts (about 0.2 s).
    """
    from django.test import Client

    if not _clients:
        _clients.append(Client(HTTP_HOST="127.0.0.1", HTTP_X_FORWARDED_PROTO="https"))
    _clients[0].cookies.clear()  # no cookie from an earlier response, as with wrk
    return _clients[0]


def request(url, profiler=None):
    """One GET as wrk sends it (no cookies), with its time and its SQL."""
    from django.db import connection

    timer = SqlTimer()
    with connection.execute_wrapper(timer):
        started = time.perf_counter()
        if profiler:
            profiler.enable()
        response = client().get(url)
        if profiler:
            profiler.disable()
        elapsed = time.perf_counter() - started
    if response.status_code != 200:
        raise SystemExit(f"{url}: HTTP {response.status_code}")
    return {
        "ms": elapsed * 1000,
        "queries": timer.count,
        "sql_ms": timer.seconds * 1000,
        "sql": timer.queries,
    }


def without_columns(sql):
    """A query without its list of columns: what it reads and how is what tells queries apart."""
    return re.sub(r"^SELECT .*? FROM ", "SELECT … FROM ", sql, count=1, flags=re.S)


def top_costs(profiler, limit, own_only):
    """The profile's costliest functions by cumulative time, as pstats prints them."""
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out)
    if not own_only:
        stats.strip_dirs()
    stats.sort_stats("cumulative")
    if own_only:
        # A regex on the file name: only functions of the project's own apps.
        stats.print_stats("|".join(path.replace(".", r"\.") for path in OWN_CODE), limit)
    else:
        stats.print_stats(limit)
    text = out.getvalue()
    start = text.find("   ncalls")
    return text[start:] if start >= 0 else text


def measure(url, runs):
    """Time and SQL of the page right after a cache clear and in the steady state, unprofiled."""
    clear_caches()
    request(url)  # image renditions are made on a page's first view ever; measure what follows
    clear_caches()
    cold = request(url)
    warm = [request(url) for _ in range(runs)]
    median = {key: statistics.median(run[key] for run in warm) for key in ("ms", "queries", "sql_ms")}
    return {"url": url, "cold": cold, "warm": median, "last_warm": warm[-1]}


def profile_page(url, runs, limit, cached):
    """Print where a cold and the warm requests of the page spend their time."""
    clear_caches()
    cold_profiler = cProfile.Profile()
    request(url, cold_profiler)
    warm_profiler = cProfile.Profile()
    for _ in range(runs):
        request(url, warm_profiler)
    mode = "с кэшем страниц" if cached else "без кэша страниц"
    print(f"\n{url} ({mode}; настройки production, DEBUG выключен), профиль cProfile")
    print(f"\nОбычный режим, {runs} запросов: самое дорогое по общему времени (cumulative)\n")
    print(top_costs(warm_profiler, limit, own_only=False))
    print(f"Только код портала (home/, news/, feedback/, site_glazov/), {runs} запросов\n")
    print(top_costs(warm_profiler, limit, own_only=True))
    print("Холодный запрос (после очистки кэша): код портала\n")
    print(top_costs(cold_profiler, limit, own_only=True))


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("urls", nargs="*", default=["/ru/"], help="page addresses (default /ru/)")
    parser.add_argument("--runs", type=int, default=20, help="warm requests to profile (default 20)")
    parser.add_argument("--limit", type=int, default=25, help="functions to print (default 25)")
    parser.add_argument("--cached", action="store_true", help="keep the page cache on (production default)")
    parser.add_argument("--sql", action="store_true", help="print every query of a cold and a warm request")
    parser.add_argument("--summary", action="store_true", help="only the times and SQL counts, no profile")
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    production_environment(args.cached)
    setup_django()
    rows = [measure(url, args.runs) for url in args.urls]
    if args.sql:
        for row in rows:
            for run in ("cold", "last_warm"):
                print(f"\n{row['url']}: запросы SQL ({run}), мс")
                for ms, sql in row[run]["sql"]:
                    print(f"  {ms:7.1f}  {without_columns(sql)[:300]}")
    if not args.summary:
        for url in args.urls:
            profile_page(url, args.runs, args.limit, args.cached)
    print("\nБез профилировщика (время — django.test.Client от запроса до ответа):")
    print("\n| Адрес | Холодный, мс | SQL холодный | Обычный, мс | SQL обычный | Время SQL обычный, мс |")
    print("| --- | --- | --- | --- | --- | --- |")
    for row in rows:
        cold, warm = row["cold"], row["warm"]
        print(
            f"| `{row['url']}` | {cold['ms']:.1f} | {cold['queries']} | {warm['ms']:.1f} | "
            f"{warm['queries']:.0f} | {warm['sql_ms']:.1f} |"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
