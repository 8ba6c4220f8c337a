"""What a «Решаем вместе» post with photos costs a gunicorn worker: `make bench-uploads` (not a test).

Usage, from the repository root:

    .venv/bin/python bench/uploads.py                 # scratch database, writes docs/performance.md
    .venv/bin/python bench/uploads.py --no-report     # only print
    .venv/bin/python bench/uploads.py --save-before   # also keep this run as the "before" figures

What it does:

1. Serves the portal with gunicorn (gunicorn.conf.py, site_glazov.settings.production, 5 sync
   workers as on the 2-core server) on a free port of 127.0.0.1, on a scratch PostgreSQL database
   with the demo content. The report rate limits are off for this server only (every post comes
   from one address and the same scenario is sent again and again).
2. For each scenario (a form with five photos: the largest each format may have, the images of
   issue #12, a form refused with or without decoding) it fetches the form, resets every worker's
   peak memory (/proc/PID/clear_refs), posts the form and reads the peak (VmHWM) of the worker that
   answered, the growth over its memory before the post, the time and the answer.
3. Sends the scenario that cost the most memory from five clients at once (every worker busy) and
   samples the workers' memory together every 10 ms: the peak of their sum.
4. Prints the table and writes it into docs/performance.md between the markers below, next to the
   figures kept in bench/uploads-before.json (the code before the fix of issue #12).

Images are generated once into bench/results/upload-images/ (the 25-megapixel HEIC takes ~20 s).
"""

import argparse
import concurrent.futures
import contextlib
import datetime
import http.client
import io
import json
import math
import os
import platform
import re
import secrets
import signal
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.common import REPORT, RESULTS  # noqa: E402
from bench.concurrent_reports import (  # noqa: E402
    SetupError,
    collect_static,
    create_scratch_database,
    drop_scratch_database,
    fetch_form,
    manage,
    request,
    server_env,
)
from bench.server import free_port, stop, wait_until_ready  # noqa: E402

SCRATCH_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/glazov_bench_uploads"
IMAGES = RESULTS / "upload-images"
BEFORE = ROOT / "bench" / "uploads-before.json"
FORM_PATH = "/ru/feedback/"
BOUNDARY = "----GlazovUploadBench"
MARKERS = ("<!-- uploads: start -->", "<!-- uploads: end -->")
WORKERS = 5  # 2 × 2 cores + 1, gunicorn.conf.py's default on the production server
PHOTOS = 5
ISSUE_SIDE = 7745  # issue #12: a 245 KB PNG of 7745 × 7745 pixels
# crispy-bootstrap5 renders a field error as <div class="invalid-feedback"><span …><strong>message</strong>.
ERROR = re.compile(r'class="invalid-feedback"[^>]*>\s*<span[^>]*>\s*<strong>(.*?)</strong>', re.S)


def limits():
    """The code's pixel limits: (baseline JPEG decoded reduced, anything decoded whole)."""
    from site_glazov.settings import base

    whole = base.FEEDBACK_PHOTO_MAX_PIXELS
    return getattr(base, "FEEDBACK_JPEG_MAX_PIXELS", whole), whole


# ---------------------------------------------------------------- the images


def picture(side, mode="RGB"):
    """A smooth picture (small files, every pixel still decoded), with alpha for RGBA."""
    from PIL import Image

    ramp = Image.linear_gradient("L").resize((side, side))
    ring = Image.radial_gradient("L").resize((side, side))
    image = Image.merge("RGB", (ramp, ring, ramp.transpose(Image.Transpose.ROTATE_90)))
    if mode == "RGBA":
        image.putalpha(ring)
    return image


