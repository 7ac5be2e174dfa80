"""Every CSV and XLSX the application writes neutralises formulas (issue 11 item 14; OWASP CSV injection).

Each export endpoint is downloaded as the role that uses it, with a hostile value in a text field
it writes, and the cell must come back as text a spreadsheet will not run.
"""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from accounts_register.models import AccountKind, SocialMediaAccount
from councilsocial.lib.spreadsheets import neutralise
from operations.models import MonitoringTerm
from tests.factories import AccountFactory

pytestmark = pytest.mark.django_db

HOSTILE = [
    '=HYPERLINK("https://evil.example","Click")',
    "+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
    " =1+1",
    "＝1+1",
]


def _csv_cells(response) -> list[list[str]]:
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"), newline="")))


def _assert_neutralised(cell: str, hostile: str) -> None:
    # Line ends inside a quoted CSV cell come back as written; the leading quote is what matters.
    assert cell.startswith("'"), cell
    assert cell[1:].replace("\r\n", "\n") == hostile.replace("\r\n", "\n")


@pytest.mark.parametrize("hostile", HOSTILE)
def test_the_one_writer_neutralises_each_hostile_prefix(hostile):
    assert neutralise(hostile) == "'" + hostile


@pytest.mark.parametrize("hostile", HOSTILE)
def test_the_monitoring_terms_csv_neutralises_the_term(client, comms, service, hostile):
    MonitoringTerm.objects.create(
        term=hostile,
        reason="Hostile",
        service=service,
        requested_by=comms,
        requested_at=timezone.now(),
        status="approved",
        decided_at=timezone.now(),
    )
    client.force_login(comms)

    rows = _csv_cells(client.get(reverse("monitoring-terms-csv")))

    assert rows[0] == ["term", "service", "approved_at"]
    _assert_neutralised(rows[1][0], hostile)


@pytest.fixture
def hostile_corporate_account(service):
    account = AccountFactory(
        service=service, kind=AccountKind.CORPORATE, display_name='=HYPERLINK("https://evil.example")'
    )
    # Registered long ago and silent since: it is on the inactive and the posting tables.
    SocialMediaAccount.objects.filter(pk=account.pk).update(created_at=timezone.now() - timedelta(days=400))
    return account


@pytest.mark.parametrize("table", ["inactive", "posting"])
@pytest.mark.parametrize("page", ["council", "service"])
def test_each_dashboard_csv_neutralises_the_account_name(
    client, comms, hostile_corporate_account, table, page
):
    client.force_login(comms)
    url = (
        reverse("dashboard")
        if page == "council"
        else reverse("service-dashboard", args=[hostile_corporate_account.service_id])
    )

    rows = _csv_cells(client.get(url, {"export": table}))

    assert rows[1][0] == "'" + hostile_corporate_account.display_name


def test_the_register_csv_export_neutralises_the_display_name(client, comms, hostile_corporate_account):
    client.force_login(comms)

    header, row = _csv_cells(client.get(reverse("register-export", args=["csv"])))

    assert row[header.index("display_name")] == "'" + hostile_corporate_account.display_name


def test_the_register_xlsx_export_has_no_formula(client, comms, hostile_corporate_account):
    client.force_login(comms)

    response = client.get(reverse("register-export", args=["xlsx"]))
    sheet = load_workbook(io.BytesIO(response.content)).active
    header = [cell.value for cell in next(sheet.iter_rows(max_row=1))]
    cell = list(sheet.iter_rows(min_row=2))[0][header.index("display_name")]

    assert cell.value == "'" + hostile_corporate_account.display_name
    assert cell.data_type == "s"


def test_the_public_register_csv_neutralises_the_display_name(client, hostile_corporate_account):
    header, row = _csv_cells(client.get(reverse("public-register-csv")))

    assert row[header.index("Display name")] == "'" + hostile_corporate_account.display_name


def test_the_public_register_csv_writes_handles_clean_without_the_at(client, service):
    AccountFactory(service=service, handle="CannockChaseDC", url="https://x.com/CannockChaseDC")

    header, row = _csv_cells(client.get(reverse("public-register-csv")))

    # "@CannockChaseDC" would be read as a formula; without the @, in a column named so, it is
    # safe with no stray apostrophe.
    assert header[1] == "Handle (without @)"
    assert row[1] == "CannockChaseDC"
