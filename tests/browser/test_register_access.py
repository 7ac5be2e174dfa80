"""Communications suspends one person's access to an account, with the reason, then restores it
(003 D2.3), through the register's pages alone."""

import pytest
from django.utils import timezone

from accounts_register.models import AccessRole, AccessStatus, AuthorisedUser
from accounts_register.platforms import Platform
from tests.browser.conftest import describe, sign_in_page
from tests.factories import AccountFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_communications_suspends_and_restores_someones_access(
    live_server, page, screenshot, axe, comms, service
):
    account = AccountFactory(
        platform=Platform.X,
        handle="CCDCCountryside",
        url="https://x.com/CCDCCountryside",
        display_name="Countryside Service",
        service=service,
    )
    person = UserFactory(username="ali", first_name="Ali", last_name="Khan")
    access = AuthorisedUser.objects.create(
        account=account, person=person, role=AccessRole.EDITOR, granted_by=comms, granted_at=timezone.now()
    )
    sign_in_page(page, live_server.url, "comms", "correct horse battery staple")

    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Register").click()
    page.get_by_role("link", name="@CCDCCountryside").click()
    page.get_by_role("link", name="Suspend access for Ali Khan").click()
    page.get_by_role("button", name="Suspend access").click()  # no reason yet: the form says so
    assert "Enter why the access is being suspended" in page.locator(".govuk-error-summary").inner_text()
    violations = axe()
    assert not violations, describe(violations)
    page.get_by_label("Why is access being suspended?").fill("Laptop reported stolen")
    page.get_by_role("button", name="Suspend access").click()

    assert "Ali Khan's access has been suspended" in page.locator(".govuk-notification-banner").inner_text()
    row = page.get_by_role("row").filter(has_text="Ali Khan")
    assert "Suspended" in row.locator(".govuk-tag").inner_text()
    assert "Laptop reported stolen" in row.inner_text()
    screenshot("access-suspended")
    violations = axe()
    assert not violations, describe(violations)
    assert AuthorisedUser.objects.get(pk=access.pk).status == AccessStatus.SUSPENDED

    row.get_by_role("link", name="Restore access for Ali Khan").click()
    assert "Laptop reported stolen" in page.locator("main").inner_text()
    violations = axe()
    assert not violations, describe(violations)
    page.get_by_role("button", name="Restore access").click()

    assert "Ali Khan's access has been restored" in page.locator(".govuk-notification-banner").inner_text()
    row = page.get_by_role("row").filter(has_text="Ali Khan")
    assert "Current" in row.locator(".govuk-tag").inner_text()
    assert row.get_by_role("link", name="Suspend access for Ali Khan").is_visible()
    restored = AuthorisedUser.objects.get(pk=access.pk)
    assert (restored.status, restored.suspended_at, restored.suspension_reason) == (
        AccessStatus.CURRENT,
        None,
        "",
    )
