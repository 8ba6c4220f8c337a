"""Chromium downloads only the PT Sans files a page needs: Russian and Udmurt text, one per weight."""

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("site_db")]

UDMURT = "Ӝ ӝ Ӟ ӟ Ӥ ӥ Ӧ ӧ Ӵ ӵ «Ӟечбур!» № 5"
TATAR = "Әлмәт"


def downloaded_fonts(page):
    # Layout first: it is what starts the download of the faces the text needs.
    page.evaluate(
        "() => { document.body.getBoundingClientRect(); return document.fonts.ready.then(() => true); }"
    )
    return sorted(
        page.evaluate(
            "performance.getEntriesByType('resource')"
            ".filter(entry => entry.name.endsWith('.woff2'))"
            ".map(entry => entry.name.split('/').pop())"
        )
    )


def add_paragraph(page, text, lang):
    page.evaluate(
        """([text, lang]) => {
            const p = Object.assign(document.createElement('p'), {textContent: text, lang});
            const h = Object.assign(document.createElement('h2'), {textContent: text, lang});
            document.querySelector('main').prepend(p, h);
        }""",
        [text, lang],
    )


def test_a_russian_page_downloads_one_font_file_per_weight(page, site_server):
    page.goto(site_server.url + "/ru/")
    assert downloaded_fonts(page) == ["pt-sans-base-400-normal.woff2", "pt-sans-base-700-normal.woff2"]


def test_udmurt_text_needs_no_other_file_and_a_tatar_letter_brings_the_rest_of_cyrillic(page, site_server):
    page.goto(site_server.url + "/udm/")
    add_paragraph(page, UDMURT, "udm")
    assert downloaded_fonts(page) == ["pt-sans-base-400-normal.woff2", "pt-sans-base-700-normal.woff2"]
    add_paragraph(page, TATAR, "tt")
    assert "pt-sans-cyrillic-ext-400-normal.woff2" in downloaded_fonts(page)
