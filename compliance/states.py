"""Each item's state, computed from its pages and its last review: missing, stale, due soon, current.

- **missing**: no linked page is published and open to everyone in Russian (a draft, an
  unpublished page, a page behind a password or a page that exists only in English or Udmurt does
  not satisfy the law);
- otherwise the item was last refreshed at the latest of its pages' last publication and its last
  «проверено» mark; it is **due** `period_months` later, on that local date;
- **stale** from the day after the due date; **due soon** from DUE_SOON_DAYS before it up to and
  including the due date itself; **current** before that; **not applicable** when so marked.

Computed in Python for a whole list of items at once (a city has a few dozen): three queries
however many items and pages.
"""

import calendar
import datetime
from dataclasses import dataclass, field

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.models import Page

from home.i18n import visible_to_everyone

from .models import RequiredItem

DUE_SOON_DAYS = 7


class State(models.TextChoices):
    MISSING = "missing", _("нет на сайте")
    STALE = "stale", _("устарело")
    DUE_SOON = "due_soon", _("скоро срок проверки")
    CURRENT = "current", _("актуально")
    NOT_APPLICABLE = "not_applicable", _("не относится")


@dataclass
class ItemStatus:
    state: str
    pages: list = field(default_factory=list)
    refreshed_at: datetime.datetime | None = None
    due_date: datetime.date | None = None
    today: datetime.date | None = None

    @property
    def label(self):
        return State(self.state).label

    @property
    def days_left(self):
        if self.due_date is None:
            return None
        return (self.due_date - self.today).days


def add_months(day, months):
    """The same day ``months`` later, or the month's last day (31 January + 1 month = 28/29 February)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return day.replace(year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1]))


def items_for_status():
    """Items with what status_of reads, in one query each."""
    return RequiredItem.objects.select_related(
        "responsible_user", "responsible_group", "reviewed_by"
    ).prefetch_related("page_links__page")


def statuses(items, today=None):
    """{item pk: ItemStatus} for ``items`` (fetched with items_for_status)."""
    today = today or timezone.localdate()
    items = list(items)
    keys = {link.page.translation_key for item in items for link in item.page_links.all()}
    public_pages = {}
    if keys:
        russian = Page.objects.filter(translation_key__in=keys, locale__language_code=settings.LANGUAGE_CODE)
        public_pages = {page.translation_key: page for page in visible_to_everyone(russian).order_by("path")}
    return {item.pk: status_of(item, public_pages, today) for item in items}


def status_of(item, public_pages, today):
    if item.not_applicable:
        return ItemStatus(State.NOT_APPLICABLE, today=today)
    pages = []
    for link in item.page_links.all():
        page = public_pages.get(link.page.translation_key)
        if page is not None and page not in pages:
            pages.append(page)
    if not pages:
        return ItemStatus(State.MISSING, today=today)
    moments = [page.last_published_at for page in pages if page.last_published_at]
    if item.reviewed_at:
        moments.append(item.reviewed_at)
    refreshed_at = max(moments) if moments else None
    if refreshed_at is None:
        return ItemStatus(State.STALE, pages, today=today)
    due_date = add_months(timezone.localdate(refreshed_at), item.period_months)
    days_left = (due_date - today).days
    if days_left < 0:
        state = State.STALE
    elif days_left <= DUE_SOON_DAYS:
        state = State.DUE_SOON
    else:
        state = State.CURRENT
    return ItemStatus(state, pages, refreshed_at, due_date, today)


def with_statuses(items, today=None):
    """``items`` as a list, each with its ItemStatus as ``.status``."""
    items = list(items)
    found = statuses(items, today)
    for item in items:
        item.status = found[item.pk]
    return items


def counts(today=None):
    """How many items are in each state."""
    result = dict.fromkeys(State.values, 0)
    for status in statuses(items_for_status(), today).values():
        result[status.state] += 1
    return result


def items_for_page(page):
    """The items a page serves (any language copy of it links the item), with their statuses."""
    items = items_for_status().filter(page_links__page__translation_key=page.translation_key).distinct()
    return with_statuses(items)
