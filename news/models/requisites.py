"""What identifies a municipal act on any page: its status and the normal forms of its number.

A module of its own so that the registry's filter form (news.forms) and news.listings can import
it while news.models.decisions, which imports them, is still loading.
"""

import re

from django.db import models
from django.utils.translation import gettext_lazy as _


def normalize_number(value):
    """The registry number reduced to what a resident types: "№ 123-р " → "123р"."""
    return re.sub(r"[^0-9a-zа-яё]", "", (value or "").lower())


def number_sort_key(value):
    """The leading integer of a number, for sorting "№ 9" before "№ 10" (0 when there is none)."""
    match = re.search(r"\d+", value or "")
    return int(match.group()) if match else 0


class DecisionStatus(models.TextChoices):
    DRAFT = "draft", _("проект")
    ADOPTED = "adopted", _("принято — не вступило в силу")
    IN_FORCE = "in_force", _("в силе")
    LOST_FORCE = "lost_force", _("утратило силу")
    INVALIDATED = "invalidated", _("признано недействующим")
