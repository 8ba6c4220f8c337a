"""The benchmark's arithmetic (bench/wrk.py, weigh.py, report.py): wrk's output, the home page's weight.

The benchmark itself runs with `make bench`, never here; these tests check only that the
figures it reports are read and added up correctly.
"""

import pytest
from django.conf import settings

from bench.common import TARGETS
from bench.report import verdict_rows
from bench.weigh import Transfer, css_fonts, font_is_used, home_transfer_totals, page_assets, unicode_ranges
from bench.wrk import duration_ms, parse_wrk

# Printed by Debian's wrk 4.1.0 (`wrk --latency`) against a small file.
WRK_OK = """Running 1s test @ http://127.0.0.1:18923/index.html
  2 threads and 4 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     7.73ms   13.93ms  87.38ms   89.24%
    Req/Sec   703.52    407.40     1.53k    66.67%
  Latency Distribution
     50%    1.80ms
     75%    6.73ms
     90%   23.08ms
     99%   69.31ms
  1508 requests in 1.14s, 279.80KB read
Requests/sec:   1327.59
Transfer/sec:    246.33KB
"""

# A slow page under load: latencies in microseconds and seconds, failures and timeouts.
WRK_TROUBLE = """Running 10s test @ http://127.0.0.1:8000/ru/search/?q=x
  2 threads and 8 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     1.02s   310.50ms   2.50s    70.00%
    Req/Sec     4.10      2.30     10.00     60.00%
  Latency Distribution
     50%  950.00us
     75%    1.20s
     90%    1.60s
     99%    2.10s
  73 requests in 10.01s, 1.10MB read
  Socket errors: connect 0, read 2, write 0, timeout 3
  Non-2xx or 3xx responses: 5
Requests/sec:      7.29
Transfer/sec:    112.40KB
"""


def test_wrk_figures_are_read_in_milliseconds():
    result = parse_wrk(WRK_OK)
    assert result["rps"] == 1327.59
    assert result["requests"] == 1508
    assert result["seconds"] == pytest.approx(1.14)
    assert result["latency_avg_ms"] == pytest.approx(7.73)
    assert result["latency_p50_ms"] == pytest.approx(1.80)
    assert result["latency_p99_ms"] == pytest.approx(69.31)
    assert result["non_2xx_3xx"] == 0
    assert result["socket_errors"] == {"connect": 0, "read": 0, "write": 0, "timeout": 0}


def test_wrk_failures_and_slow_answers_are_reported_not_hidden():
    result = parse_wrk(WRK_TROUBLE)
    assert result["rps"] == 7.29
    assert result["latency_avg_ms"] == pytest.approx(1020)
    assert result["latency_max_ms"] == pytest.approx(2500)
    assert result["latency_p50_ms"] == pytest.approx(0.95)
    assert result["latency_p99_ms"] == pytest.approx(2100)
    assert result["non_2xx_3xx"] == 5
    assert result["socket_errors"] == {"connect": 0, "read": 2, "write": 0, "timeout": 3}


def test_wrk_without_a_result_is_an_error_not_a_zero():
    with pytest.raises(ValueError, match="no result"):
        parse_wrk("unable to connect to 127.0.0.1:1 Connection refused\n")


@pytest.mark.parametrize(
    ("text", "ms"), [("812.00us", 0.812), ("4.51ms", 4.51), ("1.02s", 1020), ("1.50m", 90_000)]
)
def test_wrk_durations(text, ms):
    assert duration_ms(text) == pytest.approx(ms)


def test_unknown_duration_is_refused():
    with pytest.raises(ValueError):
        duration_ms("-nan%")


HOME_HTML = """<!DOCTYPE html><html lang="ru"><head>
<link rel="stylesheet" href="/static/vendor/pt-sans/pt-sans.1.css">
<link rel="stylesheet" href="/static/css/portal.2.css">
<link rel="preload" href="/static/fonts/x.woff2" as="font" crossorigin>
<link rel="preload" href="/media/images/hero.jpg" as="image">
<link rel="icon" href="/static/img/favicon.svg" type="image/svg+xml">
<link rel="canonical" href="https://glazov-gov.ru/ru/">
<link rel="stylesheet" href="/static/css/portal.2.css">
</head><body><h1>Новости Глазова</h1><img src="/media/images/a.jpg" alt="">
<script src="/static/js/visual-mode.3.js" defer></script><script>var hidden = "Latin";</script>
</body></html>"""


