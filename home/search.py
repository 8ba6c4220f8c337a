"""What a visitor types into a search box, made safe for the full-text search backends.

Quotes, backslashes and operators mean nothing to residents but are syntax to SQLite's FTS5
(where they raised errors) and NUL characters cannot reach PostgreSQL at all. Neither backend
indexes punctuation, so searching by the words alone finds the same pages.
"""

import re
import unicodedata

# Letters and digits of any script; punctuation, symbols and the underscore separate words.
WORD = re.compile(r"[^\W_]+")


def typed_text(value, max_length):
    """The query to show back to the visitor: control characters removed, spaces collapsed, cut short."""
    visible = "".join(" " if unicodedata.category(char).startswith("C") else char for char in value or "")
    return " ".join(visible.split())[:max_length]


def search_terms(value):
    """The words of a query, separated by spaces, for ``.search()``; empty when there are none."""
    return " ".join(WORD.findall(unicodedata.normalize("NFC", value or "")))
