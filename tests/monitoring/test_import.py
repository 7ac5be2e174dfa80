"""CSV upload of enquiries and posts: a row-by-row preview, then only the valid new rows recorded."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts_register.models import TrainingRecord
from monitoring.models import ActivityImport, Enquiry, Post
from tests.factories import AccountFactory, EnquiryFactory

NOW = datetime(2025, 1, 15, 11, 0, tzinfo=UTC)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def account(service):
    return AccountFactory(service=service, handle="ccdc_countryside")


def upload(client, kind, text):
    return client.post(
        reverse("activity-import"),
        {"kind": kind, "file": SimpleUploadedFile("export.csv", text.encode(), content_type="text/csv")},
    )


ENQUIRIES = (
    "account,platform_id,received_at,author,text,channel\n"
    "@ccdc_countryside,1,2025-01-14 18:30,jo,Is the car park open?,comment\n"
    "ccdc_countryside,2,2025-01-14T10:00:00+00:00,sam,Dogs allowed?,direct_message\n"
    "ccdc_countryside,3,2025-01-14 10:00,al,Hello,telegram\n"
    "someone_else,4,2025-01-14 10:00,al,Hello,comment\n"
    "ccdc_countryside,old,2025-01-10 10:00,kim,Already here,comment\n"
)


def test_the_preview_says_what_each_row_will_do_and_writes_nothing(client, officer, account):
    EnquiryFactory(account=account, platform_id="old")
    client.force_login(officer)

    response = upload(client, "enquiries", ENQUIRIES)
    preview = client.get(response["Location"]).content.decode()

    assert response.status_code == 302
    assert '<dd class="govuk-summary-list__value" id="count-new">2</dd>' in preview
    assert '<dd class="govuk-summary-list__value" id="count-repeated">1</dd>' in preview
    assert '<dd class="govuk-summary-list__value" id="count-error">2</dd>' in preview
    assert "Channel: &quot;telegram&quot; is not a valid choice." in preview
    assert "Account: None of your accounts has the handle “someone_else”" in preview
    assert Enquiry.objects.count() == 1


def test_confirming_records_the_valid_new_rows_with_their_deadlines(client, officer, account):
    client.force_login(officer)
    preview_url = upload(client, "enquiries", ENQUIRIES)["Location"]

    response = client.post(preview_url, {"action": "confirm"}, follow=True)

    assert "3 new, 0 already recorded, 2 rows with errors skipped" in response.content.decode()
    first = Enquiry.objects.get(platform_id="1")
    assert first.received_at == datetime(2025, 1, 14, 18, 30, tzinfo=UTC)  # UK time in January
    assert first.response_due_at == datetime(2025, 1, 15, 17, tzinfo=UTC)
    assert ActivityImport.objects.get().applied_at is not None


def test_a_confirmed_upload_cannot_be_confirmed_again(client, officer, account):
    client.force_login(officer)
    preview_url = upload(client, "enquiries", ENQUIRIES)["Location"]
    client.post(preview_url, {"action": "confirm"})

    assert client.post(preview_url, {"action": "confirm"}).status_code == 404


def test_someone_else_cannot_open_the_preview(client, officer, manager, account):
    client.force_login(officer)
    preview_url = upload(client, "enquiries", ENQUIRIES)["Location"]
    client.force_login(manager)

    assert client.get(preview_url).status_code == 404


def test_posts_upload_moves_the_last_activity(client, officer, account):
    client.force_login(officer)
    preview_url = upload(
        client, "posts", "account,platform_id,posted_at,kind\nccdc_countryside,p1,2025-01-13 09:00,original\n"
    )["Location"]

    client.post(preview_url, {"action": "confirm"})

    account.refresh_from_db()
    assert Post.objects.count() == 1
    assert account.last_activity_at == datetime(2025, 1, 13, 9, tzinfo=UTC)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "The file is empty"),
        ("account,platform_id\n1,2\n", "The file has no column for: channel, received_at"),
        ("account,platform_id,received_at,channel\n", "The file has a header row but no data"),
    ],
)
def test_an_unreadable_file_is_refused_with_a_message(text, message, client, officer, account):
    client.force_login(officer)

    response = upload(client, "enquiries", text)

    assert response.status_code == 200
    assert message in response.content.decode()
    assert not ActivityImport.objects.exists()


@pytest.mark.parametrize("persona", ["director", "outsider"])
def test_people_without_accounts_cannot_upload(persona, client, request):
    client.force_login(request.getfixturevalue(persona))

    assert client.get(reverse("activity-import")).status_code == 403


# --- Bad rows and bad files (issue 11 item 22) ----------------------------------------------------
@pytest.mark.parametrize(
    "when",
    ["2025-01-14 10:00:60", "2025-02-30 10:00", "2025-01-14T25:00:00", "2025-01-14 10:60", "0001-01-01"],
)
def test_a_row_with_an_impossible_time_is_an_error_on_that_row(client, officer, account, when):
    client.force_login(officer)
    text = (
        "account,platform_id,received_at,author,text,channel\n"
        f"ccdc_countryside,bad,{when},jo,Open?,comment\n"
        "ccdc_countryside,good,2025-01-14 10:00,jo,Open?,comment\n"
    )
    preview_url = upload(client, "enquiries", text)["Location"]

    first, again = client.get(preview_url), client.get(preview_url)

    assert first.status_code == again.status_code == 200
    page = first.content.decode()
    assert '<dd class="govuk-summary-list__value" id="count-error">1</dd>' in page
    assert '<dd class="govuk-summary-list__value" id="count-new">1</dd>' in page
    assert "Received at: " in page and f"{when}" in page
    client.post(preview_url, {"action": "confirm"})
    assert list(Enquiry.objects.values_list("platform_id", flat=True)) == ["good"]


def test_a_post_row_with_an_impossible_date_is_an_error_on_that_row(client, officer, account):
    client.force_login(officer)
    text = "account,platform_id,posted_at,kind\nccdc_countryside,p1,2024-02-30 09:00,original\n"
    preview_url = upload(client, "posts", text)["Location"]

    page = client.get(preview_url).content.decode()

    assert '<dd class="govuk-summary-list__value" id="count-error">1</dd>' in page
    assert "Posted at: 2024-02-30 09:00 is not a real date and time" in page


@pytest.mark.parametrize("where", [10, 9000, 60000])
def test_a_nul_anywhere_in_the_file_is_a_form_error(client, officer, account, where):
    client.force_login(officer)
    text = ENQUIRIES + "".join(
        f"ccdc_countryside,n{i},2025-01-14 10:00,jo,{'x' * 80},comment\n" for i in range(800)
    )
    text = text[:where] + "\x00" + text[where:]

    response = upload(client, "enquiries", text)

    assert response.status_code == 200
    assert "it contains a character that is not text" in response.content.decode()
    assert not ActivityImport.objects.exists()


def test_an_excel_file_of_enquiries_is_read_by_the_same_reader(client, officer, account):
    from io import BytesIO

    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["account", "platform_id", "received_at", "channel"])
    sheet.append(["ccdc_countryside", "x1", "2025-01-14 10:00", "comment"])
    buffer = BytesIO()
    workbook.save(buffer)
    client.force_login(officer)

    response = client.post(
        reverse("activity-import"),
        {"kind": "enquiries", "file": SimpleUploadedFile("export.xlsx", buffer.getvalue())},
    )
    client.post(response["Location"], {"action": "confirm"})

    assert Enquiry.objects.get().platform_id == "x1"


# --- The training import (002 §5.1; issue 11 item 22) ---------------------------------------------
TRAINING_HEADER = "person,module,completed_at,expires_at\n"


def training_upload(client, text):
    return client.post(
        "/operations/training/import/", {"file": SimpleUploadedFile("export.csv", text.encode(), "text/csv")}
    )


@pytest.mark.parametrize(
    ("row", "message"),
    [
        (f"officer,{'m' * 201},2024-03-14,", "The module name must be 200 characters or fewer"),
        ("officer,E-learning,2024-02-30,", "is not a date"),
        ("officer,E-learning,0001-01-01,", "must be between 1 January 2000 and 31 December 2100"),
        ("officer,E-learning,2024-03-14,9999-01-01", "must be between 1 January 2000 and 31 December 2100"),
        ("officer,E-learning,2024-03-14 10:00:60,", "is not a date"),
        ("officer,E-learning,99999999999999999999,", "is not a date"),
        ("officer,E-learn\x00ing,2024-03-14,", "it contains a character that is not text"),
    ],
)
def test_a_training_row_that_cannot_be_written_fails_in_the_preview(client, comms, officer, row, message):
    client.force_login(comms)

    page = training_upload(client, TRAINING_HEADER + row + "\n").content.decode()
    client.post("/operations/training/import/", {"confirm": "1"})

    assert message in page
    assert "Import 1 record" not in page
    assert not TrainingRecord.objects.exists()


def test_a_training_import_reports_the_records_it_wrote(client, comms, officer):
    TrainingRecord.objects.create(
        person=officer, module="E-learning", completed_at=datetime(2024, 3, 14, 12, tzinfo=UTC)
    )
    client.force_login(comms)
    text = TRAINING_HEADER + (
        "officer,E-learning,2024-03-14,\n"  # already recorded
        "officer,Safeguarding,2024-03-15,\n"
        "officer,Safeguarding,2024-03-15,\n"  # the same completion twice in the file
    )
    preview = training_upload(client, text).content.decode()

    page = client.post("/operations/training/import/", {"confirm": "1"}, follow=True).content.decode()

    assert "Import 3 records" in preview
    assert "1 training record imported" in page
    assert "2 already recorded" in page
    assert TrainingRecord.objects.count() == 2


def test_the_confirm_checks_the_rows_again(client, comms, officer):
    """A person removed between the preview and the confirmation is not imported, and no 500."""
    client.force_login(comms)
    training_upload(client, TRAINING_HEADER + "officer,E-learning,2024-03-14,\n")
    officer.delete()

    page = client.post("/operations/training/import/", {"confirm": "1"}, follow=True).content.decode()

    assert "Nothing has been imported" in page
    assert not TrainingRecord.objects.exists()
