"""Every listing renders in a number of SQL queries that does not grow with the data."""

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from news.models import DecisionPage, NewsPage

# At most 15 queries per HTML listing, in every language: English pays one more query than
# Russian for Wagtail's routing into a translated tree, and nothing for the rubrics' names,
# which are cached per language (news.models.snippets.localized_snippets).
HTML_BUDGET = 15
CHROME_PAGES = {"chrome ru": "/ru/contacts/", "chrome en": "/en/contacts/"}
LISTINGS = {
    "home": "/ru/",
    "news index": "/ru/news/",
    "news page 2": "/ru/news/?page=2",
    "rubric": "/ru/news/?rubric=gorodskaya-duma",
    "home in English": "/en/",
    "news in English": "/en/news/",
    "registry in English": "/en/decisions/?kind=reshenie&sort=number",
    "registry": "/ru/decisions/",
    "registry filtered": "/ru/decisions/?status=in_force&year=2023&sort=number",
    # Every decision, the demo one included, says "РЕШИЛА", so the search matches at both sizes.
    "registry search": "/ru/decisions/?q=решила&kind=reshenie",
    "news feed": "/ru/news/feed/",
    "rubric feed": "/ru/news/feed/gorodskaya-duma/",
    "CSV export": "/ru/decisions/export/csv/",
    "JSON export": "/ru/decisions/export/json/?date_from=2015-01-01",
}


def listings():
    newest = NewsPage.objects.filter(locale__language_code="ru").order_by("-date").first().date
    return {**LISTINGS, "archive": f"/ru/news/?year={newest.year}&month={newest.month}"}


def measure(client):
    counts = {}
    for name, url in {**listings(), **CHROME_PAGES}.items():
        client.get(url)  # renditions are created on the first view; measure the steady state
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200, name
        counts[name] = len(queries)
    return counts


@pytest.mark.django_db
def test_listing_queries_do_not_grow_with_the_data(client):
    call_command("generate_content", news=10, decisions=10, stdout=open("/dev/null", "w"))  # noqa: SIM115
    small = measure(client)
    call_command("generate_content", news=290, decisions=290, stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert NewsPage.objects.count() >= 300 and DecisionPage.objects.count() >= 300
    large = measure(client)
    print("queries at 10 / 300 items:", {name: (small[name], large[name]) for name in small})
    assert large == small
    for name, url in listings().items():
        if "feed" not in name and "export" not in name:
            assert large[name] <= HTML_BUDGET, f"{name} ({url}): {large[name]} queries"
