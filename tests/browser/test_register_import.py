"""Communications imports a register file in Chromium: upload, row-level preview, confirm (issue 3 item 7)."""

from __future__ import annotations

from pathlib import Path

import pytest

from accounts_register.models import SocialMediaAccount
from accounts_register.platforms import Platform
from tests.browser.conftest import sign_in_page
from tests.factories import AccountFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

FIXTURE = Path(__file__).resolve().parent.parent / "accounts_register" / "fixtures" / "import_bad_rows.csv"


def _sign_in(page, live_server, user):
    user.set_password("browser-password")
    user.save()
    sign_in_page(page, live_server.url, user.username, "browser-password")


def test_communications_previews_a_file_with_bad_rows_and_imports_the_valid_ones(
    live_server, page, screenshot, comms, service
):
    AccountFactory(
        platform=Platform.X, handle="CannockChaseDC", display_name="Cannock Chase Council", service=service
    )
    AccountFactory(
        platform=Platform.BLOG, handle="news", url="https://news.cannockchasedc.gov.uk", service=service
    )
    _sign_in(page, live_server, comms)

    page.goto(f"{live_server.url}/accounts/import/")
    screenshot("register-import-upload")
    page.get_by_label("Upload a file").set_input_files(str(FIXTURE))
    page.get_by_role("button", name="Upload and preview").click()

    assert page.locator("#count-create").inner_text() == "2"
    assert page.locator("#count-update").inner_text() == "1"
    assert page.locator("#count-error").inner_text() == "10"
    assert "There is no service called Parks and Gardens" in page.locator("#error-rows").inner_text()
    assert SocialMediaAccount.objects.count() == 2  # nothing written yet
    screenshot("register-import-preview")

    page.get_by_role("button", name="Import the 3 valid rows").click()

    assert "Imported import_bad_rows.csv: 2 accounts added, 1 updated, 10 rows with errors skipped" in (
        page.locator(".govuk-notification-banner").inner_text()
    )
    assert SocialMediaAccount.objects.count() == 4
    screenshot("register-import-done")
