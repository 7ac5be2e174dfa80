"""The one reader of uploaded spreadsheets (CSV or XLSX), used by every import.

``read_table(name, data, ...)`` turns an upload into numbered rows of plain-text cells, or refuses the
whole file with ``SpreadsheetError`` and a sentence for the person uploading it. A cell is only ever
text: a formula is read as the text of the formula and never evaluated; control characters are
removed; a NUL anywhere in a CSV refuses the file, because it is not a text file (issue 11 item 22).
What the rows mean is each import's business (``accounts_register.imports``, ``monitoring.imports``,
``accounts_register.training``); openpyxl reads XLSX.
"""

from __future__ import annotations

import csv
import datetime
import io
import re
import zipfile

from openpyxl import load_workbook

from councilsocial.lib.spreadsheets import is_formula_like

# The most an XLSX may unpack to, as a multiple of the largest upload: a small zip can otherwise
# expand to gigabytes ("zip bomb").
XLSX_MAX_UNPACKED_RATIO = 20
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")

NOT_TEXT = (
    "The file is not a CSV file: it contains a character that is not text. "
    "Save it as CSV UTF-8 and upload it again"
)


class SpreadsheetError(Exception):
    """The file as a whole cannot be read; the message says why, for the person uploading it."""


def cell_text(value) -> str:
    """A cell as plain text: dates as ISO dates, whole numbers without ``.0``, no control characters.

    A leading quote that a spreadsheet (or our own export) put before formula-looking text is removed;
    the text itself is never evaluated.
    """
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return value.date().isoformat() if value.time() == datetime.time(0) else value.isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    text = _CONTROL.sub("", str(value)).strip()
    # Our exports put a quote before formula-looking text; reading strips it again so an exported
    # file imports back unchanged.
    if len(text) > 1 and text[0] == "'" and is_formula_like(text[1:]):
        text = text[1:]
    return text


def _read_csv(data: bytes, *, row_limit: int) -> list[list[str]]:
    if b"\x00" in data:
        raise SpreadsheetError(NOT_TEXT)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1252", errors="replace")
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    rows = []
    try:
        for row in csv.reader(io.StringIO(text, newline=""), dialect):
            rows.append([cell_text(c) for c in row])
            if len(rows) > row_limit:
                break
    except csv.Error as exc:
        raise SpreadsheetError(f"The CSV file could not be read ({exc}). Save it again as CSV UTF-8") from exc
    return rows


def _read_xlsx(data: bytes, *, max_bytes: int, row_limit: int) -> list[list[str]]:
    not_a_workbook = "The file is not a valid Excel workbook. Save it again as .xlsx"
    if not data.startswith(b"PK\x03\x04"):
        raise SpreadsheetError(not_a_workbook)
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except zipfile.BadZipFile as exc:
        raise SpreadsheetError(not_a_workbook) from exc
    if unpacked > XLSX_MAX_UNPACKED_RATIO * max_bytes:
        raise SpreadsheetError("The workbook is too large once unpacked. Save the sheet alone as CSV")
    try:
        # data_only=False: a formula is read as its text and never evaluated.
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except Exception as exc:  # noqa: BLE001 - openpyxl raises many kinds of error for a damaged file
        raise SpreadsheetError(not_a_workbook) from exc
    try:
        rows = []
        for row in workbook.worksheets[0].iter_rows(values_only=True):
            rows.append([cell_text(c) for c in row])
            if len(rows) > row_limit:
                break
        return rows
    finally:
        workbook.close()


def read_table(
    name: str, data: bytes, *, max_bytes: int, max_rows: int, what: str = "rows"
) -> list[tuple[int, list[str]]]:
    """The non-blank rows of a CSV or XLSX file (by its name), each with its row number.

    Row 1 is the file's first row (the header, for every import of ours). A file over ``max_bytes``,
    with more than ``max_rows`` rows after the first (``what`` names them in the message), of
    another type, damaged, or empty is refused with ``SpreadsheetError``.
    """
    name = (name or "").lower()
    if len(data) > max_bytes:
        raise SpreadsheetError(f"The file must be smaller than {max_bytes / (1024 * 1024):g} MB")
    if not data.strip():
        raise SpreadsheetError("The selected file is empty")
    row_limit = max_rows + 2  # the header, the rows allowed, and one more to know there are too many
    if name.endswith(".xlsx"):
        raw = _read_xlsx(data, max_bytes=max_bytes, row_limit=row_limit)
    elif name.endswith(".xls"):
        raise SpreadsheetError(
            "Old Excel files (.xls) cannot be read. Save it as .xlsx or CSV and upload that"
        )
    elif name.endswith((".csv", ".txt")):
        if data.startswith((b"PK\x03\x04", b"\xd0\xcf\x11\xe0")):
            raise SpreadsheetError("The file is a spreadsheet saved with a .csv name. Upload it as .xlsx")
        raw = _read_csv(data, row_limit=row_limit)
    else:
        raise SpreadsheetError("The selected file must be a CSV or an Excel (.xlsx) file")
    numbered = [(number, row) for number, row in enumerate(raw, start=1) if any(cell for cell in row)]
    if not numbered:
        raise SpreadsheetError("The selected file is empty")
    if len(numbered) - 1 > max_rows:
        raise SpreadsheetError(f"The file has more than {max_rows:,} {what}. Split it into smaller files")
    return numbered
