"""Going live cannot put another account's address on the register (issue 11 item 5)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from accounts_register.models import SocialMediaAccount
from accounts_register.platforms import Platform

pytestmark = pytest.mark.django_db


@pytest.fixture
def ready_case(make_case):
    return make_case("risk_assessment_accepted", platform=Platform.X, handle="mismatch_a")


def _go_live(client, case, url):
    return client.post(
        reverse("business-case-action", args=[case.pk, "go_live"]),
        {
            "url": url,
            "admin_mailbox": "countryside@cannockchasedc.gov.uk",
            "comms_has_admin_access": "on",
            "expected_status": "risk_assessment_accepted",
        },
    )


def test_going_live_refuses_an_address_for_another_handle(client, comms, ready_case):
    client.force_login(comms)

    response = _go_live(client, ready_case, "https://x.com/someone_else")

    assert response.status_code == 200
    assert response.context["form"].errors["url"] == ["The address is for @someone_else, not @mismatch_a"]
    assert not SocialMediaAccount.objects.exists()


def test_going_live_accepts_the_accounts_own_address(client, comms, ready_case):
    client.force_login(comms)

    response = _go_live(client, ready_case, "https://twitter.com/Mismatch_A/")

    assert "url" not in (response.context["form"].errors if response.status_code == 200 else {})
