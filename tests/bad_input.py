"""Hypothesis strategies and helpers for the bad-input tests: what a broken client or a bot may send."""

import os
import re

from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

# Every answer a visitor may get for a request we refuse or serve; never a 5xx.
ALLOWED_STATUSES = {200, 302, 303, 400, 404, 405, 413, 429}

# Bounded so all the bad-input tests together stay within a minute or two. The pytest-django
# fixtures (client, settings) are function-scoped: each example reuses them on purpose and
# checks its own before/after counts. The same examples every run, so CI passes or fails as the
# developer's run did; HYPOTHESIS_EXPLORE=1 draws new ones (and more) to hunt for bugs.
EXPLORE = os.environ.get("HYPOTHESIS_EXPLORE") == "1"
FUZZ = hypothesis_settings(
    max_examples=300 if EXPLORE else 30,
    derandomize=not EXPLORE,
    deadline=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.large_base_example,
    ],
)

# Strings that break naive code: query syntax of SQLite FTS5 and PostgreSQL tsquery, format
# strings, template syntax, header injection, path tricks, odd digits and dates, invisible and
# right-to-left characters, characters outside the Basic Multilingual Plane.
NASTY = [
    "\x00",
    "a\x00b",
    "'",
    '"',
    '""',
    "\\",
    "\\'",
    '"\\',
    "*",
    ":*",
    "!",
    "&",
    "|",
    "(",
    ")",
    "^",
    "~",
    "-",
    "+",
    "NEAR(",
    "AND",
    "OR",
    "NOT",
    "a OR b NOT c",
    '"unterminated',
    "%",
    "%s",
    "%(name)s",
    "{0}",
    "{{ request }}",
    "{% debug %}",
    "_",
    "<script>alert(1)</script>",
    "../../etc/passwd",
    "..\\..\\boot.ini",
    "\r\n",
    "\r\nSet-Cookie: a=b",
    "\t",
    "\x1b[31m",
    "\x7f",
    "\x85",
    "\u200b",
    "\u200d",
    "\u202e",
    "\u2028",
    "\ufeff",
    "\ufffd",
    "\uffff",
    "\U0001f600",
    "\U0010fffd",
    "e\u0301",
    "ӝӟӥӧӵ",
    "ЁЁЁ",
    "ß",
    "İ",
    "ﬁ",
    "¹²³",
    "٣٤",
    "𝟙𝟚",
    "Ⅻ",
    "null",
    "NaN",
    "-Infinity",
    "1e400",
    "-0",
    "0x1F",
    "9" * 40,
    "-" + "9" * 40,
    "99999-99-99",
    "0000-00-00",
    "2024-02-30",
    "31.12.99999",
    "1/1/1",
    " ",
    "",
]


def exotic_text(max_size=300):
    """Any unicode (NUL and other control characters included, surrogates excluded) or a nasty string."""
    return st.one_of(
        st.text(max_size=max_size),
        st.text(
            st.characters(categories=["Cc", "Cf", "Co", "Zs", "Zl", "Zp", "Mn", "So"]), max_size=max_size
        ),
        st.sampled_from(NASTY),
        st.lists(st.sampled_from(NASTY), max_size=6).map("".join),
    )


# Up to about 1 MB once encoded as UTF-8.
huge_text = st.sampled_from(["я", "a", "\x00", "\U0001f600", "'\"", "9", "-"]).flatmap(
    lambda piece: st.integers(10_000, 1_000_000 // len(piece.encode())).map(lambda count: piece * count)
)

numberish = st.one_of(
    st.integers(min_value=-(10**40), max_value=10**40).map(str),
    st.floats().map(repr),
    st.sampled_from(["1e400", "NaN", "inf", "-0", "0x10", "٣", "𝟙", "Ⅻ", "1_000", " 7 ", "+3", "1.5"]),
)

dateish = st.one_of(
    st.dates().map(str),
    st.builds("{:04d}-{:02d}-{:02d}".format, st.integers(0, 99999), st.integers(0, 99), st.integers(0, 99)),
    st.builds("{:02d}.{:02d}.{}".format, st.integers(0, 99), st.integers(0, 99), st.integers(0, 10**6)),
    numberish,
)

any_value = st.one_of(exotic_text(), numberish, dateish, huge_text)


def parameters(names):
    """A query or form: some of ``names`` (sometimes repeated) and sometimes an unknown key."""
    value = st.one_of(any_value, st.lists(any_value, min_size=1, max_size=3))
    return st.dictionaries(st.one_of(st.sampled_from(names), exotic_text(20)), value, max_size=len(names) + 1)


def raw_query(name):
    """A query string whose value is arbitrary bytes, percent-encoded (often not valid UTF-8)."""
    from urllib.parse import quote_from_bytes

    return st.binary(max_size=200).map(lambda data: f"{name}={quote_from_bytes(data)}")


def as_header(value):
    """A header value as a WSGI server hands it to Django: the bytes sent, read as Latin-1.

    Servers refuse NUL, CR and LF in headers, so those never reach the site.
    """
    value = "".join(char for char in value if char not in "\x00\r\n")
    return value.encode().decode("latin-1")


CYRILLIC = re.compile("[а-яё]", re.IGNORECASE)


def russian(message):
    """True when a message shown to a visitor of the Russian site is written in Russian."""
    return bool(CYRILLIC.search(str(message)))
