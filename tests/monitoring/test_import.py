"""CSV upload of enquiries and posts: a row-by-row preview, then only the valid new rows recorded."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

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
    assert "Account: A valid integer is required." in preview
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
