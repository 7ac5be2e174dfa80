"""Status changes (Communications only, with a reason) and the account's history."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from accounts_register import services
from accounts_register.models import (
    AccessEndReason,
    AccessRole,
    AccountStatus,
    AuthorisedUser,
    SocialMediaAccount,
)

pytestmark = pytest.mark.django_db


def test_communications_suspends_an_account_with_a_reason_and_it_is_logged(account, comms):
    services.account_change_status(account=account, transition="suspend", by=comms, reason="Hacked")

    account.refresh_from_db()
    assert account.status == AccountStatus.SUSPENDED
    from django_fsm_log.models import StateLog

    log = StateLog.objects.for_(account).get()
    assert (log.by, log.source_state, log.state, log.description) == (comms, "active", "suspended", "Hacked")


def test_a_status_change_without_a_reason_is_refused(account, comms):
    with pytest.raises(ValidationError, match="Enter the reason"):
        services.account_change_status(account=account, transition="suspend", by=comms, reason="  ")
    account.refresh_from_db()
    assert account.status == AccountStatus.ACTIVE


@pytest.mark.parametrize("persona", ["officer", "manager", "director"])
def test_anyone_but_communications_is_refused(request, account, persona):
    with pytest.raises(PermissionDenied):
        services.account_change_status(
            account=account, transition="suspend", by=request.getfixturevalue(persona), reason="No"
        )
    account.refresh_from_db()
    assert account.status == AccountStatus.ACTIVE


def test_a_move_the_status_does_not_allow_is_refused(account, comms):
    with pytest.raises(ValidationError, match="cannot be changed that way"):
        services.account_change_status(account=account, transition="archive", by=comms, reason="Too soon")


def test_a_stale_copy_loses_to_the_first_change(account, comms):
    stale = SocialMediaAccount.objects.get(pk=account.pk)
    services.account_change_status(account=account, transition="suspend", by=comms, reason="First")
    with pytest.raises(services.StaleAccount):
        services.account_change_status(account=stale, transition="suspend", by=comms, reason="Second")


def test_the_state_field_cannot_be_assigned(account):
    with pytest.raises(AttributeError):
        account.status = AccountStatus.CLOSED


def test_the_account_page_shows_the_status_history_and_field_changes(client, account, comms):
    client.force_login(comms)
    client.post(f"/accounts/{account.pk}/status/", {"transition": "suspend", "reason": "Compromised"})
    data = {
        "platform": "x",
        "handle": account.handle,
        "url": account.url,
        "display_name": "Countryside Rangers",
        "service": account.service_id,
        "kind": "departmental",
        "admin_mailbox": "socialmedia@cannockchasedc.gov.uk",
        "admin_mailbox_is_shared": "on",
    }
    assert client.post(f"/accounts/{account.pk}/edit/", data).status_code == 302

    page = client.get(f"/accounts/{account.pk}/").content.decode()
    assert "Active → Suspended" in page and "Reason: Compromised" in page
    assert "“Countryside Service” → “Countryside Rangers”" in page


def test_the_admin_cannot_delete_an_account_or_revert_its_history(admin_client, account):
    assert (
        admin_client.post(f"/admin/accounts_register/socialmediaaccount/{account.pk}/delete/").status_code
        == 403
    )
    history_id = account.history.first().history_id
    response = admin_client.get(
        f"/admin/accounts_register/socialmediaaccount/{account.pk}/history/{history_id}/"
    )
    assert response.status_code == 403
    assert SocialMediaAccount.objects.filter(pk=account.pk).exists()


# --- A long reason is kept whole in the history (it was a 500 past 100 characters) ----------------
def test_a_status_change_with_the_longest_reason_is_saved_with_it_whole(client, account, comms):
    reason = "The password may have been seen by a contractor. " * 20  # 1,000 characters, the form's limit
    client.force_login(comms)
    response = client.post(
        reverse("account-status", args=[account.pk]), {"transition": "suspend", "reason": reason.strip()}
    )
    assert response.status_code == 302
    account.refresh_from_db()
    assert account.status == AccountStatus.SUSPENDED
    assert account.history.latest("history_id").history_change_reason == f"Suspend: {reason.strip()}"


def test_ending_access_with_the_longest_note_keeps_the_note_whole_in_the_history(
    client, account, officer, comms
):
    access = AuthorisedUser.objects.create(
        account=account, person=officer, role=AccessRole.EDITOR, granted_by=comms, granted_at=timezone.now()
    )
    note = "n" * 300  # the form's limit
    client.force_login(comms)
    response = client.post(
        reverse("access-end", args=[account.pk, access.pk]), {"reason": AccessEndReason.REVOKED, "note": note}
    )
    assert response.status_code == 302
    assert access.history.latest("history_id").history_change_reason == f"Revoked. {note}"
