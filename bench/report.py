"""docs/performance.md and the terminal summary: the figures of one run as tables."""

from urllib.parse import unquote

from bench.common import (
    CACHED_TO_STATIC,
    HOME_TRANSFER_LIMIT,
    MODES,
    QUERY_BUDGET,
    REFERENCE_KEYS,
    REPORT,
    TARGETS,
)
from bench.scenarios import KEPT_THROUGHPUT, P99_RATIO, spike_verdict
from bench.weigh import Transfer, home_transfer_totals

# docs/performance.md keeps what `make lighthouse` wrote between these markers when it is rewritten...
LIGHTHOUSE_MARKERS = ("<!-- lighthouse: start -->", "<!-- lighthouse: end -->")
# ...and what `make bench-uploads` wrote (bench/uploads.py MARKERS).
UPLOADS_MARKERS = ("<!-- uploads: start -->", "<!-- uploads: end -->")
KEPT_MARKERS = (LIGHTHOUSE_MARKERS, UPLOADS_MARKERS)


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


def portal_pages():
    """The targets that are the portal's pages (not the static file or the reference page)."""
    return [target for target in TARGETS if target.key not in REFERENCE_KEYS]


def ratio_to(result, reference):
    """Requests/s of a result as a multiple of the reference's, or None when either is missing."""
    if not result.get("rps") or not reference.get("rps"):
        return None
    return result["rps"] / reference["rps"]


def uncached_rows(record):
    """Each page without the page cache: req/s, as a multiple of the reference page and of the static file."""
    results = record["results"].get("uncached", {})
    probes = record["probes"]["uncached"]["pages"]
    reference, static = results.get("reference", {}), results.get("static", {})
    rows = []
    for target in portal_pages():
        result = results.get(target.key, {})
        probe = probes.get(target.key)
        if probe and {probe["cold"]["status"], probe["warm"]["status"]} == {200}:
            cold, warm = probe["cold"]["queries"], probe["warm"]["queries"]
            within = yes_no(cold <= QUERY_BUDGET and warm <= QUERY_BUDGET)
        else:
            cold = warm = "—"
            within = "не замерено"
        rows.append(
            [
                target.label,
                result.get("error") or number(result.get("rps")),
                number(ratio_to(result, reference), 2),
                number(ratio_to(result, static), 3),
                number(result.get("latency_p50_ms")),
                str(cold),
                str(warm),
                within,
            ]
        )
    return rows


UNCACHED_HEADER = [
    "Страница",
    "Запросов/с без кэша",
    "× эталонной страницы",
    "× статики",
    "p50, мс",
    "SQL сразу после очистки кэша",
    "SQL обычный",
    f"SQL ≤ {QUERY_BUDGET} в обоих случаях",
]
SPIKE_HEADER = ["Режим", "Запросов/с", "p50, мс", "p99, мс", "Тайм-ауты", "Прочие ошибки", "Публикаций"]
SPIKE_MODES = {"quiet": "без публикаций", "publishing": "публикация новости каждые 3 с"}


def spike_rows(spike_record):
    rows = []
    for key, label in SPIKE_MODES.items():
        run = spike_record["runs"][key]
        errors = run["socket_errors"]
        others = run["non_2xx_3xx"] + errors["connect"] + errors["read"] + errors["write"]
        published = spike_record.get("published") if key == "publishing" else 0
        rows.append(
            [
                label,
                number(run["rps"]),
                number(run.get("latency_p50_ms")),
                number(run.get("latency_p99_ms")),
                str(errors["timeout"]),
                str(others),
                "—" if published is None else str(published),
            ]
        )
    return rows


