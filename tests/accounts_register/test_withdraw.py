"""A proposed account that will not go ahead is withdrawn: Communications only, with a reason,
logged like every status change (003 D2.4–2.5)."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django_fsm_log.models import StateLog

from accounts_register import services
from accounts_register.models import AccountStatus
from tests.factories import AccountFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def proposed(service):
    return AccountFactory(service=service, status=AccountStatus.PROPOSED)


def test_communications_withdraw_a_proposed_account_on_its_status_page(client, comms, proposed):
    client.force_login(comms)
    response = client.post(
        reverse("account-status", args=[proposed.pk]),
        {"transition": "withdraw", "reason": "The service chose the corporate account instead"},
    )
    assert response.status_code == 302
    proposed.refresh_from_db()
    assert proposed.status == AccountStatus.CLOSED
    log = StateLog.objects.for_(proposed).get()
    assert (log.transition, log.by, log.description) == (
        "withdraw",
        comms,
        "The service chose the corporate account instead",
    )
    assert proposed.history.first().history_change_reason == (
        "Withdraw: The service chose the corporate account instead"
    )


def test_the_status_page_offers_withdrawing_only_a_proposed_account(client, comms, proposed, service):
    client.force_login(comms)
    assert 'value="withdraw"' in client.get(reverse("account-status", args=[proposed.pk])).content.decode()
    active = AccountFactory(service=service)
    assert 'value="withdraw"' not in client.get(reverse("account-status", args=[active.pk])).content.decode()


def test_withdrawing_needs_a_reason(client, comms, proposed):
    client.force_login(comms)
    response = client.post(
        reverse("account-status", args=[proposed.pk]), {"transition": "withdraw", "reason": ""}
    )
    assert response.status_code == 200
    assert "Enter the reason for the change" in response.content.decode()
    proposed.refresh_from_db()
    assert proposed.status == AccountStatus.PROPOSED


@pytest.mark.parametrize("persona", ["officer", "manager", "director"])
def test_only_communications_withdraw(request, proposed, persona):
    with pytest.raises(PermissionDenied):
        services.account_change_status(
            account=proposed,
            transition="withdraw",
            by=request.getfixturevalue(persona),
            reason="No longer wanted",
        )
    proposed.refresh_from_db()
    assert proposed.status == AccountStatus.PROPOSED


@pytest.mark.parametrize("persona", ["officer", "manager"])
def test_the_service_cannot_post_a_withdrawal(client, request, proposed, persona):
    client.force_login(request.getfixturevalue(persona))
    response = client.post(
        reverse("account-status", args=[proposed.pk]),
        {"transition": "withdraw", "reason": "No longer wanted"},
    )
    assert response.status_code in (403, 404)
    proposed.refresh_from_db()
    assert proposed.status == AccountStatus.PROPOSED


def test_an_active_account_is_closed_not_withdrawn(comms, service):
    active = AccountFactory(service=service)
    with pytest.raises(ValidationError, match="An active account cannot be changed that way"):
        services.account_change_status(account=active, transition="withdraw", by=comms, reason="No")
