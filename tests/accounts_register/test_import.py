"""Importing the register from CSV or XLSX: row-level preview, nothing written until confirmed (item 7)."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import Workbook

from accounts_register import imports
from accounts_register.models import AccountStatus, ImportBatch, SocialMediaAccount
from accounts_register.platforms import Platform
from councilsocial.lib import spreadsheets_read
from tests.factories import AccountFactory

FIXTURES = Path(__file__).parent / "fixtures"
HEADER = ["platform", "handle", "url", "display_name", "service", "kind"]


@pytest.fixture
def register(service):
    """The register before the import: the corporate X account and the news blog."""
    return {
        "x": AccountFactory(
            platform=Platform.X,
            handle="CannockChaseDC",
            url="https://x.com/CannockChaseDC",
            display_name="Cannock Chase Council",
            service=service,
        ),
        "blog": AccountFactory(
            platform=Platform.BLOG,
            handle="news",
            url="https://news.cannockchasedc.gov.uk",
            display_name="News",
            service=service,
        ),
    }


def _csv(rows, header=HEADER) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue().encode()


def _upload(client, name, data):
    return client.post(reverse("account-import"), {"file": _file(name, data)})


def _file(name, data):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data)


def _plan_of_fixture():
    columns, rows = imports.read_register_file("bad.csv", (FIXTURES / "import_bad_rows.csv").read_bytes())
    return imports.plan_import(columns, rows)


# --- The row-level report of the fixture file ---------------------------------------------------
EXPECTED_ERRORS = {
    4: "service: There is no service called Parks and Gardens",
    5: "handle: Enter an X (Twitter) handle",
    6: "url: Enter a Facebook address, on facebook.com or fb.com",
    7: "duplicate: row 2 of this file is the same account",
    8: "duplicate: the address is already on the register as Blog news",
    9: "launch_date: enter a real date",
    10: "kind: personal is not corporate, departmental or campaign",
    11: "platform: MySpace is not a platform in the list",
    13: "admin_mailbox: Enter a council mailbox on @cannockchasedc.gov.uk",
    14: "display_name: enter the display name for a new account",
}


@pytest.mark.parametrize(("row_number", "message"), sorted(EXPECTED_ERRORS.items()))
def test_the_preview_names_each_bad_row_and_why(register, row_number, message):
    rows = {row.number: row for row in _plan_of_fixture().rows}

    assert rows[row_number].action == imports.ERROR
    assert any(error.startswith(message) for error in rows[row_number].errors), rows[row_number].errors


def test_the_preview_says_which_rows_create_and_which_update(register):
    plan = _plan_of_fixture()

    assert {row.number: row.action for row in plan.valid_rows} == {2: "create", 3: "update", 12: "create"}
    update = next(row for row in plan.rows if row.number == 3)
    assert update.account_id == register["x"].pk
    assert update.changes == ["display_name", "kind"]
    assert update.change_details == [
        ("display name", "Cannock Chase Council", "Cannock Chase Council News"),
        ("kind", "Departmental", "Corporate"),
    ]
    assert update.label == "X (Twitter) @CannockChaseDC"
    assert plan.ignored_columns == ["notes"]


def test_a_row_without_a_service_lists_every_missing_field(register):
    row = next(row for row in _plan_of_fixture().rows if row.number == 14)

    assert row.errors == [
        "display_name: enter the display name for a new account",
        "service: enter the service for a new account",
    ]


def test_uploading_the_file_writes_nothing_until_confirmed(client, comms, register):
    client.force_login(comms)
    before = SocialMediaAccount.objects.count()

    response = _upload(client, "register.csv", (FIXTURES / "import_bad_rows.csv").read_bytes())
    preview = client.get(response["Location"])

    assert response.status_code == 302
    assert SocialMediaAccount.objects.count() == before
    assert SocialMediaAccount.objects.get(pk=register["x"].pk).display_name == "Cannock Chase Council"
    assert preview.status_code == 200
    content = preview.content.decode()
    assert "There is no service called Parks and Gardens" in content
    assert "Import the 3 valid rows" in content


def test_confirming_imports_the_valid_rows_and_skips_the_rest(client, comms, register):
    client.force_login(comms)
    location = _upload(client, "register.csv", (FIXTURES / "import_bad_rows.csv").read_bytes())["Location"]
    digest = client.get(location).context["digest"]

    response = client.post(location, {"action": "import", "digest": digest})

    assert response.status_code == 302
    created = SocialMediaAccount.objects.get(platform=Platform.X, handle="CountrysideCCDC")
    # Proposed: it goes active only through the register's rule (issue 11 item 3).
    assert created.status == AccountStatus.PROPOSED
    assert created.url == "https://x.com/CountrysideCCDC"
    assert created.followers == 1250
    assert str(created.review_date) == "2027-04-01"
    assert SocialMediaAccount.objects.get(pk=register["x"].pk).display_name == "Cannock Chase Council News"
    assert not SocialMediaAccount.objects.filter(handle__in=["ccdcparks", "ccdc_events", "ccdc"]).exists()


def test_an_update_keeps_history_with_the_file_name(client, comms, register):
    client.force_login(comms)
    location = _upload(client, "register.csv", (FIXTURES / "import_bad_rows.csv").read_bytes())["Location"]
    client.post(location, {"action": "import", "digest": client.get(location).context["digest"]})

    latest = register["x"].history.order_by("-history_date", "-history_id").first()
    assert latest.history_change_reason == "Imported from register.csv"
    assert latest.history_user == comms
    assert latest.prev_record.display_name == "Cannock Chase Council"


def test_a_formula_in_a_cell_is_stored_as_plain_text(client, comms, register):
    client.force_login(comms)
    location = _upload(client, "register.csv", (FIXTURES / "import_bad_rows.csv").read_bytes())["Location"]
    client.post(location, {"action": "import", "digest": client.get(location).context["digest"]})

    account = SocialMediaAccount.objects.get(platform=Platform.TIKTOK, handle="ccdc_tiktok")
    assert account.display_name == '=HYPERLINK("https://evil.example","click me")'


def test_cancelling_writes_nothing_and_the_upload_cannot_be_confirmed_later(client, comms, register):
    client.force_login(comms)
    before = SocialMediaAccount.objects.count()
    location = _upload(client, "register.csv", (FIXTURES / "import_bad_rows.csv").read_bytes())["Location"]
    digest = client.get(location).context["digest"]

    client.post(location, {"action": "cancel", "digest": digest})
    late = client.post(location, {"action": "import", "digest": digest})

    assert late.status_code == 404
    assert SocialMediaAccount.objects.count() == before


def test_a_register_change_after_the_preview_stops_the_import(client, comms, register, service):
    client.force_login(comms)
    data = _csv([["x", "NewAccount", "", "New", service.name, "departmental"]])
    location = _upload(client, "new.csv", data)["Location"]
    digest = client.get(location).context["digest"]
    AccountFactory(platform=Platform.X, handle="newaccount", service=service)  # someone else adds it

    response = client.post(location, {"action": "import", "digest": digest})

    assert response.status_code == 200
    assert response.context["changed"] is True
    assert SocialMediaAccount.objects.filter(handle__iexact="newaccount").count() == 1


def test_the_import_is_all_or_nothing_when_a_write_fails(comms, register, service, monkeypatch):
    rows = [["x", f"ccdc_new{i}", "", f"New {i}", service.name, "departmental"] for i in range(3)]
    rows.append(["x", "CannockChaseDC", "", "Renamed", service.name, "corporate"])
    columns, body = imports.read_register_file("mixed.csv", _csv(rows))
    plan = imports.plan_import(columns, body)
    batch = imports.import_batch_create(
        by=comms, file_name="mixed.csv", columns=columns, rows=body, plan=plan, now=timezone.now()
    )

    def fail(*args, **kwargs):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(imports, "bulk_update_with_history", fail)
    with pytest.raises(RuntimeError):
        imports.import_apply(batch=batch, by=comms, expected_digest=plan.digest(), now=timezone.now())

    assert not SocialMediaAccount.objects.filter(handle__startswith="ccdc_new").exists()
    assert SocialMediaAccount.objects.get(pk=register["x"].pk).display_name == "Cannock Chase Council"


def test_only_the_uploader_can_see_or_confirm_an_upload(client, comms, register, service):
    from tests.factories import UserFactory

    client.force_login(comms)
    location = _upload(client, "new.csv", _csv([["x", "ccdc_a", "", "A", service.name, ""]]))["Location"]
    other = UserFactory(username="comms-two", groups=["Communications"])
    client.force_login(other)

    assert client.get(location).status_code == 404


@pytest.mark.parametrize("persona", ["officer", "manager", "director", "outsider", "administrator"])
def test_only_communications_may_import(client, request, persona):
    client.force_login(request.getfixturevalue(persona))

    assert client.get(reverse("account-import")).status_code == 403
    assert client.get(reverse("account-import-template")).status_code == 403


def test_signed_out_people_are_sent_to_sign_in(client):
    response = client.get(reverse("account-import"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_the_upload_page_documents_every_column(client, comms):
    client.force_login(comms)

    content = client.get(reverse("account-import")).content.decode()

    for column in imports.COLUMNS:
        assert f"<code>{column.name}</code>" in content


def test_the_template_has_every_column_and_imports_cleanly(client, comms, service):
    client.force_login(comms)
    response = client.get(reverse("account-import-template"))
    data = b"".join(response.streaming_content)
    header = next(csv.reader(io.StringIO(data.decode("utf-8-sig"))))

    assert header == [column.name for column in imports.COLUMNS]
    service.name = "Communications and Marketing"
    service.save()
    columns, rows = imports.read_register_file("template.csv", data)
    assert [row.action for row in imports.plan_import(columns, rows).rows] == ["create"]


# --- The file as a whole ------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("empty.csv", b"", "The selected file is empty"),
        ("blank.csv", b"\n\n ,,\n", "The selected file is empty"),
        (
            "header.csv",
            b"platform,handle,display_name,service\n",
            "The file has a header row but no accounts",
        ),
        (
            "missing.csv",
            b"platform,handle\nx,ccdc\n",
            "The file is missing the columns display_name, service",
        ),
        ("accounts.pdf", b"%PDF-1.4", "The selected file must be a CSV or an Excel (.xlsx) file"),
        ("old.xls", b"\xd0\xcf\x11\xe0 old excel", "Old Excel files (.xls) cannot be read"),
        ("fake.xlsx", b"platform,handle\n", "The file is not a valid Excel workbook"),
        ("broken.xlsx", b"PK\x03\x04 not really a zip", "The file is not a valid Excel workbook"),
        ("binary.csv", b"\x00\x01\x02platform", "The file is not a CSV file"),
    ],
)
def test_a_file_that_cannot_be_read_is_refused_with_the_reason(name, data, message):
    with pytest.raises(imports.ImportFileError) as error:
        imports.read_register_file(name, data)

    assert str(error.value).startswith(message)


def test_a_file_over_the_size_limit_is_refused(settings, client, comms):
    settings.REGISTER_IMPORT_MAX_BYTES = 100
    client.force_login(comms)

    response = _upload(client, "big.csv", _csv([["x", "a" * 15, "", "b" * 100, "c", ""]]))

    assert response.status_code == 200
    assert "The file must be smaller than" in response.content.decode()
    assert not ImportBatch.objects.exists()


def test_a_file_over_the_row_limit_is_refused(settings):
    settings.REGISTER_IMPORT_MAX_ROWS = 3

    with pytest.raises(imports.ImportFileError, match="more than 3 accounts"):
        imports.read_register_file("many.csv", _csv([["x", f"h{i}", "", "n", "s", ""] for i in range(4)]))


def test_a_wrong_file_shows_a_gov_uk_error_not_a_crash(client, comms):
    client.force_login(comms)

    response = _upload(client, "accounts.pdf", b"%PDF-1.4")

    assert response.status_code == 200
    assert 'class="govuk-error-summary"' in response.content.decode()
    assert "must be a CSV or an Excel (.xlsx) file" in response.content.decode()


def test_column_names_are_matched_without_case_or_spaces(service):
    columns, rows = imports.read_register_file(
        "friendly.csv",
        _csv(
            [["X", "ccdc_one", "Parks", service.name]],
            header=["Platform", "Handle", "Display name", "Service"],
        ),
    )

    assert columns == ["platform", "handle", "display_name", "service"]
    assert imports.plan_import(columns, rows).rows[0].action == "create"


def test_row_numbers_are_the_spreadsheet_rows_even_after_blank_rows(service):
    data = _csv(
        [
            ["x", "ccdc_one", "", "One", service.name, ""],
            [],
            ["x", "bad handle!", "", "Two", service.name, ""],
        ]
    )

    columns, rows = imports.read_register_file("gaps.csv", data)

    assert [row.number for row in imports.plan_import(columns, rows).error_rows] == [4]


def test_an_xlsx_file_is_read_and_its_formulas_are_kept_as_text(service):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["platform", "handle", "display_name", "service", "launch_date"])
    sheet.append(["Instagram", "ccdc_parks", "=1+1", service.name, None])
    sheet["E2"].value = __import__("datetime").date(2021, 5, 6)
    buffer = io.BytesIO()
    workbook.save(buffer)

    columns, rows = imports.read_register_file("accounts.xlsx", buffer.getvalue())
    row = imports.plan_import(columns, rows).rows[0]

    assert row.action == "create"
    assert row.values["display_name"] == "=1+1"
    assert str(row.values["launch_date"]) == "2021-05-06"
    assert row.values["url"] == "https://www.instagram.com/ccdc_parks"


def test_an_exported_quote_before_a_formula_is_removed_on_import():
    assert spreadsheets_read.cell_text("'=SUM(A1)") == "=SUM(A1)"
    assert spreadsheets_read.cell_text("'quoted") == "'quoted"


def test_an_address_for_another_handle_is_refused(service):
    columns, rows = imports.read_register_file(
        "mismatch.csv", _csv([["x", "ccdc_one", "https://x.com/ccdc_two", "One", service.name, ""]])
    )

    assert imports.plan_import(columns, rows).rows[0].errors == [
        "url: The address is for @ccdc_two, not @ccdc_one"
    ]


def test_a_pasted_password_is_refused(service):
    columns, rows = imports.read_register_file(
        "password.csv",
        _csv(
            [["x", "ccdc_one", "One", service.name, "password: hunter22"]],
            header=[*HEADER[:2], "display_name", "service", "vault_reference"],
        ),
    )

    assert (
        imports.plan_import(columns, rows)
        .rows[0]
        .errors[0]
        .startswith("vault_reference: This looks like a password")
    )


# --- Scale ---------------------------------------------------------------------------------------
def test_a_5000_row_file_imports_in_one_transaction(client, comms, service, django_assert_max_num_queries):
    rows = [
        [Platform.X.value, f"ccdc_bulk{i:05d}"[:15], "", f"Bulk account {i}", service.name, "campaign"]
        for i in range(5000)
    ]
    client.force_login(comms)
    location = _upload(client, "bulk.csv", _csv(rows))["Location"]
    batch = ImportBatch.objects.get()
    plan = imports.batch_plan(batch)
    assert plan.creates == 5000

    with django_assert_max_num_queries(30) as captured:
        imports.import_apply(batch=batch, by=comms, expected_digest=plan.digest(), now=timezone.now())

    assert SocialMediaAccount.objects.filter(handle__startswith="ccdc_bulk").count() == 5000
    assert SocialMediaAccount.history.filter(history_change_reason="Imported from bulk.csv").count() == 5000
    # Every write is inside the one atomic block (a savepoint here, as the test runs in a transaction).
    sql = [q["sql"] for q in captured.captured_queries]
    assert sql[0].startswith("SAVEPOINT") and sql[-1].startswith("RELEASE SAVEPOINT")
    assert sum(s.startswith("SAVEPOINT") for s in sql) == 1
    assert client.get(location).status_code == 404  # used once


# --- Bad input (issue 11 items 22 and 25) ---------------------------------------------------------
def test_a_nul_after_the_first_8_kb_refuses_the_file(client, comms, service):
    rows = [["x", f"ccdc{i}", "", "Name " + "n" * 60, service.name, ""] for i in range(200)]
    data = _csv(rows)
    assert len(data) > 9000
    data = data[:9000] + b"\x00" + data[9000:]
    client.force_login(comms)

    response = _upload(client, "accounts.csv", data)

    assert response.status_code == 200
    assert "it contains a character that is not text" in response.content.decode()
    assert not ImportBatch.objects.exists()


@pytest.mark.parametrize(
    ("launch_date", "message"),
    [
        ("0001-01-01", "launch_date: must be between 1 January 2000 and 31 December 2100"),
        ("01/01/9999", "launch_date: must be between 1 January 2000 and 31 December 2100"),
        ("2026-02-30", "launch_date: enter a real date"),
        ("99999999999999999999", "launch_date: enter a real date"),
    ],
)
def test_a_date_that_is_not_real_or_out_of_range_is_an_error_on_its_row(service, launch_date, message):
    header = [*HEADER, "launch_date"]
    columns, rows = imports.read_register_file(
        "dates.csv", _csv([["x", "ccdc_dates", "", "Dates", service.name, "", launch_date]], header)
    )

    row = imports.plan_import(columns, rows).rows[0]

    assert row.action == "error"
    assert any(error.startswith(message) for error in row.errors)


def test_free_text_over_10_000_characters_is_an_error_on_its_row(service):
    header = [*HEADER, "purpose"]
    columns, rows = imports.read_register_file(
        "long.csv", _csv([["x", "ccdc_long", "", "Long", service.name, "", "p" * 10_001]], header)
    )

    row = imports.plan_import(columns, rows).rows[0]

    assert "purpose: must be 10,000 characters or fewer" in row.errors


def test_the_count_of_updated_accounts_is_the_count_changed(client, comms, register, service):
    """A row that matches an account and changes nothing is not reported as an update."""
    data = _csv(
        [
            ["x", "CannockChaseDC", "", "Cannock Chase Council", service.name, ""],  # no change
            ["blog", "news", "https://news.cannockchasedc.gov.uk", "News and views", service.name, ""],
        ]
    )
    client.force_login(comms)
    preview_url = _upload(client, "accounts.csv", data)["Location"]
    digest = client.get(preview_url).context["digest"]

    page = client.post(preview_url, {"action": "confirm", "digest": digest}, follow=True).content.decode()

    assert "0 accounts added, 1 updated" in page
