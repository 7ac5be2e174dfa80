"""Exports neutralise spreadsheet formulas (issue 3 item 7: cells starting with =, +, -, @)."""

from __future__ import annotations

import csv
import datetime
import io

import pytest
from openpyxl import load_workbook

from accounts_register.exports import (
    ACCOUNT_EXPORT_COLUMNS,
    export_accounts_csv,
    export_accounts_xlsx,
    export_csv_bytes,
    export_xlsx_bytes,
    neutralise,
)
from tests.factories import AccountFactory

HOSTILE = ['=HYPERLINK("https://evil.example")', "+44 1543", "-1+2", "@SUM(A1)", "\tTAB", "\rCR"]


@pytest.mark.parametrize("text", HOSTILE)
def test_formula_looking_text_gets_a_leading_quote(text):
    assert neutralise(text) == "'" + text


@pytest.mark.parametrize("value", ["Cannock Chase", "a=b", "", "CannockChaseDC", "news@council"])
def test_ordinary_text_is_left_alone(value):
    assert neutralise(value) == value


@pytest.mark.parametrize("value", [-5, 3.5, datetime.date(2026, 1, 2), True])
def test_numbers_dates_and_booleans_are_not_text_and_are_left_alone(value):
    assert neutralise(value) == value


def test_a_csv_export_neutralises_every_hostile_cell():
    rows = [{"name": text, "count": 1} for text in HOSTILE]

    data = export_csv_bytes(rows, [("name", "name"), ("count", "count")]).decode("utf-8-sig")

    cells = [row[0] for row in csv.reader(io.StringIO(data, newline=""))][1:]
    assert cells == ["'" + text for text in HOSTILE]


def test_an_xlsx_export_has_no_formula_cells():
    rows = [{"name": text} for text in HOSTILE]

    workbook = load_workbook(io.BytesIO(export_xlsx_bytes(rows, [("name", "name")])))

    cells = [row[0] for row in workbook.active.iter_rows(min_row=2)]
    # XML stores a carriage return as a line feed; the leading quote is what matters.
    assert [cell.value for cell in cells] == ["'" + text.replace("\r", "\n") for text in HOSTILE]
    assert all(cell.data_type == "s" for cell in cells)


@pytest.mark.django_db
def test_the_account_export_reads_related_fields_and_neutralises_them(service):
    AccountFactory(display_name="=cmd|' /C calc'!A0", service=service)

    response = export_accounts_csv(
        __import__("accounts_register.models", fromlist=["x"]).SocialMediaAccount.objects.select_related(
            "service__directorate"
        )
    )
    data = b"".join(response.streaming_content).decode("utf-8-sig")
    header, row = list(csv.reader(io.StringIO(data, newline="")))

    assert header == [name for name, _ in ACCOUNT_EXPORT_COLUMNS]
    assert row[header.index("display_name")] == "'=cmd|' /C calc'!A0"
    assert row[header.index("service")] == "Countryside Service"
    assert row[header.index("directorate")] == "Place and Economy"
    assert response["Content-Disposition"] == 'attachment; filename="accounts.csv"'


@pytest.mark.django_db
def test_the_account_xlsx_export_is_a_workbook_with_the_same_columns(service):
    from accounts_register.models import SocialMediaAccount

    AccountFactory(display_name="@everyone", service=service)

    response = export_accounts_xlsx(SocialMediaAccount.objects.select_related("service__directorate"))
    sheet = load_workbook(io.BytesIO(response.content)).active

    assert [c.value for c in sheet[1]] == [name for name, _ in ACCOUNT_EXPORT_COLUMNS]
    assert sheet.cell(row=2, column=4).value == "'@everyone"
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
