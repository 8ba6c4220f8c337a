"""The notice at the top of a page's edit view: which mandatory information it publishes and by when
it must be reviewed. A message (Wagtail shows it above the form), so it works for every page type."""

from django.conf import settings
from django.contrib import messages
from django.utils.translation import gettext as _

from .states import State, items_for_page


def notice_text(item):
    status = item.status
    what = _("Страница размещает обязательную информацию «%(title)s» (%(reference)s).") % {
        "title": item.title,
        "reference": item.legal_reference,
    }
    if status.due_date is None:
        when = _("Опубликуйте страницу: пока требование не выполняется.")
    elif status.state == State.STALE:
        when = _(
            "Срок проверки прошёл %(date)s: обновите страницу "
            "или отметьте «Проверено, изменений нет» в отчёте."
        ) % {"date": status.due_date.strftime("%d.%m.%Y")}
    else:
        when = _("Проверить до %(date)s.") % {"date": status.due_date.strftime("%d.%m.%Y")}
    return f"{what} {when}"


def before_edit_page(request, page):
    """before_edit_page hook: name the requirements the Russian page serves, when the form is opened."""
    if request.method != "GET" or page.locale.language_code != settings.LANGUAGE_CODE:
        return
    for item in items_for_page(page):
        if item.status.state != State.NOT_APPLICABLE:
            messages.info(request, notice_text(item))
