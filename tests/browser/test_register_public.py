"""A member of the public reads the register and checks an account, in Chromium (000 §24)."""

from __future__ import annotations

import pytest

from accounts_register.models import AccountKind
from accounts_register.platforms import Platform
from tests.factories import AccountFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def register(service):
    AccountFactory(
        platform=Platform.X,
        handle="CannockChaseDC",
        url="https://x.com/CannockChaseDC",
        display_name="Cannock Chase Council",
        service=service,
        kind=AccountKind.CORPORATE,
    )
    AccountFactory(
        platform=Platform.FACEBOOK,
        handle="cannockchasedc",
        url="https://www.facebook.com/cannockchasedc",
        display_name="Cannock Chase Council",
        service=service,
        kind=AccountKind.CORPORATE,
    )
    AccountFactory(
        platform=Platform.INSTAGRAM,
        handle="cannockchaseranger",
        url="https://www.instagram.com/cannockchaseranger",
        display_name="Cannock Chase Rangers",
        service=service,
    )


def test_the_public_reads_the_register_and_checks_a_real_and_a_fake_account(
    live_server, page, screenshot, register
):
    page.goto(f"{live_server.url}/register/")
    assert page.get_by_role("heading", level=1).inner_text().endswith("official social media accounts")
    tables = page.locator("table.govuk-table caption")
    assert tables.all_inner_texts() == ["Facebook", "Instagram", "X (Twitter)"]
    screenshot("public-register")

    page.get_by_role("link", name="Check whether an account is ours").click()
    page.get_by_label("Handle or web address").fill("https://twitter.com/CannockChaseDC/")
    page.get_by_role("button", name="Check").click()
    assert "Yes, this is an official council account" in page.locator("#check-result").inner_text()
    screenshot("public-register-check-official")

    page.get_by_label("Handle or web address").fill("@CannockChaseDC_Official")
    page.get_by_role("button", name="Check").click()
    result = page.locator("main").inner_text()
    assert "is not an official council account" in result
    assert "How to report an impostor" in result
    screenshot("public-register-check-impostor")


def test_checking_nothing_shows_the_error_summary(live_server, page, screenshot):
    page.goto(f"{live_server.url}/register/check/?q=")

    assert "Enter a handle or web address to check" in page.locator(".govuk-error-summary").inner_text()
    screenshot("public-register-check-error")
