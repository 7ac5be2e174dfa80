"""Communications filters the register, opens an account, suspends it with a reason, sees the history."""

import pytest

from accounts_register.platforms import Platform
from tests.browser.conftest import sign_in_page
from tests.factories import AccountFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in(page, live_server, username):
    sign_in_page(page, live_server.url, username, "correct horse battery staple")


def test_communications_suspends_an_account_and_sees_its_history(
    live_server, page, screenshot, comms, service
):
    AccountFactory(
        platform=Platform.X,
        handle="CannockChaseDC",
        url="https://x.com/CannockChaseDC",
        display_name="Cannock Chase Council",
        service=service,
    )
    AccountFactory(
        platform=Platform.INSTAGRAM,
        handle="visitcannockchase",
        url="https://www.instagram.com/visitcannockchase",
        display_name="Visit Cannock Chase",
        service=service,
    )
    sign_in(page, live_server, "comms")

    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Register").click()
    page.get_by_label("Platform").select_option(label="X (Twitter)")
    page.get_by_role("button", name="Apply filters").click()
    assert page.locator("#result-count").inner_text().startswith("1 account")
    screenshot("register-filtered")

    page.get_by_role("link", name="@CannockChaseDC").click()
    page.get_by_role("link", name="Change status").click()
    page.get_by_label("Suspend").check()
    page.get_by_label("Reason").fill("Password may have been seen by a contractor")
    page.get_by_role("button", name="Change the status").click()

    assert "The status has been changed." in page.locator(".govuk-notification-banner").inner_text()
    history = page.get_by_role("list", name="Status changes").inner_text()
    assert "Active → Suspended" in history
    assert "Password may have been seen by a contractor" in history
    screenshot("account-suspended")


def test_a_bad_status_change_shows_the_error_summary(live_server, page, screenshot, comms, service):
    account = AccountFactory(service=service)
    sign_in(page, live_server, "comms")
    page.goto(f"{live_server.url}/accounts/{account.pk}/status/")
    page.get_by_role("button", name="Change the status").click()
    summary = page.locator(".govuk-error-summary").inner_text()
    assert "Choose a status change" in summary and "Enter the reason for the change" in summary
    screenshot("account-status-errors")
