"""Likely personal data in a resident's text: found for the moderator, hidden in the public draft.

Residents are asked not to type personal data into the description, and some do anyway: «меня
зовут Мария Ивановна, звоните 8 912 345-67-89». Before a report is published the moderator sees
what this module finds (phones, e-mails, names after «меня зовут» / «я —», full names written as
«Фамилия Имя Отчество» or «Фамилия И. О.», and the resident's own name and contacts wherever they
occur), and the public text is prefilled with each of them replaced by «[скрыто]». The moderator
decides: the search is a help, not a guarantee.
"""

import re
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

HIDDEN = "[скрыто]"

CAPITALISED = r"[А-ЯЁ][а-яё]+(?:-[А-ЯЁ][а-яё]+)?"
PATTERNS = [
    ("email", _("адрес электронной почты"), re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+", re.UNICODE)),
    # Russian numbers as people type them: +7 / 8, then ten digits with spaces, dashes or brackets.
    (
        "phone",
        _("номер телефона"),
        re.compile(r"(?<![\d])(?:\+7|8|7)?[\s(-]*\d{3}[\s)-]*\d{3}[\s-]*\d{2}[\s-]*\d{2}(?![\d])"),
    ),
    # Short local numbers: 5-12-34, 51-23-45.
    ("phone", _("номер телефона"), re.compile(r"(?<![\d-])\d{1,3}-\d{2}-\d{2}(?![\d-])")),
    (
        "name",
        _("имя после «меня зовут»"),
        re.compile(
            rf"(?:[Мм]еня зовут|[Мм]о[её] имя|[Сс] уважением,?)\s+({CAPITALISED}(?:\s+{CAPITALISED}){{0,2}})"
        ),
    ),
    # Фамилия Имя Отчество: three capitalised words, the last a patronymic.
    (
        "name",
        _("фамилия, имя и отчество"),
        re.compile(rf"{CAPITALISED}\s+{CAPITALISED}\s+[А-ЯЁ][а-яё]+(?:вич|вна|ична|чна|ич)\b"),
    ),
    # Фамилия И. О. and И. О. Фамилия.
    (
        "name",
        _("фамилия с инициалами"),
        re.compile(rf"{CAPITALISED}\s+[А-ЯЁ]\.\s?[А-ЯЁ]\.|[А-ЯЁ]\.\s?[А-ЯЁ]\.\s?{CAPITALISED}"),
    ),
]


@dataclass(frozen=True)
class Finding:
    """One fragment of text that looks like personal data, and why."""

    kind: str
    reason: str
    text: str
    start: int
    end: int


def own_values(report):
    """The resident's own name (and each word of it), e-mail and phone, as they might be typed."""
    values = []
    if report is not None:
        name = (report.name or "").strip()
        if name:
            values.append(name)
            values.extend(word for word in re.split(r"\s+", name) if len(word) >= 3)
        values.extend(value for value in (report.email, report.phone) if value)
    return sorted(set(values), key=len, reverse=True)


def whole(value):
    """A pattern of ``value`` as a whole word or number: «Ира» is not hidden inside «квартира»."""
    return rf"(?<![\w]){re.escape(value)}(?![\w])"


def find(text, report=None):
    """The fragments of ``text`` that look like personal data, in order, overlapping ones merged."""
    if not text:
        return []
    found = []
    for value in own_values(report):
        for match in re.finditer(whole(value), text, flags=re.IGNORECASE):
            found.append(Finding("own", str(_("имя или контакт жителя")), match.group(), *match.span()))
    for kind, reason, pattern in PATTERNS:
        for match in pattern.finditer(text):
            group = 1 if pattern.groups else 0  # the name itself, not the words before it
            found.append(Finding(kind, str(reason), match.group(group), *match.span(group)))
    found.sort(key=lambda finding: (finding.start, -finding.end))
    merged = []
    for finding in found:
        if merged and finding.start < merged[-1].end:
            last = merged[-1]
            if finding.end > last.end:
                fragment = text[last.start : finding.end]
                merged[-1] = Finding(last.kind, last.reason, fragment, last.start, finding.end)
            continue
        merged.append(finding)
    return merged


def redact(text, report=None):
    """``text`` with every fragment find() flags replaced by «[скрыто]»."""
    findings = find(text, report)
    pieces, position = [], 0
    for finding in findings:
        pieces.extend([text[position : finding.start], HIDDEN])
        position = finding.end
    pieces.append(text[position:])
    return "".join(pieces)


def scrub_own(text, report):
    """``text`` with the resident's own name, e-mail and phone hidden: the last guard of public pages."""
    if not text:
        return text
    for value in own_values(report):
        text = re.sub(whole(value), HIDDEN, text, flags=re.IGNORECASE)
    return text
