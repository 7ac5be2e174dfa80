"""A write that clears a flag's condition resolves the flag when it commits (issue 11 item 17).

The scheduled checks still run, but people should not see a flag for something they have just put
right: the subject's own checks are reconciled after the write commits, for that subject only.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from accounts_register.checks import check_credentials_not_rotated
from accounts_register.models import SocialMediaAccount
from councilsocial.flags.models import FlagKind, GovernanceFlag
from monitoring import checks
from operations import services as ops
from operations.models import IncidentKind, Severity
from tests.factories import AccountFactory, EnquiryFactory

pytestmark = pytest.mark.django_db


def _open(kind, subject_id):
    return GovernanceFlag.objects.open().filter(kind=kind, subject_id=subject_id).exists()


@pytest.fixture
def stale_password_account(service):
    account = AccountFactory(service=service, password_changed_on=timezone.localdate() - timedelta(days=800))
    other = AccountFactory(service=service, password_changed_on=timezone.localdate() - timedelta(days=800))
    check_credentials_not_rotated(now=timezone.now())
    assert _open(FlagKind.CREDENTIALS_NOT_ROTATED, account.pk)
    return account, other


def test_a_password_changed_through_an_incident_resolves_its_flag_on_commit(
    client, officer, stale_password_account, django_capture_on_commit_callbacks
):
    account, other = stale_password_account
    incident = ops.incident_report(
        by=officer,
        kind=IncidentKind.COMPROMISED,
        severity=Severity.HIGH,
        account=account,
        what_happened="Odd posts overnight.",
        now=timezone.now(),
    )
    client.force_login(officer)
    today = timezone.localdate()

    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            f"/operations/incidents/{incident.pk}/steps/change_password/",
            {"password_changed_on": f"{today:%d/%m/%Y}"},
        )

    assert SocialMediaAccount.objects.get(pk=account.pk).password_changed_on == today
    assert not _open(FlagKind.CREDENTIALS_NOT_ROTATED, account.pk)
    # Only that account's checks ran: the other account's flag is untouched.
    assert _open(FlagKind.CREDENTIALS_NOT_ROTATED, other.pk)


def test_a_response_to_an_overdue_enquiry_resolves_its_flag_on_commit(
    client, officer, service, django_capture_on_commit_callbacks
):
    account = AccountFactory(service=service)
    late = EnquiryFactory(account=account, received_at=timezone.now() - timedelta(days=5))
    also_late = EnquiryFactory(account=account, received_at=timezone.now() - timedelta(days=5))
    checks.check_overdue_enquiries(now=timezone.now())
    assert _open(FlagKind.OVERDUE_ENQUIRY, late.pk)
    client.force_login(officer)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/inbox/{late.pk}/respond/", {"kind": "full"})

    late.refresh_from_db()
    assert late.status == "answered"
    assert not _open(FlagKind.OVERDUE_ENQUIRY, late.pk)
    assert _open(FlagKind.OVERDUE_ENQUIRY, also_late.pk)
