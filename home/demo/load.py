"""Build the portal's page tree in Russian, its English and Udmurt versions, and the footer.

Every step looks for what it would create and leaves existing content alone, so running
it again changes nothing, including what editors have changed since.
"""

import os
from io import BytesIO

from django.conf import settings
from django.core.files.images import ImageFile
from django.db import transaction
from PIL import Image as PillowImage
from PIL import ImageDraw
from wagtail.images.models import Image
from wagtail.models import Locale, Page, Site
from wagtail_localize.models import LocaleSynchronization
from wagtail_localize.synctree import synchronize_tree

from home.models import FooterContacts, HomePage, HomePageFeaturedLink, InfoPage
from home.permissions import grant_translator_page_permissions

from . import content
from .translation import translate_with_po


def ensure_locales(source):
    """English and Udmurt mirror the Russian tree (as aliases) until translated.

    Runs after the Russian home page replaced Wagtail's welcome page, so the welcome page
    is never mirrored.
    """
    locales = {source.language_code: source}
    for code, _name in settings.WAGTAIL_CONTENT_LANGUAGES:
        if code != source.language_code:
            locale, _ = Locale.objects.get_or_create(language_code=code)
            LocaleSynchronization.objects.get_or_create(locale=locale, defaults={"sync_from": source})
            locales[code] = locale
    return locales


@transaction.atomic
def ensure_home_page(locale):
    """The Russian home page, made the site's root (replacing Wagtail's welcome page)."""
    site = Site.objects.filter(is_default_site=True).select_related("root_page").first()
    if site and isinstance(site.root_page.specific, HomePage):
        return site.root_page.specific
    root = Page.get_first_root_node()
    home = HomePage(title=content.HOME["title"], slug="glazov", intro=content.HOME["intro"], locale=locale)
    root.add_child(instance=home)
    home.save_revision().publish()
    if site is None:
        site = Site(is_default_site=True)
    # Full URLs (canonical, hreflang, sitemap) use the site's address: the one `make run` serves.
    site.hostname = os.environ.get("SITE_HOSTNAME", "127.0.0.1")
    site.port = int(os.environ.get("PORT", "8000"))
    old_root = site.root_page if site.pk else None
    site.root_page = home
    site.site_name = "Город Глазов"
    site.save()
    if old_root is not None and not isinstance(old_root.specific, HomePage):
        old_root.delete()
    return home


def ensure_info_page(parent, slug, title, body, summary="", show_in_menus=True):
    existing = parent.get_children().filter(slug=slug).first()
    if existing:
        return existing.specific
    page = InfoPage(title=title, slug=slug, body=body, listing_summary=summary, show_in_menus=show_in_menus)
    parent.add_child(instance=page)
    page.save_revision().publish()
    return page


PANEL_IMAGE_TITLE = "Панель «Версия для слабовидящих»"
# The four colour schemes (text, background) as the panel's swatches show them.
PANEL_SWATCHES = [
    ("#000000", "#ffffff"),
    ("#ffffff", "#000000"),
    ("#063462", "#9dd1ff"),
    ("#4d4b43", "#f7f3d6"),
]


def ensure_panel_image():
    """A drawing of the panel's buttons for the accessibility page, made here so the repo holds no photo."""
    existing = Image.objects.filter(title=PANEL_IMAGE_TITLE).first()
    if existing:
        return existing
    drawing = PillowImage.new("RGB", (960, 200), "#ffffff")
    draw = ImageDraw.Draw(drawing)
    draw.rectangle((0, 0, 959, 199), outline="#000000", width=4)
    x = 30
    for width in (70, 70):  # images off / on
        draw.rounded_rectangle((x, 60, x + width, 140), radius=8, outline="#000000", width=4)
        x += width + 16
    x += 24
    for size in (28, 40, 56):  # the three "A" buttons
        draw.rounded_rectangle((x, 60, x + 80, 140), radius=8, outline="#000000", width=4)
        draw.text((x + 40, 100), "A", fill="#000000", anchor="mm", font_size=size)
        x += 96
    x += 24
    for foreground, background in PANEL_SWATCHES:
        draw.rounded_rectangle((x, 60, x + 80, 140), radius=8, fill=background, outline="#000000", width=4)
        draw.text((x + 40, 100), "A", fill=foreground, anchor="mm", font_size=48)
        x += 96
    buffer = BytesIO()
    drawing.save(buffer, "PNG")
    return Image.objects.create(title=PANEL_IMAGE_TITLE, file=ImageFile(buffer, name="visual-mode-panel.png"))


def ensure_footer_contacts(locale):
    contacts = FooterContacts.objects.filter(locale=locale).first()
    return contacts or FooterContacts.objects.create(locale=locale, **content.FOOTER_CONTACTS)


def ensure_translated(instance, locale, strings):
    """Translate once; a translation that exists (and is not a mere alias) is left as it is."""
    existing = instance.get_translation_or_none(locale)
    if existing is not None and not getattr(existing, "alias_of_id", None):
        return existing
    return translate_with_po(instance, locale, strings)


def load(examples=True):
    """The tree, sections and footer: all of it is the site's structure, kept without examples too."""
    source, _ = Locale.objects.get_or_create(language_code=settings.LANGUAGE_CODE)
    home = ensure_home_page(source)
    locales = ensure_locales(source)
    about = ensure_info_page(
        home,
        "about",
        "О городе",
        content.ABOUT_BODY,
        "Глазов — город на севере Удмуртии, его история, экономика и самоуправление.",
    )
    association = ensure_info_page(
        about,
        "innovative-cities",
        "Ассоциация новаторских городов",
        content.ASSOCIATION_BODY,
        content.ASSOCIATION_SUMMARY,
        show_in_menus=False,
    )
    contacts = ensure_info_page(
        home, "contacts", "Контакты", content.CONTACTS_BODY, "Адреса и телефоны Администрации города Глазова."
    )
    privacy = ensure_info_page(
        home,
        "privacy",
        "Политика обработки персональных данных",
        content.PRIVACY_BODY,
        "Как администрация города обрабатывает персональные данные из сообщений жителей.",
        show_in_menus=False,
    )
    accessibility = ensure_info_page(
        home,
        "accessibility",
        "Доступность портала",
        content.accessibility_body(ensure_panel_image()),
        content.ACCESSIBILITY_SUMMARY,
        show_in_menus=False,
    )
    if not home.featured_links.exists():
        for order, page in enumerate([about, contacts, association, privacy, accessibility]):
            HomePageFeaturedLink.objects.create(home_page=home, link_page=page, sort_order=order)
        home.save_revision().publish()
    footer = ensure_footer_contacts(locales["ru"])

    # Untranslated pages appear in English and Udmurt as aliases of the Russian ones.
    for code, locale in locales.items():
        if code != "ru":
            synchronize_tree(locales["ru"], locale)
    # Parents before children, one page at a time (see translate_with_po).
    for page in (home, about, association, contacts):
        ensure_translated(page, locales["en"], content.EN)
    ensure_translated(footer, locales["en"], content.EN)
    grant_translator_page_permissions()
    return {
        "home": home,
        "about": about,
        "association": association,
        "contacts": contacts,
        "privacy": privacy,
        "accessibility": accessibility,
    }
