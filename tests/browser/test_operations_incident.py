"""An officer reports a hacked account and works through its checklist; the register records the new
password date (004 Do 3). Screenshot in var/screenshots/incident-compromised.png."""

from __future__ import annotations

import pytest

from councilsocial.notifications.models import Notification
from operations.models import Incident
from tests.factories import AccountFactory, ServiceFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_officer_reports_a_compromised_account(live_server, page, officer, screenshot):
    service = ServiceFactory(name="Countryside Service", officers=[officer])
    account = AccountFactory(service=service, handle="chasecountryside")

    page.goto(f"{live_server.url}/sign-in/")
    page.get_by_label("Username").fill("officer")
    page.get_by_label("Password").fill("correct horse battery staple")
    page.get_by_role("button", name="Sign in").click()
    page.goto(f"{live_server.url}/operations/incidents/new/")
    page.get_by_label("A compromised (hacked) account").check()
    page.get_by_label("Account", exact=True).select_option(str(account.pk))
    page.get_by_label("High").check()
    page.get_by_label("Tell us what happened").fill("Spam links were posted overnight from our account.")
    page.get_by_role("button", name="Report the incident").click()

    assert "Communications has been told" in page.locator(".govuk-notification-banner").inner_text()
    step = page.locator('[data-step="change_password"]')
    step.get_by_role("button", name="Mark as done").click()
    assert "Done" in page.locator('[data-step="change_password"]').inner_text()
    screenshot("incident-compromised")

    account.refresh_from_db()
    incident = Incident.objects.get()
    assert account.password_changed_on is not None
    assert Notification.objects.filter(dedupe_key=f"incident:{incident.pk}:comms").exists()
