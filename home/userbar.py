"""Wagtail's accessibility checker (userbar and editor preview) with the portal's extra rules."""

from django.utils.translation import gettext_lazy as _
from wagtail.admin.userbar import ContentCheckerItem


class PortalContentChecker(ContentCheckerItem):
    """Wagtail's checks plus the ones our editors can act on: alt text, tables, lists, languages."""

    axe_run_only = [
        *ContentCheckerItem.axe_run_only,
        "image-alt",
        "image-redundant-alt",
        "td-has-header",
        "th-has-data-cells",
        "list",
        "listitem",
        "valid-lang",
        "link-in-text-block",
        "duplicate-id-aria",
    ]
    axe_messages = {
        **ContentCheckerItem.axe_messages,
        "image-alt": {
            "error_name": _("У изображения нет описания"),
            "help_text": _("Добавьте альтернативный текст или отметьте изображение как декоративное"),
        },
        "image-redundant-alt": {
            "error_name": _("Описание изображения повторяет текст рядом"),
            "help_text": _("Опишите, что видно на изображении, а не повторяйте подпись"),
        },
        "td-has-header": {
            "error_name": _("У таблицы нет строки заголовков"),
            "help_text": _("Отметьте «Первая строка — заголовок» в настройках таблицы"),
        },
        "th-has-data-cells": {
            "error_name": _("Заголовок таблицы без данных"),
            "help_text": _("Удалите пустые столбцы или заполните их"),
        },
    }


def use_portal_content_checker(request, items, page):
    """Swap Wagtail's default checker for ours, keeping its place in the userbar."""
    for index, item in enumerate(items):
        if type(item) is not PortalContentChecker and isinstance(item, ContentCheckerItem):
            items[index] = PortalContentChecker()
