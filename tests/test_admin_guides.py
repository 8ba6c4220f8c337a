"""The staff guides inside the admin: «Помощь» and the dashboard link each group's own guides."""

import re

import pytest

from tests.feedback_helpers import staff_user
from tests.helpers import AUTHORS, EDITORS, GROUPS, REPORT_MODERATORS, TRANSLATORS

pytestmark = pytest.mark.django_db

# What each group is meant to read (docs/), and a guide it must not be offered.
OWN_GUIDES = {
    AUTHORS: {"editors", "news-and-decisions", "accessibility"},
    EDITORS: {"editors", "news-and-decisions", "accessibility", "mandatory-information", "translators"},
    TRANSLATORS: {"translators", "news-and-decisions", "accessibility"},
    REPORT_MODERATORS: {"moderators"},
}
ALL_GUIDES = {
    "editors",
    "news-and-decisions",
    "accessibility",
    "mandatory-information",
    "translators",
    "moderators",
    "operations",
}


def guide_url(name):
    return f"/admin/guides/{name}/"


def linked_guides(html):
    return set(re.findall(r"/admin/guides/([a-z-]+)/", html))


@pytest.fixture
def login_as(client):
    def login(group_name):
        client.force_login(staff_user(f"guide-reader-{len(group_name)}", group_name))
        return client

    return login


@pytest.mark.parametrize("group", GROUPS)
def test_the_dashboard_and_help_menu_link_the_groups_own_guides(login_as, group):
    html = login_as(group).get("/admin/").text
    dashboard = html[html.index('id="portal-guides-section"') :]
    dashboard = dashboard[: dashboard.index("</section>")]
    assert linked_guides(dashboard) == OWN_GUIDES[group]
    # The sidebar (and its «Помощь» menu) is rendered from JSON in the page.
    sidebar = html[html.index('id="wagtail-sidebar-props"') :]
    assert linked_guides(sidebar[: sidebar.index("</script>")]) == OWN_GUIDES[group]
    assert "Руководство" in sidebar
    # Wagtail's own English guide no longer stands in for the portal's.
    assert "guide.wagtail.org" not in html


@pytest.mark.parametrize("group", GROUPS)
def test_each_group_reads_its_guides_and_no_others(login_as, group):
    client = login_as(group)
    for name in ALL_GUIDES:
        response = client.get(guide_url(name))
        if name in OWN_GUIDES[group]:
            assert response.status_code == 200, name
        else:  # Wagtail's answer to a page one may not open: back to the dashboard, with a message
            assert (response.status_code, response["Location"]) == (302, "/admin/"), name


def test_a_guide_is_shown_as_html_in_the_admin(login_as):
    html = login_as(EDITORS).get(guide_url("editors")).text
    assert "<h1" in html and "Руководство редактора" in html
    assert "<table>" in html  # the Markdown table «Кто что может»
    assert "**" not in html
    # A link to another guide leads to it inside the admin, not to a .md file.
    assert 'href="/admin/guides/translators/"' in html or "translators.md" not in html


def test_the_guides_images_display(login_as):
    client = login_as(EDITORS)
    html = client.get(guide_url("editors")).text
    sources = re.findall(r'<img[^>]* src="([^"]+)"', html)
    assert sources, "the editor's guide shows screenshots"
    for source in sources:
        assert source.startswith("/admin/guides/img/")
        response = client.get(source)
        assert response.status_code == 200
        assert response["Content-Type"] == "image/png"


def test_only_the_guides_images_are_served(login_as):
    client = login_as(EDITORS)
    assert client.get("/admin/guides/img/..%2Feditors.md").status_code in (301, 404)
    assert client.get("/admin/guides/img/editors.md").status_code == 404
    assert client.get("/admin/guides/img/missing.png").status_code == 404


def test_a_superuser_reads_every_guide(client):
    client.force_login(staff_user("guide-admin", superuser=True))
    for name in ALL_GUIDES:
        assert client.get(guide_url(name)).status_code == 200


def test_anonymous_visitors_get_the_login_page(client):
    for url in (guide_url("editors"), "/admin/guides/img/editor-page-edit.png"):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/admin/login/")