def spike_lines(spike_record):
    """The «publishing during a spike» section: the table and the two ratios the issue sets targets for."""
    if not spike_record:
        return ["Не замерено (запуск с `--skip-spike`)."]
    verdict = spike_verdict(spike_record)
    settings = spike_record["settings"]
    publish_ms = spike_record.get("publish_ms") or []
    lines = [
        f"wrk `-t{settings['threads']} -c{settings['connections']} -d{settings['duration']}s "
        f"--timeout {settings['timeout']}s` по кругу по {spike_record['pages']} разным страницам из кэша "
        "(главная на трёх языках, страницы списка новостей, новости, решения, реестр с фильтрами; "
        "сценарий Lua — bench/wrk.py) на gunicorn с кэшем страниц: сначала без публикаций, затем пока "
        f"отдельный процесс публикует новость (новая редакция и её публикация, как в админке) каждые "
        f"{settings['every']} с. Тайм-аут — ответ дольше {settings['timeout']} с (как у wrk по умолчанию).",
        "",
        markdown_table(SPIKE_HEADER, spike_rows(spike_record)),
        "",
        f"- Сохранённая пропускная способность: **{number(verdict['kept'], 2)}×** "
        f"(цель ≥ {KEPT_THROUGHPUT}×): **{yes_no(verdict['kept_ok'])}**.",
        f"- p99 при публикациях / p99 без них: **{number(verdict['p99_ratio'], 2)}×** "
        f"(цель ≤ {P99_RATIO:g}×): **{yes_no(verdict['p99_ok'])}**.",
    ]
    if publish_ms:
        lines.append(
            f"- Публикация занимала в среднем {sum(publish_ms) / len(publish_ms):.0f} мс "
            f"(самая долгая {max(publish_ms):.0f} мс)."
        )
    if spike_record.get("not_200_before"):
        lines.append(f"- Не ответили 200 при прогреве: {', '.join(spike_record['not_200_before'])}.")
    return lines


def uncached_lines(record):
    """The «uncached pages» section: each page as a multiple of the reference page of the same run."""
    return [
        "Эталонная страница — `/bench-reference/` (bench/reference_urls.py): её обслуживает тот же "
        "gunicorn в том же запуске; она проходит все middleware, находит сайт и главную страницу так же, "
        "как Wagtail (`Site.find_for_request`, `route`), и показывает только заголовок — без меню, "
        "списков и запросов к базе сверх маршрутизации. «× эталонной страницы» не зависит от скорости "
        "машины: это доля, которую страница теряет на своей собственной работе.",
        "",
        markdown_table(UNCACHED_HEADER, uncached_rows(record)),
    ]


def verdict_rows(record):
    rows = []
    cached_results = record["results"]["cached"]
    static_rps = cached_results.get("static", {}).get("rps")
    for target in portal_pages():
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
            queries = f"{yes_no(warm <= target.budget and cold <= target.budget)} ({counts})"
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
        "- Настройки: site_glazov.settings.production (через bench.reference_settings: те же плюс "
        "адрес эталонной страницы), gunicorn с gunicorn.conf.py "
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
        "## Страницы без кэша и эталонная страница",
        "",
        *uncached_lines(record),
        "",
        "## Публикация во время всплеска посещений",
        "",
        *spike_lines(record.get("spike")),
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
        "",
        markdown_table(UNCACHED_HEADER, uncached_rows(record)),
        "",
        *spike_lines(record.get("spike"))[2:],
    ]
    if record["transfers"]:
        totals = home_transfer_totals([Transfer(**item) for item in record["transfers"]])
        lines += [
            "",
            f"Главная: всё, на что ссылается, {kb(totals['referenced'])} КБ; "
            f"загружает браузер {kb(totals['fetched'])} КБ (предел {HOME_TRANSFER_LIMIT // 1024} КБ)",
        ]
    return "\n".join(lines)


def with_kept_sections(text, current=None):
    """The new report, followed by the sections other scripts wrote into docs/performance.md.

    `make lighthouse` and `make bench-uploads` write theirs between markers; the benchmark
    rewrites the rest of the file and carries those over as they are.
    """
    if current is None:
        current = REPORT.read_text() if REPORT.exists() else ""
    kept = []
    for start, end in KEPT_MARKERS:
        if start in current and end in current:
            kept.append(current[current.index(start) : current.index(end) + len(end)])
    if not kept:
        return text
    return text.rstrip() + "\n\n" + "\n\n".join(kept) + "\n"
