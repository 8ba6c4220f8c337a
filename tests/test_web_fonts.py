"""The PT Sans web fonts show every letter the portal needs, and the home page stays light.

static/vendor/pt-sans/ is built by tools/subset_fonts.py: a browser downloads a font file only
when the page shows a character of its unicode-range, and then must find the character in it,
or the text falls back to another typeface in the middle of a word.
"""

import gzip
import re
import unicodedata
from functools import cache
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import brotli
import polib
import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from fontTools.ttLib import TTFont
from wagtail.models import Page

from bench.weigh import FONT_FACE, css_fonts, font_is_used, page_assets

pytestmark = pytest.mark.django_db

FONT_CSS = Path(settings.BASE_DIR) / "static" / "vendor" / "pt-sans" / "pt-sans.css"
UDMURT_ALPHABET = "АБВГДЕЁЖӜЗӞИӤЙКЛМНОӦПРСТУФХЦЧӴШЩЪЫЬЭЮЯабвгдеёжӝзӟиӥйклмноӧпрстуфхцчӵшщъыьэюя"
# Typography a Russian page uses, whether or not the catalogues happen to contain it today.
RUSSIAN_TYPOGRAPHY = "«»„“”‘’—–…№₽€°§©−±×0123456789.,:;!?()[]/%+=@#&*\"'"
# The fonts every page downloads today weigh 30 KB: a regression shows long before the goal breaks.
PAGE_FONTS_BUDGET = 40 * 1024
ALL_FONTS_BUDGET = 70 * 1024
# Issue #7: the home page with its styles, scripts and fonts, compressed, images excluded.
HOME_PAGE_BUDGET = 150 * 1024


@cache
def faces():
    """Every @font-face of pt-sans.css as (weight, unicode ranges, the code points its file has)."""
    result = []
    for block in FONT_FACE.findall(FONT_CSS.read_text()):
        weight = int(re.search(r"font-weight\s*:\s*(\d+)", block)[1])
        [(url, ranges)] = css_fonts("@font-face {" + block + "}")
        font = TTFont(FONT_CSS.parent / url)
        result.append((weight, ranges, url, frozenset(font.getBestCmap())))
    return result


def uncovered(text):
    """The characters of text that some weight of PT Sans does not show, with the reason."""
    problems = {}
    for char in sorted(set(text)):
        if char.isspace() or unicodedata.category(char) in {"Cc", "Cf"}:
            continue
        point = ord(char)
        for weight in sorted({face[0] for face in faces()}):
            claiming = [face for face in faces() if face[0] == weight and font_is_used(face[1], char)]
            if not claiming:
                problems[char] = f"U+{point:04X} {unicodedata.name(char, '?')}: no {weight} file claims it"
            for _weight, _ranges, url, points in claiming:
                if point not in points:
                    problems[char] = f"U+{point:04X} {unicodedata.name(char, '?')}: not in {url}"
    return problems


def catalogue_text():
    texts = []
    for path in sorted((Path(settings.BASE_DIR) / "locale").glob("*/LC_MESSAGES/*.po")):
        for entry in polib.pofile(str(path)):
            texts += [entry.msgid, entry.msgstr, entry.msgid_plural, *entry.msgstr_plural.values()]
    # Placeholders such as %(count)s are code, not text; what they stand for is tested elsewhere.
    return re.sub(r"%(\([a-z_]+\))?[sd]|\{[a-z_]+\}", "", " ".join(texts))


def test_the_udmurt_alphabet_and_russian_typography_are_covered():
    assert uncovered(UDMURT_ALPHABET + RUSSIAN_TYPOGRAPHY + "Glazov ABCXYZ abcxyz") == {}


def test_every_character_of_the_interface_catalogues_is_covered():
    text = catalogue_text()
    assert "«" in text and "ё" in text.lower()  # the catalogues were read
    assert uncovered(text) == {}


def test_every_character_the_demo_pages_show_is_covered(client):
    pages = [page for page in Page.objects.live().filter(depth__gt=1).specific() if page.url]
    assert {page.locale.language_code for page in pages} == {"ru", "en", "udm"}
    shown = []
    for page in pages:
        response = client.get(page.url)
        assert response.status_code == 200, page.url
        shown.append(page_assets(response.text)[1])
    assert uncovered(" ".join(shown)) == {}


def test_a_page_with_a_rarer_letter_asks_only_for_the_file_that_has_it():
    def files(text):
        return {url for _weight, ranges, url, _points in faces() if font_is_used(ranges, text)}

    base = files("Глазов")
    assert len(base) == 2  # one file per weight
    assert files("«Ӟечбур!» № 5, 100 ₽ — Glazov") == base
    tatar = files("Әлмәт") - base
    polish = files("Łódź") - base
    assert tatar and polish and not tatar & polish


def home_page_files(client):
    """What a browser downloads for /ru/: [(kind, file path)], fonts only where the page needs them."""
    html = client.get("/ru/").text
    assets, text = page_assets(html)
    downloads = []
    for kind, url in assets:
        path = static_file(url)
        downloads.append((kind, path))
        if kind == "style":
            for href, ranges in css_fonts(path.read_text()):
                font = static_file(urljoin(url, href))
                downloads.append(("font" if font_is_used(ranges, text) else "unused font", font))
    return html, downloads


def static_file(url):
    found = finders.find(urlsplit(url).path.removeprefix(settings.STATIC_URL))
    assert found, url
    return Path(found)


def test_the_fonts_of_the_home_page_stay_within_their_budget(client):
    _html, downloads = home_page_files(client)
    fonts = {path: path.stat().st_size for kind, path in downloads if kind == "font"}
    everything = {path: path.stat().st_size for kind, path in downloads if kind.endswith("font")}
    assert len(fonts) == 2, fonts  # 400 and 700, one file each, for a Russian page
    assert sum(fonts.values()) <= PAGE_FONTS_BUDGET, fonts
    assert sum(everything.values()) <= ALL_FONTS_BUDGET, everything


def test_the_home_page_transfers_at_most_150_kb_compressed(client):
    """HTML gzipped as nginx sends it, styles and scripts brotli as whitenoise does, woff2 as is."""
    html, downloads = home_page_files(client)
    sizes = {"/ru/": len(gzip.compress(html.encode()))}
    for kind, path in downloads:
        data = path.read_bytes()
        if kind in {"style", "script"}:
            sizes[path.name] = len(brotli.compress(data))
        elif kind == "font":
            sizes[path.name] = len(data)
    assert sum(sizes.values()) <= HOME_PAGE_BUDGET, sizes


def test_the_font_stylesheet_says_the_fonts_were_modified_and_under_which_licence():
    header = FONT_CSS.read_text().split("*/")[0]
    assert "SIL OFL 1.1" in header and "modified" in header and "tools/subset_fonts.py" in header
    assert "SIL Open Font License" in (FONT_CSS.parent / "LICENSE").read_text()
