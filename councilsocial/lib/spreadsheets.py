"""The one writer of CSV and XLSX files: a spreadsheet can never turn a cell into a formula.

Excel and LibreOffice read a cell that starts with ``=``, ``+``, ``-`` or ``@`` as a formula, and
some skip a leading tab (0x09), carriage return (0x0D), line feed or spaces before looking, or
treat the full-width forms (＝ ＋ － ＠) the same way. A handle, display name or search term typed by
anyone could then run (``=HYPERLINK(…)``, ``+cmd|' /C calc'!A0``) when a colleague opens the
download ("CSV injection", OWASP). Every text cell that could be read so is written with a leading
single quote, which the spreadsheet shows as plain text; every other cell is written as it is.
Numbers, dates and booleans are not text and cannot hold a formula. In XLSX, text cells are
also stored as string cells, never formula cells.

Every CSV and XLSX the application writes goes through ``export_csv``, ``export_csv_bytes``,
``export_xlsx`` or ``export_xlsx_bytes``.
"""

from __future__ import annotations

import csv
import datetime
import io
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from django.http import HttpResponse, StreamingHttpResponse
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

# A spreadsheet reads a cell starting with one of these as a formula (OWASP "CSV injection"),
# including the full-width forms that some input methods turn into the ASCII ones.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r", "\n", "＝", "＋", "－", "＠")

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# A column: (header, how to read the value from a row). A string reads an attribute or a dict key,
# following "__" or "." for related objects (``service__name``); a callable is given the row.
Column = tuple[str, str | Callable[[Any], Any]]


def is_formula_like(text: str) -> bool:
    """True when a spreadsheet could read ``text`` as a formula: a formula character first, or
    after leading whitespace or control characters (which some spreadsheets skip)."""
    if text.startswith(FORMULA_PREFIXES):
        return True
    stripped = text.lstrip(" \t\r\n\v\f\u00a0\u3000")
    return stripped != text and stripped.startswith(FORMULA_PREFIXES)


def neutralise(value: Any) -> Any:
    """A cell value that a spreadsheet shows as written: formula-looking text gets a leading quote.

    Numbers, dates and booleans are left alone (they are not text and cannot hold a formula).
    """
    if value is None:
        return ""
    if isinstance(value, bool | int | float | datetime.date | datetime.datetime):
        return value
    text = str(value)
    if is_formula_like(text):
        return "'" + text
    return text


def columns_of(header: Sequence[str]) -> list[Column]:
    """Columns for rows that are sequences, read by position, under ``header``."""
    return [(name, lambda row, index=index: row[index]) for index, name in enumerate(header)]


def _read(row: Any, accessor: str | Callable[[Any], Any]) -> Any:
    if callable(accessor):
        return accessor(row)
    value = row
    for part in accessor.replace(".", "__").split("__"):
        if value is None:
            return None
        value = value.get(part) if isinstance(value, dict) else getattr(value, part, None)
    if callable(value):
        value = value()
    return value


def export_rows(rows: Iterable[Any], columns: Sequence[Column]) -> Iterable[list[Any]]:
    """The header, then each row's values, neutralised."""
    yield [neutralise(header) for header, _ in columns]
    for row in rows:
        yield [neutralise(_read(row, accessor)) for _, accessor in columns]


def _attachment(response: HttpResponse, filename: str) -> HttpResponse:
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


class _Echo:
    def write(self, value: str) -> str:
        return value


def _csv_text(value: Any) -> Any:
    if isinstance(value, datetime.datetime):
        return value.isoformat(timespec="minutes")
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, bool):
        return "yes" if value else "no"
    return value


def export_csv(
    rows: Iterable[Any],
    columns: Sequence[Column],
    *,
    filename: str,
    attachment: bool = True,
    stream: bool = True,
) -> HttpResponse | StreamingHttpResponse:
    """A UTF-8 CSV download (with a byte order mark, so Excel reads the accents) of ``rows``.

    Streamed by default, for long lists; ``stream=False`` for a short table written at once.
    """
    if stream:
        writer = csv.writer(_Echo())

        def lines():
            yield "\ufeff"
            for values in export_rows(rows, columns):
                yield writer.writerow([_csv_text(v) for v in values])

        response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    else:
        response = HttpResponse(export_csv_bytes(rows, columns), content_type="text/csv; charset=utf-8")
    if attachment:
        return _attachment(response, filename)
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


def export_csv_bytes(rows: Iterable[Any], columns: Sequence[Column]) -> bytes:
    """The same CSV as ``export_csv``, as bytes (for cached or stored files)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for values in export_rows(rows, columns):
        writer.writerow([_csv_text(v) for v in values])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def export_xlsx_bytes(rows: Iterable[Any], columns: Sequence[Column], *, sheet_title: str = "Sheet") -> bytes:
    """An XLSX workbook of ``rows``: bold header, text cells neutralised, dates as dates."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=sheet_title[:31])
    bold = Font(bold=True)
    for index, values in enumerate(export_rows(rows, columns)):
        cells = []
        for value in values:
            if isinstance(value, datetime.datetime) and value.tzinfo is not None:
                value = value.replace(tzinfo=None)  # Excel has no time zones; the value is local time.
            cell = WriteOnlyCell(sheet, value=value)
            if isinstance(value, str):
                # Stored as a string cell, never a formula, whatever the text.
                cell.data_type = "s"
            if index == 0:
                cell.font = bold
            cells.append(cell)
        sheet.append(cells)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def export_xlsx(
    rows: Iterable[Any], columns: Sequence[Column], *, filename: str, sheet_title: str = "Sheet"
) -> HttpResponse:
    """An XLSX download of ``rows`` (see ``export_xlsx_bytes``)."""
    response = HttpResponse(
        export_xlsx_bytes(rows, columns, sheet_title=sheet_title), content_type=XLSX_CONTENT_TYPE
    )
    return _attachment(response, filename)
