"""CSV and XLSX downloads that a spreadsheet cannot turn into formulas.

A cell that starts with ``=``, ``+``, ``-`` or ``@`` (or a tab or carriage return, which some
spreadsheets skip before looking for one) is read by Excel and LibreOffice as a formula: a handle or
display name typed by anyone could then run when a colleague opens the download. Every text cell is
therefore written with a leading single quote, which the spreadsheet shows as plain text ("CSV
injection", OWASP). Used by the register export (issue 3 item 5), the import template and the
public register's CSV (000 §24).
"""

from __future__ import annotations

import csv
import datetime
import io
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from django.http import HttpResponse, StreamingHttpResponse

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# A column: (header, how to read the value from a row). A string reads an attribute or a dict key,
# following "__" or "." for related objects (``service__name``); a callable is given the row.
Column = tuple[str, str | Callable[[Any], Any]]


def neutralise(value: Any) -> Any:
    """A cell value that a spreadsheet shows as written: formula-looking text gets a leading quote.

    Numbers, dates and booleans are left alone (they are not text and cannot hold a formula).
    """
    if value is None:
        return ""
    if isinstance(value, bool | int | float | datetime.date | datetime.datetime):
        return value
    text = str(value)
    if text.startswith(FORMULA_PREFIXES):
        return "'" + text
    return text


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
    rows: Iterable[Any], columns: Sequence[Column], *, filename: str, attachment: bool = True
) -> StreamingHttpResponse:
    """A streamed UTF-8 CSV (with a byte order mark, so Excel reads the accents) of ``rows``."""
    writer = csv.writer(_Echo())

    def lines():
        yield "\ufeff"
        for values in export_rows(rows, columns):
            yield writer.writerow([_csv_text(v) for v in values])

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    if attachment:
        return _attachment(response, filename)
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


def export_csv_bytes(rows: Iterable[Any], columns: Sequence[Column]) -> bytes:
    """The same CSV as ``export_csv``, as bytes (for tests and stored files)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for values in export_rows(rows, columns):
        writer.writerow([_csv_text(v) for v in values])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def export_xlsx_bytes(
    rows: Iterable[Any], columns: Sequence[Column], *, sheet_title: str = "Accounts"
) -> bytes:
    """An XLSX workbook of ``rows``: bold header, text cells neutralised, dates as dates."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=sheet_title[:31])
    bold = Font(bold=True)
    from openpyxl.cell import WriteOnlyCell

    for index, values in enumerate(export_rows(rows, columns)):
        if index == 0:
            header = []
            for value in values:
                cell = WriteOnlyCell(sheet, value=value)
                cell.font = bold
                header.append(cell)
            sheet.append(header)
            continue
        cells = []
        for value in values:
            if isinstance(value, datetime.datetime) and value.tzinfo is not None:
                value = value.replace(tzinfo=None)  # Excel has no time zones; the value is local time.
            cell = WriteOnlyCell(sheet, value=value)
            if isinstance(value, str):
                # Stored as a string cell, never a formula, whatever the text.
                cell.data_type = "s"
            cells.append(cell)
        sheet.append(cells)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def export_xlsx(
    rows: Iterable[Any], columns: Sequence[Column], *, filename: str, sheet_title: str = "Accounts"
) -> HttpResponse:
    """An XLSX download of ``rows`` (see ``export_xlsx_bytes``)."""
    response = HttpResponse(
        export_xlsx_bytes(rows, columns, sheet_title=sheet_title), content_type=XLSX_CONTENT_TYPE
    )
    return _attachment(response, filename)


# The register's columns, for Communications' export of the filtered list (issue 3 item 5).
# Rows are SocialMediaAccount objects with ``service__directorate`` selected.
ACCOUNT_EXPORT_COLUMNS: list[Column] = [
    ("platform", lambda a: a.get_platform_display()),
    ("handle", "handle"),
    ("url", "url"),
    ("display_name", "display_name"),
    ("service", "service__name"),
    ("directorate", "service__directorate__name"),
    ("kind", lambda a: a.get_kind_display()),
    ("status", lambda a: a.get_status_display()),
    ("launch_date", "launch_date"),
    ("planned_end_date", "planned_end_date"),
    ("review_date", "review_date"),
    ("admin_mailbox", "admin_mailbox"),
    ("mailbox_is_shared", "admin_mailbox_is_shared"),
    ("comms_has_admin_access", "comms_has_admin_access"),
    ("mfa_enabled", "mfa_enabled"),
    ("vault_reference", "vault_reference"),
    ("recovery_contact", "recovery_contact"),
    ("password_changed_on", "password_changed_on"),
    ("followers", "followers"),
    ("last_activity_at", "last_activity_at"),
]


def export_accounts_csv(
    rows: Iterable[Any], columns: Sequence[Column] = ACCOUNT_EXPORT_COLUMNS, *, filename: str = "accounts.csv"
):
    """The register export as CSV: ``rows`` are accounts (or dicts), ``columns`` (header, accessor)."""
    return export_csv(rows, columns, filename=filename)


def export_accounts_xlsx(
    rows: Iterable[Any],
    columns: Sequence[Column] = ACCOUNT_EXPORT_COLUMNS,
    *,
    filename: str = "accounts.xlsx",
):
    """The register export as XLSX: ``rows`` are accounts (or dicts), ``columns`` (header, accessor)."""
    return export_xlsx(rows, columns, filename=filename, sheet_title="Accounts")
