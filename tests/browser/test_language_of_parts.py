"""Text in another language than the page's carries its language (WCAG 3.1.2, language of parts).

A screen reader reads text with the rules of the language of its closest `lang`. On the English
version every page type is walked, and Cyrillic text (an untranslated title, a rubric, a number
like «123-р», the consent wording, a search for a Russian word) must sit in an element whose
language is Russian or Udmurt; alt texts, labels and tooltips count too. On the Udmurt version,
where Cyrillic is the page's own script, the titles of the Russian pages it shows untranslated
must sit in an element marked Russian. Both in the normal version and with images replaced by text.
The error pages (400, 403, 413, 500; ERROR_TARGETS) are checked the same way, as the server sent them.
"""

import pytest
from django.db.models import Exists, OuterRef
from wagtail.models import Page

from tests.browser.visual_modes import AXE_TARGETS, ERROR_TARGETS, MODES, error_page, use_mode

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("site_db")]

CHECKED_MODES = [MODES[0], MODES[-1]]

# [where, text] for each text (or alt/aria-label/title/placeholder) of the body that breaks the rule:
# Cyrillic outside Russian or Udmurt when `cyrillicLanguages` is given, and any of `russianTexts`
# outside an element marked Russian.
OUT_OF_PLACE = """({cyrillicLanguages, russianTexts}) => {
    const found = [];
    const language = (element) => ((element.closest("[lang]") || {}).lang || "").toLowerCase();
    const describe = (element) =>
        element.tagName.toLowerCase() + (element.className ? "." + element.className : "");
    const check = (element, text, where) => {
        const lang = language(element);
        if (cyrillicLanguages && /[\\u0400-\\u04ff]/.test(text) && !cyrillicLanguages.includes(lang)) {
            found.push([where, text.trim().slice(0, 80), lang]);
        }
        if (lang !== "ru" && russianTexts.some((russian) => text.includes(russian))) {
            found.push([where, text.trim().slice(0, 80), lang]);
        }
    };
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        const parent = node.parentElement;
        if (parent && !parent.closest("script, style, template")) check(parent, node.data, describe(parent));
    }
    for (const element of document.body.querySelectorAll("[alt], [aria-label], [title], [placeholder]")) {
        for (const name of ["alt", "aria-label", "title", "placeholder"]) {
            const value = element.getAttribute(name);
            if (value) check(element, value, describe(element) + "@" + name);
        }
    }
    return found;
}"""


def untranslated_russian_titles(language):
    """Titles of live Russian pages that have no translation of their own in `language` (long enough
    not to occur by chance inside other words)."""
    translated = Page.objects.filter(
        translation_key=OuterRef("translation_key"), locale__language_code=language, alias_of__isnull=True
    )
    pages = Page.objects.live().filter(locale__language_code="ru", depth__gt=2).exclude(Exists(translated))
    titles = [title for title in pages.values_list("title", flat=True) if len(title) >= 8]
    assert titles, "the demo content has untranslated pages in this language"
    return titles


@pytest.mark.parametrize(
    "language, cyrillic_languages",
    [("en", ["ru", "udm"]), ("udm", None)],
    ids=["en", "udm"],
)
def test_every_page_type_marks_the_language_of_its_parts(browser, site_server, language, cyrillic_languages):
    russian_texts = untranslated_russian_titles(language)
    arguments = {"cyrillicLanguages": cyrillic_languages, "russianTexts": russian_texts}
    context = browser.new_context()
    page = context.new_page()
    page.route("**/*.{woff2,css}", lambda route: route.abort())
    failures = {}
    for target in AXE_TARGETS:
        for mode in CHECKED_MODES:
            use_mode(context, page, mode, site_server.url)
            response = page.goto(site_server.url + target.url_path(language))
            assert response.status == target.status, target.name
            if target.prepare:
                target.prepare(page)
                page.wait_for_load_state()
            found = page.evaluate(OUT_OF_PLACE, arguments)
            if found:
                failures[f"{target.name} ({mode.name})"] = found
    for target in ERROR_TARGETS:
        for mode in CHECKED_MODES:
            use_mode(context, page, mode, site_server.url)
            with error_page(page, site_server.url, target, language, mode):
                found = page.evaluate(OUT_OF_PLACE, arguments)
            if found:
                failures[f"{target.name} ({mode.name})"] = found
    context.close()
    assert failures == {}
