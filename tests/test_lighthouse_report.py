"""`make lighthouse`'s arithmetic (bench/lighthouse.py, bench/nginx.py): a report read, a table, a verdict.

Lighthouse itself runs with `make lighthouse`, never here; these tests check that its JSON report
is read right, that a crashed run is tried again, that the table and the verdict say what the
figures say (search's deliberate noindex apart), and that nginx gets deploy/nginx.conf's site block.
"""

import subprocess
from pathlib import Path

import pytest

from bench import lighthouse
from bench.nginx import DEPLOY_CONF, local_site_conf, main_conf
from home import visual_mode

TARGETS = {target.key: target for target in lighthouse.TARGETS}
NORMAL, DARK, VISUAL = lighthouse.MODES


def report(scores=None, failing=(), cls=0.01, images=50_000, total=200_000, runtime_error=None):
    """A Lighthouse 12 JSON report cut down to what bench/lighthouse.py reads."""
    scores = {"performance": 0.97, "accessibility": 1, "best-practices": 1, "seo": 1, **(scores or {})}
    audits = {
        "first-contentful-paint": {"numericValue": 1234.0, "score": 0.9},
        "largest-contentful-paint": {"numericValue": 2345.0, "score": 0.95},
        "total-blocking-time": {"numericValue": 12.4, "score": 1},
        "cumulative-layout-shift": {"numericValue": cls, "score": 1},
        "total-byte-weight": {"numericValue": total, "score": 1},
        "resource-summary": {
            "score": None,
            "details": {
                "items": [
                    {"resourceType": "total", "transferSize": total},
                    {"resourceType": "image", "transferSize": images},
                    {"resourceType": "stylesheet", "transferSize": total - images},
                ]
            },
        },
        "is-crawlable": {"score": 0 if "is-crawlable" in failing else 1},
        "meta-description": {"score": 0 if "meta-description" in failing else 1},
        "color-contrast": {"score": 0 if "color-contrast" in failing else 1},
        # Informative audits (weight 0) and not-applicable ones (score None) never count as failed.
        "uses-rel-preconnect": {"score": 0},
        # An audit whose gatherer failed: no score, an error message.
        "layout-shifts": {"score": None, "errorMessage": "Required RootCauses gatherer encountered an error"},
        "structured-data": {"score": None},
    }
    refs = {
        "performance": [
            {"id": "first-contentful-paint", "weight": 10},
            {"id": "largest-contentful-paint", "weight": 25},
            {"id": "uses-rel-preconnect", "weight": 0},
        ],
        "accessibility": [{"id": "color-contrast", "weight": 7}],
        "best-practices": [],
        "seo": [
            {"id": "is-crawlable", "weight": 4.04},
            {"id": "meta-description", "weight": 1},
            {"id": "structured-data", "weight": 0},
        ],
    }
    return {
        "finalDisplayedUrl": "http://127.0.0.1:1234/ru/",
        "runtimeError": runtime_error,
        "audits": audits,
        "categories": {name: {"score": scores[name], "auditRefs": refs[name]} for name in refs},
    }


def test_figures_reads_scores_metrics_weight_and_failed_audits():
    result = lighthouse.figures(report({"seo": 0.69}, failing={"is-crawlable", "color-contrast"}))
    assert {name: result[name] for name in lighthouse.CATEGORIES} == {
        "performance": 97,
        "accessibility": 100,
        "best-practices": 100,
        "seo": 69,
    }
    assert (result["fcp"], result["lcp"], result["cls"]) == (1234.0, 2345.0, 0.01)
    assert result["weight"] == 200_000
    assert result["weight_without_images"] == 150_000
    assert result["errored"] == ["layout-shifts"]
    # FCP's score 0.9 < 1 makes it a failed performance audit; uses-rel-preconnect weighs nothing.
    assert result["failed"] == {
        "performance": ["first-contentful-paint", "largest-contentful-paint"],
        "accessibility": ["color-contrast"],
        "best-practices": [],
        "seo": ["is-crawlable"],
    }


def test_a_category_lighthouse_could_not_score_is_zero_not_a_crash():
    assert lighthouse.figures(report({"accessibility": None}))["accessibility"] == 0


