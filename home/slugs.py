"""Latin page addresses: Cyrillic titles are transliterated by the rules of Russian passports.

The rules are those of the Russian international passport (ICAO Doc 9303 transliteration):
«Глазовская дума» → glazovskaia-duma. Udmurt letters
follow the same sounds (ӝ → dzh, ӟ → dz, ӵ → tch, ӧ → o, ӥ → i). The admin applies the same table
as the editor types the title (`SLUG_FORMATTERS`, given to Wagtail's slug field), and the server
applies it on save, so a slug typed or pasted in Cyrillic is stored in Latin too.
"""

from django.utils.text import slugify

PASSPORT = {
    "а": "a",
    "б": "b",
    "в": "v",
    "г": "g",
    "д": "d",
    "е": "e",
    "ё": "e",
    "ж": "zh",
    "з": "z",
    "и": "i",
    "й": "i",
    "к": "k",
    "л": "l",
    "м": "m",
    "н": "n",
    "о": "o",
    "п": "p",
    "р": "r",
    "с": "s",
    "т": "t",
    "у": "u",
    "ф": "f",
    "х": "kh",
    "ц": "ts",
    "ч": "ch",
    "ш": "sh",
    "щ": "shch",
    "ъ": "ie",
    "ы": "y",
    "ь": "",
    "э": "e",
    "ю": "iu",
    "я": "ia",
    # Udmurt
    "ӝ": "dzh",
    "ӟ": "dz",
    "ӥ": "i",
    "ӧ": "o",
    "ӵ": "tch",
}
_TABLE = str.maketrans({**PASSPORT, **{letter.upper(): latin for letter, latin in PASSPORT.items()}})

# For Wagtail's SlugInput: (pattern, replacement, flags), applied in the browser before Wagtail's
# own clean-up, in this order (the longest first does not matter: every pattern is one letter).
SLUG_FORMATTERS = [(letter, latin, "giu") for letter, latin in PASSPORT.items()]


def transliterate(text):
    return text.translate(_TABLE)


def latin_slugify(text):
    """A Latin slug for `text`: transliterated, lower case, words joined by hyphens."""
    return slugify(transliterate(text), allow_unicode=False)
