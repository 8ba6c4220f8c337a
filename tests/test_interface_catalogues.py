"""Every interface string is in the catalogues, English is complete, and the catalogues are compiled."""

import shutil
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.core.management import call_command

LOCALE_DIR = Path(settings.BASE_DIR) / "locale"
LANGUAGES = ["ru", "en", "udm"]


def catalogue(language, base=LOCALE_DIR, domain="django"):
    return polib.pofile(str(base / language / "LC_MESSAGES" / f"{domain}.po"))


# Not scanned for interface strings (tests and the benchmark speak to developers).
NOT_SCANNED = {".git", ".venv", "locale", "tests", "bench", "tools", "collected_static", "media", "cache"}


@pytest.fixture(scope="module")
def extracted(tmp_path_factory):
    """The catalogues as makemessages would write them from the code as it is now.

    makemessages writes next to the code it scans, so it scans a mirror of the project made of
    symbolic links, with a copy of the catalogues: the committed ones are never touched.
    """
    mirror = tmp_path_factory.mktemp("project")
    base = Path(settings.BASE_DIR)
    for entry in base.iterdir():
        if entry.name not in NOT_SCANNED:
            (mirror / entry.name).symlink_to(entry)
    for language in LANGUAGES:
        shutil.copytree(LOCALE_DIR / language, mirror / "locale" / language)
    mp = pytest.MonkeyPatch()
    mp.chdir(mirror)
    mp.setattr(settings, "LOCALE_PATHS", [mirror / "locale"])
    try:
        call_command("makemessages", locale=["en"], no_location=True, symlinks=True, verbosity=0)
    finally:
        mp.undo()
    return catalogue("en", mirror / "locale")


def test_every_marked_string_is_in_the_catalogues(extracted):
    committed = {entry.msgid for entry in catalogue("en")}
    missing = sorted(entry.msgid for entry in extracted if entry.msgid not in committed)
    assert not missing, f"Run `make messages-update` and translate: {missing}"


def test_english_catalogue_is_complete():
    po = catalogue("en")
    untranslated = [entry.msgid for entry in po.untranslated_entries()]
    fuzzy = [entry.msgid for entry in po.fuzzy_entries()]
    assert not untranslated, f"No English translation for: {untranslated}"
    assert not fuzzy, f"Fuzzy (unchecked) English translations: {fuzzy}"


@pytest.mark.parametrize("language", LANGUAGES)
def test_catalogue_is_compiled(language):
    po = catalogue(language)
    mo_path = LOCALE_DIR / language / "LC_MESSAGES" / "django.mo"
    assert mo_path.exists(), "Run `make messages` to compile the catalogues."
    compiled = {entry.msgid: entry.msgstr for entry in polib.mofile(str(mo_path))}
    for entry in po.translated_entries():
        if not entry.msgid_plural:
            assert compiled.get(entry.msgid) == entry.msgstr, f"{language}: stale .mo for {entry.msgid!r}"


def test_udmurt_never_shows_english():
    english = {entry.msgstr for entry in catalogue("en").translated_entries()}
    udmurt_in_english = [e.msgid for e in catalogue("udm").translated_entries() if e.msgstr in english]
    assert not udmurt_in_english
