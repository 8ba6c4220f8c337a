"""The staff guides in docs/, shown inside the admin to the groups each one is written for.

The guides stay Markdown files in the repository (docs/*.md, images in docs/img/); the admin
renders them to HTML, so what an editor reads under «Помощь» is the file developers keep up to
date. Links between guides and to their images are rewritten to the admin's own addresses.
"""

import re
from dataclasses import dataclass
from pathlib import Path
from xml.etree.ElementTree import Element

import markdown
from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.components import Component

DOCS_DIR = Path(settings.BASE_DIR) / "docs"
IMAGES_DIR = DOCS_DIR / "img"
IMAGE_NAME = re.compile(r"^[a-z0-9][a-z0-9-]*\.(png|jpg|svg)$")

# The staff groups (home/migrations/0002_create_groups.py).
AUTHORS, EDITORS, REPORT_MODERATORS, TRANSLATORS = (
    "Авторы",
    "Редакторы",
    "Модераторы обращений",
    "Переводчики",
)


@dataclass(frozen=True)
class Guide:
    """One file in docs/ and the groups it is written for (superusers see every guide)."""

    name: str
    title: str
    groups: tuple

    @property
    def path(self):
        return DOCS_DIR / f"{self.name}.md"

    @property
    def url(self):
        return reverse("portal_guide", args=[self.name])


# In the order the help menu and the dashboard list them. Operators' and developers' documents
# (operations, security, page cache, performance, architecture) are for superusers only.
GUIDES = (
    Guide("editors", _("Руководство редактора"), (AUTHORS, EDITORS)),
    Guide("news-and-decisions", _("Новости и реестр решений Думы"), (AUTHORS, EDITORS, TRANSLATORS)),
    Guide("accessibility", _("Доступность портала"), (AUTHORS, EDITORS, TRANSLATORS)),
    Guide("mandatory-information", _("Обязательная информация (8-ФЗ)"), (EDITORS,)),
    Guide("translators", _("Руководство переводчика"), (EDITORS, TRANSLATORS)),
    Guide("moderators", _("Руководство модератора обращений"), (REPORT_MODERATORS,)),
    Guide("operations", _("Сервер: установка и обслуживание"), ()),
    Guide("security", _("Безопасность"), ()),
    Guide("page-cache", _("Кеш страниц"), ()),
    Guide("performance", _("Быстродействие"), ()),
    Guide("architecture", _("Устройство портала (для разработчиков)"), ()),
)
BY_NAME = {guide.name: guide for guide in GUIDES}


def guides_for(user):
    """The guides this user may read, in menu order."""
    if not user.is_active:
        return []
    if user.is_superuser:
        return list(GUIDES)
    # Asked by every «Помощь» item on every admin page: the user's groups are read once per user object.
    names = user.__dict__.get("portal_group_names")
    if names is None:
        names = user.__dict__["portal_group_names"] = set(user.groups.values_list("name", flat=True))
    return [guide for guide in GUIDES if names.intersection(guide.groups)]


class AdminAddresses(Treeprocessor):
    """Point images at the admin's image view and links between guides at the guides' views."""

    def run(self, root: Element):
        for image in root.iter("img"):
            source = image.get("src", "")
            if source.startswith("img/") and IMAGE_NAME.match(source.removeprefix("img/")):
                image.set("src", reverse("portal_guide_image", args=[source.removeprefix("img/")]))
            image.set("loading", "lazy")
        for link in root.iter("a"):
            target, _hash, anchor = link.get("href", "").partition("#")
            name = target.removeprefix("./").removesuffix(".md")
            if target.endswith(".md") and name in BY_NAME:
                link.set("href", BY_NAME[name].url + (f"#{anchor}" if anchor else ""))


class AdminAddressesExtension(Extension):
    def extendMarkdown(self, md):
        md.treeprocessors.register(AdminAddresses(md), "portal_admin_addresses", 0)


def render(guide):
    """The guide's Markdown as HTML (the files are the project's own, so raw HTML is kept)."""
    text = guide.path.read_text(encoding="utf-8")
    return markdown.markdown(
        text,
        extensions=["tables", "fenced_code", "toc", "sane_lists", AdminAddressesExtension()],
        extension_configs={"toc": {"permalink": False}},
        output_format="html",
    )


class GuideMenuItem(MenuItem):
    """A guide under «Помощь», shown only to the groups it is written for."""

    def __init__(self, guide, order):
        self.guide = guide
        super().__init__(guide.title, None, name=f"guide-{guide.name}", icon_name="doc-full", order=order)

    # Looked up when the menu is drawn: the hooks load before the URLconf does.
    @property
    def url(self):
        return self.guide.url

    @url.setter
    def url(self, value):
        pass

    def is_shown(self, request):
        return self.guide in guides_for(request.user)


def help_menu_items():
    """One item per guide, before Wagtail's own keyboard shortcuts (order 1200)."""
    return [GuideMenuItem(guide, order=100 + number) for number, guide in enumerate(GUIDES)]


# Wagtail's own help items link to its English guide and release notes on wagtail.org.
WAGTAIL_HELP_ITEMS = ("editor-guide", "whats-new-in-wagtail-")


def without_wagtail_guides(request, menu_items):
    menu_items[:] = [item for item in menu_items if not item.name.startswith(WAGTAIL_HELP_ITEMS)]


class GuidesPanel(Component):
    """The dashboard's list of the guides for the user's role."""

    name = "portal_guides"
    template_name = "home/admin/guides_panel.html"
    order = 40

    def __init__(self, user):
        self.user = user

    def get_context_data(self, parent_context):
        return {"guides": guides_for(self.user)}


def add_guides_panel(request, panels):
    if guides_for(request.user):
        panels.append(GuidesPanel(request.user))
