"""What every spreadsheet the portal gives out (CSV, XLSX) does to the text in its cells.

Residents and staff type the text; a moderator or a visitor opens the file in Excel or LibreOffice.
A cell that starts like a formula (``=HYPERLINK(...)``, ``+``, ``-``, ``@``, their full-width forms,
a tab or a carriage return) would run as one there, so:

- in CSV such a cell gets a leading apostrophe, the spreadsheets' own sign for "this is text";
- in XLSX the cell is stored as text with Excel's "quote prefix" flag: it shows the text as typed
  and stays text when someone edits it;
- control characters (other than tab and line breaks) are removed: they mean nothing to a reader
  and the XLSX format cannot hold them.

CSV files open in Russian Excel as they are: UTF-8 with a BOM, ``;`` between cells, and moments in
the city's time as 26.11.2026 14:05.
"""

import csv
import datetime
import re

from django.http import HttpResponse, JsonResponse, StreamingHttpResponse
from django.utils import timezone
from wagtail.admin.views.mixins import SpreadsheetExportMixin, list_to_str

# Control characters but tab and line breaks (and NUL, which Django's forms refuse themselves): they
# come from pasted or forged text, mean nothing to a reader, and the XLSX format cannot hold them.
CONTROL_CHARACTERS = re.compile(r"[\x01-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
# Word's Shift+Enter (vertical tab), its page break and NEL: line breaks to whoever typed them.
LINE_BREAK_CONTROLS = re.compile(r"[\x0b\x0c\x85]")
# What no spreadsheet cell may hold: the above, NUL, and the two non-characters XML refuses.
UNWRITABLE_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff]")
# What makes Excel, LibreOffice or Google Sheets read a cell as a formula (or a DDE command).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")
CSV_DELIMITER = ";"
BOM = "\ufeff"
DATE_FORMAT = "%d.%m.%Y"
DATETIME_FORMAT = "%d.%m.%Y %H:%M"
XLSX_DATE_FORMAT = "dd.mm.yyyy"
XLSX_DATETIME_FORMAT = "dd.mm.yyyy hh:mm"


def strip_control_characters(text, replacement=""):
    """``text`` without what a spreadsheet cell cannot hold (control characters but tab and line breaks)."""
    return UNWRITABLE_CHARACTERS.sub(replacement, text) if text else text


def clean_typed_text(text):
    """Text staff typed or pasted, as saved: Word's line and page breaks become line breaks, other
    control characters (but tab and line breaks) are removed."""
    if not text:
        return text
    return CONTROL_CHARACTERS.sub("", LINE_BREAK_CONTROLS.sub("\n", text))


def looks_like_formula(text):
    """Whether a spreadsheet would take the text for a formula (leading spaces do not hide one)."""
    if not isinstance(text, str):
        return False
    return text.startswith(FORMULA_STARTS) or text.lstrip().startswith(FORMULA_STARTS)


def safe_cell(value):
    """A value ready for a CSV cell: text cleaned and, if it starts like a formula, marked as text.

    Anything but text (numbers, None) is returned as it is.
    """
    if not isinstance(value, str):
        return value
    value = strip_control_characters(value)
    return "'" + value if looks_like_formula(value) else value


def local_datetime_text(value):
    """An aware moment as the city's staff write it: 26.11.2026 14:05, in settings.TIME_ZONE."""
    return local_naive(value).strftime(DATETIME_FORMAT)


def local_naive(value):
    """An aware moment as a naive one in the city's time: what an XLSX cell can hold."""
    return timezone.make_naive(value) if timezone.is_aware(value) else value


def date_text(value):
    return value.strftime(DATE_FORMAT)


class EchoWriter:
    """A file-like object whose write() returns what it is given, for streaming csv rows."""

    def write(self, value):
        return value


def csv_writer(fieldnames=None):
    """A csv writer for the portal's dialect; with ``fieldnames``, a DictWriter."""
    if fieldnames is not None:
        return csv.DictWriter(EchoWriter(), fieldnames=fieldnames, delimiter=CSV_DELIMITER)
    return csv.writer(EchoWriter(), delimiter=CSV_DELIMITER)


def csv_lines(header, rows):
    """The lines of a CSV file (the first one with the BOM) from a header and rows of values."""
    writer = csv_writer()
    yield BOM + writer.writerow([safe_cell(value) for value in header])
    for row in rows:
        yield writer.writerow([safe_cell(value) for value in row])


def csv_response(header, rows, filename):
    """A CSV download of ``rows`` (lists of values) under ``header``, in UTF-8 with a BOM."""
    response = HttpResponse(
        "".join(csv_lines(header, rows)).encode("utf-8"), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def open_data_json_response(request, title, columns, items, filename, **metadata):
    """An open-data JSON export: its title, address, time, ``metadata`` (a licence…), the documented
    ``columns`` and one object per item, shown in the browser rather than downloaded."""
    data = {
        "title": title,
        "source": request.build_absolute_uri(),
        "generated_at": timezone.now().isoformat(timespec="seconds"),
        **metadata,
        "count": len(items),
        "columns": columns,
        "items": items,
    }
    response = JsonResponse(data, json_dumps_params={"ensure_ascii": False, "indent": 1})
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


class SafeSpreadsheetExportMixin(SpreadsheetExportMixin):
    """Wagtail's CSV and XLSX export of an admin listing, with the portal's safe, local cells.

    Put it first in the bases of any admin view that has ``list_export``; tests/test_export_safety.py
    fails for a listing that exports without it.
    """

    FORMAT_XLSX = SpreadsheetExportMixin.FORMAT_XLSX
    FORMAT_CSV = SpreadsheetExportMixin.FORMAT_CSV
    # Moments in the city's time (Wagtail writes them in UTC), dates as 26.11.2026.
    custom_value_preprocess = {
        datetime.datetime: {FORMAT_XLSX: local_naive, FORMAT_CSV: local_datetime_text},
        datetime.date: {FORMAT_XLSX: None, FORMAT_CSV: date_text},
        datetime.time: {FORMAT_XLSX: None},
        list: {FORMAT_CSV: list_to_str, FORMAT_XLSX: list_to_str},
    }

    def preprocess_field_value(self, field, value, export_format):
        value = super().preprocess_field_value(field, value, export_format)
        if not isinstance(value, str):
            return value
        if export_format == self.FORMAT_CSV:
            return safe_cell(value)
        return strip_control_characters(value)

    def get_heading(self, queryset, field):
        return strip_control_characters(super().get_heading(queryset, field))

    def generate_xlsx_row(self, worksheet, row_dict, date_format=None):
        for cell in super().generate_xlsx_row(worksheet, row_dict, date_format=XLSX_DATETIME_FORMAT):
            if isinstance(cell.value, str):
                cell.data_type = "s"  # never a formula, whatever it starts with
                if looks_like_formula(cell.value):
                    cell.quotePrefix = True  # and it stays text when someone edits the cell
            elif isinstance(cell.value, datetime.date) and not isinstance(cell.value, datetime.datetime):
                cell.number_format = XLSX_DATE_FORMAT
            yield cell

    def stream_csv(self, queryset):
        writer = csv_writer(self.list_export)
        yield BOM + writer.writerow({field: self.get_heading(queryset, field) for field in self.list_export})
        for item in queryset:
            yield self.write_csv_row(writer, self.to_row_dict(item))

    def write_csv_response(self, queryset):
        response = StreamingHttpResponse(
            (line.encode("utf-8") for line in self.stream_csv(queryset)),
            content_type="text/csv; charset=utf-8",
        )
        response["Content-Disposition"] = f'attachment; filename="{self.get_filename()}.csv"'
        return response
