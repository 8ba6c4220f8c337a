"""The admin speaks Russian to every group: no English words in its interface.

Each group's admin is walked from the dashboard, following the admin's own links (one address
per kind of screen), and every screen's interface text is read: visible text and the labels a
screen reader says (aria-label, title, placeholder, alt). Content is not interface: page titles,
texts and names come from the pages themselves. Any Latin-script word not in `ALLOWED` means a
string with no Russian translation, or a Russian one Wagtail ships with English left in; the
project's corrections to Wagtail's and wagtail-localize's catalogues are in
locale_overrides/ru/LC_MESSAGES/django.po.
"""

import re
from collections import deque
from html.parser import HTMLParser

import pytest

from tests.feedback_helpers import make_report, staff_user
from tests.helpers import GROUPS

pytestmark = pytest.mark.django_db

# Names that are the same in Russian text: products, formats, standards, languages' own names.
ALLOWED = {
    *[
        "Wagtail",
        "PO",
        "CSV",
        "XLSX",
        "JSON",
        "XML",
        "RSS",
        "URL",
        "SEO",
        "HTML",
        "PDF",
        "ID",
        "PNG",
        "JPEG",
        "JPG",
        "GIF",
        "WebP",
        "WEBP",
        "SVG",
        "AVIF",
        "HEIC",
    ],
    *[
        "English",
        "e",
        "mail",
        "Open311",
        "Glazov",
        "gov",
        "ru",
        "en",
        "udm",
        "UTC",
        "px",
        "MB",
        "KB",
        "Mb",
        "Kb",
        "x",
    ],
    # Not marked for translation in the packages, so no catalogue can correct them (noted upstream):
    "Search",  # the dashboard's search button for screen readers, hard-coded in Wagtail's home.html
    "Actions",  # the header's navigation label, hard-coded in Wagtail's headers/_actions.html
    "translations",  # wagtail-localize's Translation model has no verbose name to translate
    "Source",
    "Target",
    "locale",  # wagtail-localize's report filters, named after its model fields
}
# Python paths of page types ("news.newspage") in Wagtail's page types report.
DOTTED_NAME = re.compile(r"\b[a-z_]+\.[a-z_]+\b")
# Screens whose address has one of these is not followed (it acts, or leaves the admin).
NOT_FOLLOWED = ("logout", "/preview", "/view_draft", "/revisions/", "/compare/", "/usage/", "?export=")
MAX_SCREENS = 120
LATIN_WORD = re.compile(r"[A-Za-z]+(?:['’][A-Za-z]+)*")
E_MAIL = re.compile(r"\S+@\S+")
ATTRIBUTES = ("aria-label", "title", "placeholder", "alt", "aria-description", "data-w-tooltip-content-value")


VOID = {"input", "img", "br", "hr", "meta", "link", "source", "wbr", "area", "base", "col", "embed", "track"}


class InterfaceText(HTMLParser):
    """Interface text of an admin screen: what it says and what it labels, without its content."""

    SKIPPED = {"script", "style", "template", "code", "pre", "textarea", "svg", "noscript"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts, self.links, self.skipping = [], [], []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        hidden = "hidden" in attrs and tag not in VOID
        # A guide's own text (docs/*.md shown in the admin) names software and formats (CSV, SQL,
        # PT Sans): it is documentation, not interface; the screen around it is checked.
        guide_text = tag == "article" and "portal-guide__text" in attrs.get("class", "")
        if (
            tag in self.SKIPPED
            or hidden
            or guide_text
            or (tag == "select" and attrs.get("name", "").endswith("time_zone"))
        ):
            self.skipping.append(tag)  # code, and the time zones' own names (Europe/Samara)
        if tag == "a" and attrs.get("href"):
            self.links.append(attrs["href"])
        if not self.skipping:
            self.parts.extend(attrs[name] for name in ATTRIBUTES if attrs.get(name))
            if tag == "input" and attrs.get("type") in ("submit", "button") and attrs.get("value"):
                self.parts.append(attrs["value"])

    def handle_endtag(self, tag):
        if self.skipping and self.skipping[-1] == tag:
            self.skipping.pop()

    def handle_data(self, data):
        if not self.skipping:
            self.parts.append(data)


def content_words():
    """Latin words the site's own content has (an English title, a file name): not interface."""
    from django.apps import apps
    from wagtail.documents import get_document_model
    from wagtail.images import get_image_model
    from wagtail.models import Collection, Page
    from wagtail.snippets.models import get_snippet_models

    texts = []
    for page in Page.objects.filter(depth__gt=1):  # the tree's root is named by the portal
        texts += [page.title, page.draft_title, page.slug]
    for model in (get_document_model(), get_image_model()):
        for item in model.objects.all():
            texts += [item.title, item.file.name]
    texts += [str(collection) for collection in Collection.objects.all()]
    for model in get_snippet_models():
        for item in model.objects.all():
            texts += [str(getattr(item, field.attname)) for field in model._meta.concrete_fields]
    texts += [str(obj) for obj in apps.get_model("feedback", "ProblemCategory").objects.all()]
    return {word for text in texts for word in LATIN_WORD.findall(text or "")}


def screen_kind(url):
    """One address per kind of screen: ids as N, without the query (sorting, pages, next=)."""
    return re.sub(r"\d+", "N", url.split("#")[0].split("?")[0])


def walk(client, content):
    """Every kind of admin screen the user can open from the dashboard: {English word: (url, text)}."""
    seen_kinds, found = set(), {}
    queue = deque(["/admin/"])
    while queue and len(seen_kinds) < MAX_SCREENS:
        url = queue.popleft()
        kind = screen_kind(url)
        if kind in seen_kinds:
            continue
        seen_kinds.add(kind)
        response = client.get(url)
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        parser = InterfaceText()
        parser.feed(response.content.decode())
        for part in parser.parts:
            for word in (
                set(LATIN_WORD.findall(DOTTED_NAME.sub("", E_MAIL.sub("", part)))) - ALLOWED - content
            ):
                found.setdefault(word, (url, " ".join(part.split())[:160]))
        # The sidebar's menu is JSON for its script: its addresses are links too.
        menu_links = re.findall(r'"(/admin/[^"?#]*)"', response.content.decode())
        for link in [*parser.links, *menu_links]:
            followed = link.startswith("/admin/") and not any(marker in link for marker in NOT_FOLLOWED)
            if followed and screen_kind(link) not in seen_kinds:
                queue.append(link)
    return found, seen_kinds


@pytest.mark.parametrize("group_name", GROUPS)
def test_no_english_in_the_admin_of_any_group(client, group_name):
    make_report()
    user = staff_user("russian-admin", group_name)
    client.force_login(user)
    found, screens = walk(
        client, content_words() | set(LATIN_WORD.findall(f"{user.username} {user.first_name}"))
    )
    assert len(screens) > 5
    assert not found, "\n".join(f"{word}: {url}: {text}" for word, (url, text) in sorted(found.items()))