def test_home_page_assets_are_its_styles_scripts_and_fonts_without_images():
    assets, text = page_assets(HOME_HTML)
    assert assets == [
        ("style", "/static/vendor/pt-sans/pt-sans.1.css"),
        ("style", "/static/css/portal.2.css"),
        ("font", "/static/fonts/x.woff2"),
        ("script", "/static/js/visual-mode.3.js"),
    ]
    assert "Новости Глазова" in text
    assert "Latin" not in text  # a script's code is not text on the page


def test_fonts_of_the_portal_stylesheet_and_which_ones_russian_text_needs():
    css = (settings.BASE_DIR / "static/vendor/pt-sans/pt-sans.css").read_text()
    fonts = dict(css_fonts(css))
    assert len(fonts) == 6
    base = {"./files/pt-sans-base-400-normal.woff2", "./files/pt-sans-base-700-normal.woff2"}
    needed = {url for url, ranges in fonts.items() if font_is_used(ranges, "Решения Думы")}
    assert needed == base
    # Digits, № and «» are in the same file as the Russian letters, and so are Udmurt's.
    assert {url for url, ranges in fonts.items() if font_is_used(ranges, "«Решение № 5» — Ӝӧк")} == base
    # A Tatar letter brings in the rest of Cyrillic.
    with_tatar = {url for url, ranges in fonts.items() if font_is_used(ranges, "Әлмәт")}
    assert "./files/pt-sans-cyrillic-ext-400-normal.woff2" in with_tatar
    assert "./files/pt-sans-latin-ext-400-normal.woff2" not in with_tatar


def test_unicode_ranges():
    assert unicode_ranges("U+0400-045F, U+2116,U+04??") == [(0x400, 0x45F), (0x2116, 0x2116), (0x400, 0x4FF)]
    assert unicode_ranges(None) == [(0, 0x10FFFF)]
    assert font_is_used(unicode_ranges(None), "a")
    assert not font_is_used(unicode_ranges("U+0400-045F"), "abc 123")


def test_home_transfer_adds_up_every_file_and_what_a_browser_fetches():
    transfers = [
        Transfer("html", "/ru/", 15_200, 15_000, 15_000, "—"),
        Transfer("style", "/static/a.css", 23_000, 22_700, 232_000, "br"),
        Transfer("font", "/static/cyrillic.woff2", 29_000, 28_500, 28_500, "—", used=True),
        Transfer("font", "/static/latin-ext.woff2", 27_000, 26_800, 26_800, "—", used=False),
    ]
    assert home_transfer_totals(transfers) == {"referenced": 94_200, "fetched": 67_200}


def _record(cached_results):
    pages = {"warm": {"queries": 10, "status": 200}, "cold": {"queries": 18, "status": 200}}
    return {
        "results": {"cached": cached_results},
        "probes": {"uncached": {"pages": {target.key: pages for target in TARGETS[1:]}}},
        "urls": {target.key: f"/ru/{target.key}/" for target in TARGETS[1:]},
    }


def test_cached_pages_are_held_to_the_ratio_and_the_never_cached_form_is_not():
    record = _record(
        {
            "static": {"rps": 2000.0},
            "home": {"rps": 1500.0, "x_cache": "HIT"},
            "news": {"rps": 1300.0, "x_cache": "HIT"},
            "registry": {"rps": 1800.0},
            "feedback": {"rps": 60.0, "x_cache": "BYPASS"},
        }
    )
    speed = {row[0]: row[2] for row in verdict_rows(record)}
    labels = {target.key: target.label for target in TARGETS}
    assert speed[labels["home"]] == "да (0.75×)"
    assert speed[labels["news"]] == "нет (0.65×)"
    assert speed[labels["registry"]] == "да (0.90×), кэша страниц нет (нет X-Cache)"
    assert speed[labels["feedback"]] == "не относится: страница не кэшируется, X-Cache: BYPASS (0.03×)"
    assert speed[labels["search"]] == "не замерено"
