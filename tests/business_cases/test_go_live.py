"""Going live: one account on the register, active and linked; the Director and the Chairman told once."""

from __future__ import annotations

import pytest
from django.utils import timezone

from accounts_register.models import SocialMediaAccount
from business_cases import services
from business_cases.models import BusinessCase
from councilsocial.notifications.models import Notification

from .conftest import accept_risk_assessment_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def ready_case(make_case, comms):
    """A case whose risk assessment is accepted, as the step before going live requires (000 §6e)."""
    case = make_case("risk_assessment_accepted")
    accept_risk_assessment_for(case, comms)
    return case


def go_live(case, comms):
    return services.business_case_go_live(
        case=case,
        by=comms,
        now=timezone.now(),
        admin_mailbox="countryside@cannockchasedc.gov.uk",
        comms_has_admin_access=True,
        expected_status="risk_assessment_accepted",
    )


def test_going_live_puts_an_active_account_on_the_register_linked_to_the_case(ready_case, comms):
    case = go_live(ready_case, comms)
    account = SocialMediaAccount.objects.get()
    assert case.account == account
    assert (account.status, account.platform, account.handle, account.service) == (
        "active",
        ready_case.platform,
        ready_case.handle,
        ready_case.service,
    )
    assert account.comms_has_admin_access and account.admin_mailbox == "countryside@cannockchasedc.gov.uk"
    assert account in SocialMediaAccount.objects.public()


def test_going_live_tells_the_director_and_the_committee_chairman(ready_case, comms, director):
    go_live(ready_case, comms)
    recipients = sorted(
        Notification.objects.filter(dedupe_key__contains=":live:").values_list("to", flat=True)
    )
    assert recipients == sorted([director.email, ready_case.service.committee.chairman_email])


def test_a_repeated_go_live_request_creates_nothing_more(ready_case, comms):
    go_live(ready_case, comms)
    with pytest.raises(services.AlreadyDecided):
        go_live(ready_case, comms)
    with pytest.raises(services.NotAllowed):
        services.business_case_go_live(case=ready_case, by=comms, now=timezone.now())
    assert SocialMediaAccount.objects.count() == 1
    assert Notification.objects.filter(dedupe_key__contains=":live:").count() == 2
    assert BusinessCase.objects.get(pk=ready_case.pk).status == "live"


def test_a_failed_go_live_leaves_no_account_and_no_email(ready_case, comms):
    with pytest.raises(services.ConditionsNotMet):
        services.business_case_go_live(case=ready_case, by=comms, now=timezone.now(), admin_mailbox="")
    assert SocialMediaAccount.objects.count() == 0
    assert not Notification.objects.filter(dedupe_key__contains=":live:").exists()