def test_a_page_that_did_not_load_is_a_failed_run():
    with pytest.raises(lighthouse.LighthouseFailed, match="ERRORED_DOCUMENT_REQUEST"):
        lighthouse.figures(report(runtime_error={"code": "ERRORED_DOCUMENT_REQUEST"}))


def test_a_crashed_run_is_tried_again_and_its_attempts_counted():
    outcomes = [subprocess.CalledProcessError(1, "node"), lighthouse.LighthouseFailed("no page"), {"ok": 1}]
    logged = []

    def run():
        outcome = outcomes.pop(0)
        if isinstance(outcome, Exception):
            raise outcome
        return outcome

    assert lighthouse.with_retries(run, attempts=3, log=logged.append) == ({"ok": 1}, 3)
    assert len(logged) == 2


def test_a_run_that_keeps_crashing_stops_the_measurement():
    def run():
        raise subprocess.TimeoutExpired("node", 300)

    with pytest.raises(subprocess.TimeoutExpired):
        lighthouse.with_retries(run, attempts=2, log=lambda _line: None)


def test_the_median_run_is_the_middle_performance_score():
    runs = [{"performance": score} for score in (99, 80, 95)]
    assert lighthouse.median_run(runs) == {"performance": 95}
    assert lighthouse.median_run([{"performance": 90}, {"performance": 70}]) == {"performance": 70}


def result_for(raw, runs=3, retries=0, load=1.5):
    return {**lighthouse.figures(raw), "url": "/", "runs": runs, "retries": retries, "load": load}


def all_good():
    return {
        lighthouse.result_key(target, mode): result_for(report())
        for target in lighthouse.TARGETS
        for mode in lighthouse.MODES
    }


def test_all_targets_met_is_no_miss():
    assert lighthouse.verdict(all_good()) == ([], [])


def test_verdict_names_each_miss_with_its_page_and_mode():
    results = all_good()
    results["news:dark"] = result_for(report({"performance": 0.91}))
    results["decision:visual"] = result_for(report(cls=0.06))
    results["home:normal"] = result_for(report(images=10_000, total=170 * 1024))
    misses, decided = lighthouse.verdict(results)
    assert misses == [
        "Главная (обычная): без изображений 160 КБ > 150 КБ",
        "Список новостей (тёмная тема системы): performance 91 < 95",
        f"Страница решения ({VISUAL.label}): CLS 0.060 ≥ 0.05",
    ]
    assert decided == []


def test_search_below_100_seo_only_for_its_noindex_is_a_decision_not_a_miss():
    results = all_good()
    results["search:normal"] = result_for(report({"seo": 0.69}, failing={"is-crawlable"}))
    assert lighthouse.verdict(results) == ([], ["Поиск (обычная): seo 69 < 100"])
    # Another page's noindex is a miss, and so is search failing anything besides it.
    results["news:normal"] = result_for(report({"seo": 0.69}, failing={"is-crawlable"}))
    results["search:dark"] = result_for(report({"seo": 0.6}, failing={"is-crawlable", "meta-description"}))
    misses, decided = lighthouse.verdict(results)
    assert misses == [
        "Список новостей (обычная): seo 69 < 100",
        "Поиск (тёмная тема системы): seo 60 < 100",
    ]
    assert decided == ["Поиск (обычная): seo 69 < 100"]


def test_table_has_a_row_per_page_and_mode_with_its_figures():
    results = all_good()
    slow = report({"performance": 0.88}, cls=0.123)
    results["feedback:visual"] = result_for(slow, runs=1, retries=2, load=3.25)
    lines = lighthouse.table(results).splitlines()
    assert len(lines) == 2 + len(lighthouse.TARGETS) * len(lighthouse.MODES)
    row = [cell.strip() for cell in lines[2 + 5 * 3 + 2].strip("|").split("|")]
    assert row == [
        "Форма «Решаем вместе»",
        VISUAL.label,
        "88",
        "100",
        "100",
        "100",
        "1.2",
        "2.3",
        "12",
        "0.123",
        "195",
        "146",
        "3.25",
        "1 (2)",
        "`first-contentful-paint`, `largest-contentful-paint`",
        "`layout-shifts`",
    ]
    assert lines[2].startswith("| Главная (`/ru/`) | обычная | 97 |")


