"""What wrk does to the server: each page on its own, and the publishing-during-a-spike scenario."""

import json
import subprocess
import tempfile
import time
from pathlib import Path
from urllib.parse import unquote

from bench.common import MODES, ROOT
from bench.server import fetch, inside_command
from bench.wrk import rotation_script, run_wrk


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


# "Publishing during a spike" (issue #13): wrk's settings, and what the issue asks of the result.
SPIKE_THREADS = 2
SPIKE_CONNECTIONS = 32
SPIKE_SECONDS = 30
# wrk's own default: a response slower than this counts as a timeout, as in the figures.
SPIKE_TIMEOUT = 2
PUBLISH_EVERY = 3
KEPT_THROUGHPUT = 0.8
P99_RATIO = 2.0


def warm_up(base, paths):
    """Fetch each page twice: rendered into the cache, then seen as a hit."""
    statuses = {}
    for _round in range(2):
        for path in paths:
            statuses[path] = fetch(base + path).status
    return {path: status for path, status in statuses.items() if status != 200}


def spike(base, paths, env, results_dir):
    """wrk over `paths` (cached pages, in turn) quiet, then while a news item is published every 3 s."""
    script = results_dir / "spike.lua"
    script.write_text(rotation_script(paths))
    failed = warm_up(base, paths)
    runs = {}
    print(f"  всплеск без публикаций: {len(paths)} страниц, {SPIKE_SECONDS} с", flush=True)
    runs["quiet"] = spike_wrk(base, paths, script)
    warm_up(base, paths)
    print(f"  всплеск с публикацией новости каждые {PUBLISH_EVERY} с", flush=True)
    with tempfile.NamedTemporaryFile(suffix=".json") as out:
        # Publishing starts first and goes on past wrk's end: every second of the run sees it.
        publisher = subprocess.Popen(  # noqa: S603 - our own script with fixed arguments
            inside_command(
                "publish", out.name, "--seconds", str(SPIKE_SECONDS + 4), "--every", str(PUBLISH_EVERY)
            ),
            cwd=ROOT,
            env={**env, "LOG_LEVEL": "WARNING"},  # not a line per publication in the terminal
        )
        try:
            time.sleep(3)  # Django's start-up, then the first publication
            runs["publishing"] = spike_wrk(base, paths, script)
            publisher.wait(timeout=120)
        finally:
            if publisher.poll() is None:
                publisher.terminate()
                publisher.wait()
        published = json.loads(Path(out.name).read_text() or "{}") if publisher.returncode == 0 else {}
    return {
        "pages": len(paths),
        "paths": paths,
        "not_200_before": failed,
        "runs": runs,
        "published": published.get("published"),
        "publish_ms": published.get("publish_ms", []),
        "settings": {
            "threads": SPIKE_THREADS,
            "connections": SPIKE_CONNECTIONS,
            "duration": SPIKE_SECONDS,
            "timeout": SPIKE_TIMEOUT,
            "every": PUBLISH_EVERY,
        },
    }


def spike_wrk(base, paths, script):
    return run_wrk(
        base + paths[0],
        config=None,
        duration=SPIKE_SECONDS,
        connections=SPIKE_CONNECTIONS,
        threads=SPIKE_THREADS,
        timeout=SPIKE_TIMEOUT,
        script=script,
    )


def spike_verdict(spike_record):
    """Throughput kept and p99 ratio while publishing (against the quiet run), each against its target."""
    quiet, busy = spike_record["runs"]["quiet"], spike_record["runs"]["publishing"]
    kept = busy["rps"] / quiet["rps"] if quiet["rps"] else None
    quiet_p99, busy_p99 = quiet.get("latency_p99_ms"), busy.get("latency_p99_ms")
    p99 = busy_p99 / quiet_p99 if quiet_p99 and busy_p99 is not None else None
    return {
        "kept": kept,
        "kept_ok": kept is not None and kept >= KEPT_THROUGHPUT,
        "p99_ratio": p99,
        "p99_ok": p99 is not None and p99 <= P99_RATIO,
    }
