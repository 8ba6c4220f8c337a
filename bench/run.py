"""Benchmark of the portal in its production configuration: `make bench` (never `make test`).

Builds a PostgreSQL database with the demo content plus generated news and Duma decisions,
serves it with gunicorn on 127.0.0.1 as production does (whitenoise, Redis cache), drives each
page with wrk with the page cache off and on, and a reference page beside them, counts SQL
queries per page, weighs the home page as a browser downloads it, drives ~41 cached pages at
once while an editor publishes a news item every 3 s, prints the tables and writes
docs/performance.md.

Figures are reported, never asserted: a timing goal is a ratio in the report, not a test.
The parts: bench/common.py (targets, settings), server.py (database, gunicorn, HTTP), inside.py
(tasks inside Django), wrk.py, weigh.py (the home page's transfer), scenarios.py, report.py.
"""

import argparse
import dataclasses
import datetime
import gzip
import json
import secrets
import signal
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import MODES, RESULTS, ROOT, STATIC_COPY, TARGETS, config_from, machine_info, phase
from bench.report import REPORT, report, summary, with_kept_sections
from bench.scenarios import drive, spike
from bench.server import (
    flush_redis,
    gunicorn,
    inside_django,
    manage,
    mode_env,
    prepare_database,
    production_env,
    redis_version,
)
from bench.weigh import measure_home_transfer


def benchmark(config):
    """Run everything; return the figures as plain data (kept in bench/results/last-run.json)."""
    started = time.monotonic()
    machine = machine_info()
    with tempfile.TemporaryDirectory(prefix="glazov-bench-") as tmp_name:
        tmp = Path(tmp_name)
        env = production_env(config, tmp, "benchmark-only-" + secrets.token_urlsafe(48))
        # Production's settings and its addresses, plus the reference page (/bench-reference/).
        env["DJANGO_SETTINGS_MODULE"] = "bench.reference_settings"
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

        spike_paths = inside_django(env, "spike-urls")["urls"]
        results, transfers, transfer_error, spike_record = {}, [], "", None
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
                    if not config.skip_spike:
                        spike_record = spike(base, spike_paths, mode_env(env, mode), RESULTS)
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
            "spike": spike_record,
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
    parser.add_argument(
        "--skip-spike", action="store_true", help="leave out «publishing during a spike» (about 70 s)"
    )
    return parser.parse_args(argv)


def raise_on_sigterm(signum, frame):
    raise SystemExit(128 + signum)


def main(argv=None):
    args = parse_args(argv)
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