def test_section_reports_the_verdict_the_noindex_decision_and_the_load(tmp_path, monkeypatch):
    results = all_good()
    results["search:normal"] = result_for(report({"seo": 0.69}, failing={"is-crawlable"}))
    text = lighthouse.section(results, "2026-12-06 21:00 UTC", load=(1.25, 2.5, 3.75), cores=2)
    assert text.startswith(lighthouse.START) and text.endswith(lighthouse.END)
    assert "Все достигнуты." in text
    assert "По решению, а не по недосмотру: Поиск (обычная): seo 69 < 100" in text
    assert "1.25 / 2.50 / 3.75" in text
    assert "nginx с настройками сайта из deploy/nginx.conf" in text

    results["home:dark"] = result_for(report(cls=0.2))
    assert "Не достигнуто: Главная (тёмная тема системы): CLS 0.200 ≥ 0.05." in lighthouse.section(
        results, "2026-12-06 21:00 UTC"
    )

    # The section replaces its previous copy in docs/performance.md and leaves the rest alone.
    file = tmp_path / "performance.md"
    old = f"{lighthouse.START}\nold\n{lighthouse.END}"
    file.write_text(f"# Производительность\n\nbench\n\n{old}\n\nuploads\n")
    monkeypatch.setattr(lighthouse, "REPORT", file)
    lighthouse.write_report(text)
    assert file.read_text() == f"# Производительность\n\nbench\n\n{text}\n\nuploads\n"


def test_visual_modes_are_the_sites_own_cookie_and_dark_theme():
    assert lighthouse.COOKIE_NAME == visual_mode.COOKIE_NAME
    mode = visual_mode.parse(VISUAL.cookie)
    assert (mode.active, mode.font, mode.spacing, mode.images) == (True, 3, True, True)
    cookie = f"{visual_mode.COOKIE_NAME}={VISUAL.cookie}"
    assert lighthouse.headers_for(VISUAL) == {"Cookie": cookie}
    assert lighthouse.headers_for(NORMAL) == {}
    assert DARK.dark and not NORMAL.dark


def local_conf(tmp_path):
    return local_site_conf(
        DEPLOY_CONF.read_text(),
        port=18080,
        upstream_port=18000,
        static_root=tmp_path / "static",
        media_root=tmp_path / "media",
        log_dir=tmp_path,
    )


def test_nginx_serves_the_site_block_of_deploy_nginx_conf_on_the_loopback(tmp_path):
    deploy = DEPLOY_CONF.read_text()
    conf = local_conf(tmp_path)
    assert conf.count("listen ") == 1 and "listen 127.0.0.1:18080;" in conf
    assert "ssl_" not in conf and " ssl " not in conf
    assert "return 444" not in conf and "return 301" not in conf
    assert "server 127.0.0.1:18000 fail_timeout=0;" in conf
    assert "proxy_set_header X-Forwarded-Proto https;" in conf
    assert f"alias {tmp_path}/static/;" in conf and f"alias {tmp_path}/media/;" in conf
    assert "/srv/glazov" not in conf and "/var/log/nginx" not in conf
    # Compression, static copies, cache headers and the rate limit stay exactly as in production.
    for line in deploy.splitlines():
        stripped = line.strip()
        if stripped.startswith(("gzip", "brotli", "add_header", "limit_req", "client_max_body_size")):
            assert stripped in conf, stripped


def test_nginx_conf_for_this_machine_is_accepted_by_nginx(tmp_path):
    if not Path("/usr/sbin/nginx").exists():
        pytest.skip("Debian's nginx is not installed")
    text = main_conf(local_conf(tmp_path), tmp_path)
    (tmp_path / "nginx.conf").write_text(text)
    result = subprocess.run(  # noqa: S603 - Debian's nginx checks our own file
        ["/usr/sbin/nginx", "-t", "-p", str(tmp_path), "-c", str(tmp_path / "nginx.conf")],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert result.returncode == 0, result.stderr