def image_file(kind, side):
    """The bytes of one generated image, made once and kept in bench/results/upload-images."""
    from PIL import Image

    path = IMAGES / f"{kind}-{side}.bin"
    if path.exists():
        return path.read_bytes()
    IMAGES.mkdir(parents=True, exist_ok=True)
    Image.MAX_IMAGE_PIXELS = None
    buffer = io.BytesIO()
    if kind == "png-rgba":
        picture(side, "RGBA").save(buffer, "PNG")
    elif kind == "png":
        picture(side).save(buffer, "PNG")
    elif kind == "jpeg":
        picture(side).save(buffer, "JPEG", quality=85)
    elif kind == "jpeg-progressive-444":  # no chroma subsampling: the most coefficients per pixel
        picture(side).save(buffer, "JPEG", quality=85, progressive=True, subsampling=0)
    elif kind == "webp":
        picture(side).save(buffer, "WEBP", quality=80)
    elif kind == "heic":
        from pillow_heif import register_heif_opener

        register_heif_opener()
        picture(side).save(buffer, "HEIF", quality=60)
    else:
        raise ValueError(kind)
    path.write_bytes(buffer.getvalue())
    return buffer.getvalue()


@dataclass
class Scenario:
    key: str
    label: str
    files: list  # (name, content type, kind, side, truncated)
    consent: bool = True


def scenarios():
    jpeg_limit, whole_limit = limits()
    jpeg_side, whole_side = math.isqrt(jpeg_limit), math.isqrt(whole_limit)
    five = range(PHOTOS)

    def photos(kind, side, content_type, extension):
        return [(f"photo-{index}.{extension}", content_type, kind, side, False) for index in five]

    return [
        Scenario(
            "issue-no-consent",
            f"Issue #12: 5 × PNG {ISSUE_SIDE}×{ISSUE_SIDE}, без согласия",
            photos("png", ISSUE_SIDE, "image/png", "png"),
            consent=False,
        ),
        Scenario(
            "issue-valid",
            f"5 × PNG {ISSUE_SIDE}×{ISSUE_SIDE}, форма заполнена верно",
            photos("png", ISSUE_SIDE, "image/png", "png"),
        ),
        Scenario(
            "png-limit",
            f"5 × PNG RGBA {whole_side}×{whole_side} (предел PNG/WebP/HEIC)",
            photos("png-rgba", whole_side, "image/png", "png"),
        ),
        Scenario(
            "webp-limit",
            f"5 × WebP {whole_side}×{whole_side}",
            photos("webp", whole_side, "image/webp", "webp"),
        ),
        Scenario(
            "heic-limit",
            f"5 × HEIC {whole_side}×{whole_side}",
            photos("heic", whole_side, "image/heic", "heic"),
        ),
        Scenario(
            "jpeg-limit",
            f"5 × JPEG {jpeg_side}×{jpeg_side} (предел JPEG)",
            photos("jpeg", jpeg_side, "image/jpeg", "jpg"),
        ),
        Scenario(
            "progressive-limit",
            f"5 × прогрессивный JPEG 4:4:4 {whole_side}×{whole_side}",
            photos("jpeg-progressive-444", whole_side, "image/jpeg", "jpg"),
        ),
        Scenario(
            "broken-last",
            f"4 × PNG RGBA {whole_side}×{whole_side} и пятый обрезанный, форма верна",
            [
                *photos("png-rgba", whole_side, "image/png", "png")[:4],
                ("broken.png", "image/png", "png-rgba", whole_side, True),
            ],
        ),
    ]


