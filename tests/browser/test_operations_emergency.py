"""Communications declares an emergency, an officer sees the banner and their access suspended,
Communications lifts it (003 D9). Screenshots in var/screenshots/emergency-*.png."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.utils import timezone

from accounts_register.models import AccessRole, AuthorisedUser
from councilsocial.permissions import COMMUNICATIONS
from tests.browser.conftest import sign_in_page
from tests.conftest import SCREENSHOTS
from tests.factories import AccountFactory, ServiceFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct horse battery staple"


@pytest.fixture
def people(live_server, officer):
    cache.clear()
    comms = UserFactory(username="comms", first_name="Chris", last_name="Comms", groups=[COMMUNICATIONS])
    service = ServiceFactory(name="Countryside Service", officers=[officer])
    account = AccountFactory(service=service, handle="chasecountryside", display_name="Chase Countryside")
    access = AuthorisedUser.objects.create(
        account=account,
        person=officer,
        role=AccessRole.OWNER,
        granted_by=comms,
        granted_at=timezone.now() - timedelta(days=5),
    )
    return {"comms": comms, "officer": officer, "account": account, "access": access}


def sign_in(page, base_url, username):
    sign_in_page(page, base_url, username, PASSWORD)


def test_communications_declares_and_lifts_an_emergency(live_server, page, browser, people, screenshot):
    base = live_server.url
    sign_in(page, base, "comms")
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Operations").click()
    page.get_by_role("link", name="Declare").click()
    page.get_by_role("link", name="Declare an emergency").click()
    page.get_by_label("What is the emergency?").fill("Flooding in Rugeley")
    page.get_by_label("Why are emergency procedures being invoked?").fill(
        "The county has declared a major incident."
    )
    page.get_by_label("Chris Comms").check()
    page.get_by_label("Holding message for account owners to post").fill(
        "We are responding to flooding in Rugeley. Please follow our main account for updates."
    )
    page.get_by_role("button", name="Declare the emergency").click()
    assert "Access suspended: 1." in page.locator(".govuk-notification-banner").inner_text()
    assert page.locator(".app-banner--emergency").is_visible()
    screenshot("emergency-declared-comms")

    officer_context = browser.new_context()
    officer_page = officer_context.new_page()
    sign_in(officer_page, base, "officer")
    banner = officer_page.locator(".app-banner--emergency")
    assert "Emergency procedures are in force: Flooding in Rugeley" in banner.inner_text()
    officer_page.get_by_role("link", name="What this means").click()
    assert "@chasecountryside" in officer_page.locator("#own-suspended").inner_text()
    people["access"].refresh_from_db()
    assert people["access"].suspended_at is not None
    officer_page.screenshot(path=str(SCREENSHOTS / "emergency-officer-suspended.png"), full_page=True)

    page.get_by_role("button", name="Lift the emergency").click()
    assert "Access restored: 1." in page.locator(".govuk-notification-banner").inner_text()
    assert page.locator(".app-banner--emergency").count() == 0
    screenshot("emergency-lifted-comms")

    officer_page.reload()
    assert officer_page.locator(".app-banner--emergency").count() == 0
    people["access"].refresh_from_db()
    assert people["access"].suspended_at is None
    officer_context.close()
