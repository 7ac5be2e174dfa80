"""A compromised-account checklist never records a password in the register (004 Do 3; review).

Found in review: the register refuses a pasted password in its own forms, but the incident
checklist wrote "Who holds the recovery details?" straight into the account's recovery contact,
so "password: hunter2" ended up in the register; the step's note kept one too.
"""

from __future__ import annotations

import pytest
from django.utils import timezone

from operations import services as ops
from operations.models import IncidentAction, IncidentKind, Severity

pytestmark = pytest.mark.django_db


@pytest.fixture
def incident(officer, account):
    return ops.incident_report(
        by=officer,
        kind=IncidentKind.COMPROMISED,
        severity=Severity.HIGH,
        account=account,
        what_happened="Someone else signed in.",
        now=timezone.now(),
    )


def test_a_password_typed_as_the_recovery_contact_is_refused(client, officer, account, incident):
    client.force_login(officer)

    response = client.post(
        f"/operations/incidents/{incident.pk}/steps/check_mfa_recovery/",
        {"mfa_enabled": "yes", "recovery_contact": "password: hunter2", "note": ""},
        follow=True,
    )

    account.refresh_from_db()
    assert "hunter2" not in account.recovery_contact
    assert not IncidentAction.objects.filter(incident=incident).exists()
    assert "looks like a password" in response.content.decode()


def test_a_password_in_a_steps_note_is_refused(client, officer, account, incident):
    client.force_login(officer)

    client.post(
        f"/operations/incidents/{incident.pk}/steps/change_password/",
        {"password_changed_on": "27/11/2026", "note": "new password is Tr0ub4dor&3"},
    )

    assert not IncidentAction.objects.filter(note__icontains="Tr0ub4dor").exists()


def test_the_register_service_refuses_a_password_as_the_recovery_contact(officer, account, incident):
    with pytest.raises(ops.OperationRefused):
        ops.incident_step_done(
            incident=incident,
            step="check_mfa_recovery",
            by=officer,
            now=timezone.now(),
            mfa_enabled=True,
            recovery_contact="pwd=hunter2",
        )
    account.refresh_from_db()
    assert "hunter2" not in account.recovery_contact


def test_a_real_recovery_contact_is_still_recorded(client, officer, account, incident):
    client.force_login(officer)

    client.post(
        f"/operations/incidents/{incident.pk}/steps/check_mfa_recovery/",
        {"mfa_enabled": "yes", "recovery_contact": "socialmedia@cannockchasedc.gov.uk"},
    )

    account.refresh_from_db()
    assert account.recovery_contact == "socialmedia@cannockchasedc.gov.uk"