def body(form, scenario):
    fields = [
        ("csrfmiddlewaretoken", form.token),
        ("category", form.categories[0]),
        ("description", "Проверка нагрузки фото: не горит фонарь у дома 5."),
        ("address", "ул. Кирова, 5"),
        ("latitude", ""),
        ("longitude", ""),
        ("name", "Житель"),
        ("email", "resident@example.org"),
        ("phone", ""),
        ("website", ""),
    ]
    if scenario.consent:
        fields.append(("consent", "on"))
    parts = [
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
        for name, value in fields
    ]
    for name, content_type, kind, side, truncated in scenario.files:
        content = image_file(kind, side)
        if truncated:
            content = content[: len(content) * 2 // 3]
        parts.append(
            f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="photos"; filename="{name}"\r\n'
            f"Content-Type: {content_type}\r\n\r\n".encode()
            + content
            + b"\r\n"
        )
    parts.append(f"--{BOUNDARY}--\r\n".encode())
    return b"".join(parts)


# ---------------------------------------------------------------- the workers' memory


def children(pid):
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with contextlib.suppress(OSError):
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
                if int(fields[1]) == pid:
                    found.append(int(entry.name))
    return sorted(found)


def memory_kb(pid, field):
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


def reset_peak(pid):
    Path(f"/proc/{pid}/clear_refs").write_text("5")  # VmHWM starts again from the current RSS


@dataclass
class Result:
    key: str
    label: str
    status: int
    outcome: str
    seconds: float
    peak_mb: float
    growth_mb: float
    upload_mb: float


@contextlib.contextmanager
def gunicorn_master(env, log_path):
    port = free_port()
    env = {**env, "GUNICORN_BIND": f"127.0.0.1:{port}"}
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
            deadline = time.monotonic() + 30
            while len(children(process.pid)) < WORKERS and time.monotonic() < deadline:
                time.sleep(0.2)
            yield base, process.pid
        finally:
            stop(process)


def fresh_workers(base, master, old=()):
    """Stop the workers that served earlier scenarios (a process keeps memory it once freed) and wait
    for gunicorn to fork new ones; each renders the form before anything is measured."""
    for pid in old:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        workers = children(master)
        if len(workers) == WORKERS and not set(workers) & set(old):
            break
        time.sleep(0.2)
    else:
        raise SetupError("gunicorn did not start new workers within a minute")
    with concurrent.futures.ThreadPoolExecutor(max_workers=WORKERS * 2) as pool:
        list(pool.map(lambda _index: fetch_form(base), range(WORKERS * 4)))
    return workers


def outcome(status, content):
    if status == 0:
        return f"нет ответа ({content.decode()})"
    if status == 302:
        return "принято"
    if status == 429:
        return "отказ: ограничение частоты"
    messages = [" ".join(message.split()) for message in ERROR.findall(content.decode(errors="replace"))]
    return "отказ: " + (messages[0][:90] if messages else f"HTTP {status}")


def post(base, scenario):
    form = fetch_form(base)
    payload = body(form, scenario)
    headers = {
        "Content-Type": f"multipart/form-data; boundary={BOUNDARY}",
        "Cookie": "; ".join(f"{name}={value}" for name, value in form.cookies.items()),
        "Referer": f"https://{urlsplit(base).netloc}{FORM_PATH}",
    }
    return payload, lambda: request(base, "POST", FORM_PATH, payload, headers)


def measure(base, workers, scenario):
    payload, send = post(base, scenario)
    before = {}
    for pid in workers:
        reset_peak(pid)
        before[pid] = memory_kb(pid, "VmRSS")
    started = time.monotonic()
    try:
        status, _headers, content, seconds = send()
    except (OSError, http.client.HTTPException) as error:
        status, content, seconds = 0, type(error).__name__.encode(), time.monotonic() - started
    growth = {pid: memory_kb(pid, "VmHWM") - before[pid] for pid in workers}
    busiest = max(growth, key=growth.get)  # the worker that served the post
    return Result(
        key=scenario.key,
        label=scenario.label,
        status=status,
        outcome=outcome(status, content),
        seconds=seconds,
        peak_mb=memory_kb(busiest, "VmHWM") / 1024,
        growth_mb=growth[busiest] / 1024,
        upload_mb=len(payload) / 1e6,
    )


def all_at_once(base, workers, scenario):
    """The scenario from every worker at once: the peak of the workers' summed memory, sampled."""
    sends = [post(base, scenario)[1] for _worker in workers]

    def send_safely(send):
        try:
            return send()[0]
        except (OSError, http.client.HTTPException) as error:
            return type(error).__name__

    resting = sum(memory_kb(pid, "VmRSS") for pid in workers)
    peak, done = resting, threading.Event()

    def sample():  # RSS summed over the workers at one moment
        nonlocal peak
        while not done.is_set():
            with contextlib.suppress(OSError):
                peak = max(peak, sum(memory_kb(pid, "VmRSS") for pid in workers))
            time.sleep(0.01)

    sampler = threading.Thread(target=sample)
    sampler.start()
    started = time.monotonic()
    try:
        with concurrent.futures.ThreadPoolExecutor(max_workers=len(sends)) as pool:
            answers = list(pool.map(send_safely, sends))
    finally:
        done.set()
        sampler.join()
    return {
        "key": scenario.key,
        "label": scenario.label,
        "clients": len(sends),
        "statuses": sorted(map(str, answers)),
        "seconds": time.monotonic() - started,
        "resting_mb": resting / 1024,
        "peak_mb": peak / 1024,
    }


# ---------------------------------------------------------------- the run


def run(args):
    database_url = args.database_url or SCRATCH_DATABASE_URL
    scratch = not args.database_url
    RESULTS.mkdir(parents=True, exist_ok=True)
    log_path = RESULTS / "gunicorn-uploads.log"
    jpeg_limit, whole_limit = limits()
    print(
        f"Пределы кода: JPEG {jpeg_limit / 1e6:.0f} Мп, остальные {whole_limit / 1e6:.0f} Мп; "
        f"воркеров gunicorn: {WORKERS}",
        flush=True,
    )
    cases = scenarios()
    print("Готовлю картинки (один раз, в bench/results/upload-images)", flush=True)
    for scenario in cases:
        for _name, _type, kind, side, _truncated in scenario.files:
            image_file(kind, side)
    with tempfile.TemporaryDirectory(prefix="glazov-uploads-") as tmp_name:
        env = server_env(database_url, "", WORKERS, Path(tmp_name), secrets.token_urlsafe(50))
        env["GUNICORN_TIMEOUT"] = "120"  # measure slow posts instead of losing them to the timeout
        try:
            if scratch:
                print("Создаю базу glazov_bench_uploads: миграции и демонстрационное содержимое", flush=True)
                create_scratch_database(database_url)
                manage(env, "migrate", "--no-input", "-v", "0")
                manage(env, "load_demo_content")
            collect_static(env)
            try:
                with gunicorn_master(env, log_path) as (base, master):
                    workers = ()
                    results = []
                    for scenario in cases:
                        workers = fresh_workers(base, master, workers)
                        result = measure(base, workers, scenario)
                        print(
                            f"{result.label}: {result.outcome}; пик {result.peak_mb:.0f} МБ "
                            f"(+{result.growth_mb:.0f}), {result.seconds:.2f} с",
                            flush=True,
                        )
                        results.append(result)
                    accepted = [r for r in results if r.status == 302]
                    worst = max(accepted, key=lambda r: r.growth_mb, default=None)
                    together = None
                    if worst is not None:
                        scenario = next(s for s in cases if s.key == worst.key)
                        workers = fresh_workers(base, master, workers)
                        together = all_at_once(base, workers, scenario)
                        print(
                            f"{together['clients']} сразу ({scenario.label}): сумма памяти воркеров "
                            f"{together['resting_mb']:.0f} → {together['peak_mb']:.0f} МБ, "
                            f"{together['seconds']:.1f} с, ответы {together['statuses']}",
                            flush=True,
                        )
            except RuntimeError as error:  # gunicorn did not start
                raise SetupError(str(error)) from None
        finally:
            if scratch:
                with contextlib.suppress(Exception):
                    drop_scratch_database(database_url)
    return {
        "date": datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "commit": git_commit(),
        "machine": f"ядер {os.cpu_count()}, {platform.machine()}, Python {platform.python_version()}",
        "load": "{:.2f} / {:.2f} / {:.2f}".format(*os.getloadavg()),
        "limits": {"jpeg": jpeg_limit, "whole": whole_limit},
        "results": [asdict(result) for result in results],
        "together": together,
    }


def git_commit():
    result = subprocess.run(
        ["/usr/bin/git", "rev-parse", "--short", "HEAD"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    return result.stdout.strip() or "?"


# ---------------------------------------------------------------- the report


def worst(record, accepted):
    rows = [r for r in record["results"] if (r["status"] == 302) == accepted]
    return max(rows, key=lambda r: r["growth_mb"], default=None)


def table(record):
    lines = [
        "| Сценарий (5 фото в одной отправке) | Итог | Пик памяти воркера, МБ | Прирост, МБ | Время, с "
        "| Запрос, МБ |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for r in record["results"]:
        lines.append(
            f"| {r['label']} | {r['outcome']} | {r['peak_mb']:.0f} | +{r['growth_mb']:.0f} | "
            f"{r['seconds']:.2f} | {r['upload_mb']:.1f} |"
        )
    together = record.get("together")
    if together:
        lost = any(not status.isdigit() for status in together["statuses"])
        note = " (TimeoutError — нет ответа за 120 с)" if lost else ""
        lines += [
            "",
            f"Все {together['clients']} воркеров заняты сразу сценарием «{together['label']}»: "
            f"сумма их памяти {together['resting_mb']:.0f} → {together['peak_mb']:.0f} МБ за "
            f"{together['seconds']:.1f} с; ответы: {', '.join(together['statuses'])}{note}.",
        ]
    return lines


def summary(label, record):
    parts = []
    for accepted, name in ((True, "худшая принятая"), (False, "худшая отклонённая")):
        row = worst(record, accepted)
        if row:
            parts.append(
                f"{name} — «{row['label']}»: пик {row['peak_mb']:.0f} МБ (+{row['growth_mb']:.0f}), "
                f"{row['seconds']:.2f} с"
            )
    return f"- {label}: " + "; ".join(parts) + "."


def section(record, before):
    start, end = MARKERS
    lines = [
        start,
        "## Загрузка фото в «Решаем вместе»",
        "",
        "Замер командой `make bench-uploads` (bench/uploads.py; как запускать — bench/README.md): "
        "gunicorn с настройками production, 5 воркеров, одна отправка формы за раз; «пик» — наибольшая "
        "память (VmHWM) воркера, который её обработал, «прирост» — сверх его памяти перед отправкой.",
        "",
        f"- Дата: {record['date']}, коммит {record['commit']}; машина: {record['machine']}; средняя "
        f"загрузка в конце замера {record.get('load', '?')} (1 / 5 / 15 мин): на занятой машине время "
        "больше, память от загрузки не зависит.",
        f"- Пределы: JPEG до {record['limits']['jpeg'] / 1e6:.0f} Мп (декодируется уменьшенным), "
        f"PNG, WebP, HEIC и прогрессивный JPEG до {record['limits']['whole'] / 1e6:.0f} Мп.",
        "",
    ]
    if before:
        lines += [
            "Итог:",
            "",
            summary(f"до исправления (коммит {before['commit']})", before),
            summary(f"после (коммит {record['commit']})", record),
            "",
        ]
    lines += ["### Сейчас", "", *table(record), ""]
    if before:
        lines += [
            f"### До исправления (issue #12; {before['date']}, коммит {before['commit']})",
            "",
            *table(before),
            "",
        ]
    lines.append(end)
    return "\n".join(lines)


def write_report(text):
    current = REPORT.read_text() if REPORT.exists() else "# Производительность\n"
    start, end = MARKERS
    pattern = re.compile(re.escape(start) + ".*?" + re.escape(end), re.S)
    updated = (
        pattern.sub(lambda _match: text, current)
        if pattern.search(current)
        else f"{current.rstrip()}\n\n{text}\n"
    )
    REPORT.write_text(updated)


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", help="a migrated PostgreSQL database with the demo content")
    parser.add_argument("--no-report", action="store_true", help="print the table, leave docs/ alone")
    parser.add_argument(
        "--save-before", action="store_true", help="keep this run in bench/uploads-before.json"
    )
    return parser.parse_args(argv)


def raise_on_sigterm(signum, frame):
    raise SystemExit(128 + signum)


def main(argv=None):
    args = parse_args(argv)
    signal.signal(signal.SIGTERM, raise_on_sigterm)  # stop gunicorn on the way out
    try:
        record = run(args)
    except SetupError as error:
        print(f"Не удалось подготовить замер: {error}", file=sys.stderr)
        return 2
    (RESULTS / "uploads-last.json").write_text(json.dumps(record, ensure_ascii=False, indent=1))
    if args.save_before:
        BEFORE.write_text(json.dumps(record, ensure_ascii=False, indent=1) + "\n")
    before = json.loads(BEFORE.read_text()) if BEFORE.exists() and not args.save_before else None
    text = section(record, before)
    print("\n".join(table(record)))
    if not args.no_report:
        write_report(text)
        print(f"Записано в {REPORT.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
