"""The benchmark's Django-side tasks, each run in a subprocess with the production settings.

`python bench/inside.py TASK --out FILE` (bench.server.inside_django runs it) writes the task's
result as JSON to FILE.
"""

import argparse
import json
import sys
import time
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.common import SEARCH_TERM  # noqa: E402


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
        "reference": "/bench-reference/",
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


def ascii_path(url):
    """A page's address as wrk sends it: percent-encoded, the query string kept."""
    return quote(url, safe="/?=&%")


def task_spike_urls(_args):
    """The ~41 cached pages residents open during a spike: every home page, lists, items, the registry."""
    from django.db.models import Count
    from django.db.models.functions import ExtractYear

    from news.models import DecisionIndexPage, DecisionPage, NewsIndexPage, NewsPage

    live_ru = {"live": True, "locale__language_code": "ru"}
    news_index = NewsIndexPage.objects.get(**live_ru).get_url()
    registry = DecisionIndexPage.objects.get(**live_ru).get_url()
    newest_news = NewsPage.objects.filter(**live_ru).order_by("-date", "-pk")[:20]
    newest_decisions = DecisionPage.objects.filter(**live_ru).order_by("-date_adopted", "-pk")[:8]
    busiest = (
        DecisionPage.objects.filter(**live_ru)
        .annotate(year=ExtractYear("date_adopted"))
        .values("year")
        .annotate(count=Count("id"))
        .order_by("-count", "-year")
        .first()["year"]
    )
    urls = [
        "/ru/",
        "/en/",
        "/udm/",
        news_index,
        *(f"{news_index}?page={number}" for number in range(2, 7)),
        *(page.get_url() for page in newest_news),
        *(page.get_url() for page in newest_decisions),
        registry,
        f"{registry}?status=in_force",
        f"{registry}?year={busiest}",
        f"{registry}?status=in_force&year={busiest}",
    ]
    return {"urls": [ascii_path(url) for url in urls]}


def task_publish(args):
    """An editor at work: publish a news item (a new revision, as the admin does) every few seconds.

    Takes turns among the three newest Russian news items, changing their lead each time; puts
    the leads back (one more publication each) when the time is up.
    """
    from news.models import NewsPage

    pages = list(NewsPage.objects.filter(live=True, locale__language_code="ru").order_by("-date", "-pk")[:3])
    leads = {page.pk: page.lead for page in pages}
    spent, started = [], time.monotonic()
    deadline = started + args.seconds
    try:
        while time.monotonic() < deadline:
            page = pages[len(spent) % len(pages)]
            page.lead = f"{leads[page.pk]} (обновлено, {len(spent) + 1})"
            before = time.monotonic()
            page.save_revision().publish()
            spent.append((time.monotonic() - before) * 1000)
            next_at = started + len(spent) * args.every
            time.sleep(max(0.0, min(next_at, deadline) - time.monotonic()))
    finally:
        for page in pages:
            page.lead = leads[page.pk]
            page.save_revision().publish()
    return {"published": len(spent), "publish_ms": spent, "every": args.every}


TASKS = {
    "count": task_count,
    "probe": task_probe,
    "spike-urls": task_spike_urls,
    "publish": task_publish,
}


def main(argv=None):
    parser = argparse.ArgumentParser(description="A Django-side task of bench/run.py")
    parser.add_argument("task", choices=sorted(TASKS))
    parser.add_argument("--out", required=True, help="where to write the result (JSON)")
    parser.add_argument("--home-html", help="probe: where to save the home page's HTML")
    parser.add_argument("--seconds", type=float, default=30, help="publish: for how long")
    parser.add_argument("--every", type=float, default=3, help="publish: seconds between publications")
    args = parser.parse_args(argv)
    setup_django()
    Path(args.out).write_text(json.dumps(TASKS[args.task](args)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
