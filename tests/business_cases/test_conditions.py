"""The conditions: every answer before submitting, an accepted risk assessment, joint admin before live."""

from __future__ import annotations

import pytest
from django.utils import timezone
from django_fsm_log.models import StateLog

from business_cases import services
from business_cases.models import BusinessCase
from tests.factories import AccountFactory

from .conftest import accept_risk_assessment_for

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("source", ["draft", "changes_requested"])
def test_submitting_with_a_missing_answer_is_refused_and_names_it(make_case, officer, source):
    case = make_case(source, exit_strategy="")
    with pytest.raises(services.ConditionsNotMet) as refused:
        services.business_case_submit(case=case, by=officer, now=timezone.now())
    assert "Exit strategy" in refused.value.message
    assert BusinessCase.objects.get(pk=case.pk).status == source


def test_submitting_with_every_answer_succeeds(make_case, officer):
    case = make_case("draft")
    assert (
        services.business_case_submit(case=case, by=officer, now=timezone.now()).status == "advice_requested"
    )


SET_UP = {"admin_mailbox": "countryside@cannockchasedc.gov.uk", "comms_has_admin_access": True}


def test_going_live_without_an_accepted_risk_assessment_is_refused(make_case, comms):
    case = make_case("approved")
    with pytest.raises(services.ConditionsNotMet, match="no accepted risk assessment"):
        services.business_case_go_live(case=case, by=comms, now=timezone.now(), **SET_UP)
    assert BusinessCase.objects.get(pk=case.pk).status == "approved"


def test_a_risk_assessment_that_is_not_accepted_does_not_count(make_case, comms):
    case = make_case("approved")
    assessment = accept_risk_assessment_for(case, comms)
    type(assessment).objects.filter(pk=assessment.pk).update(status="submitted")
    assert services.has_accepted_risk_assessment(case) is False


def test_going_live_with_an_accepted_risk_assessment_records_it_first(make_case, comms):
    case = make_case("approved")
    accept_risk_assessment_for(case, comms)
    assert services.has_accepted_risk_assessment(case) is True
    result = services.business_case_go_live(case=case, by=comms, now=timezone.now(), **SET_UP)
    assert result.status == "live"
    assert StateLog.objects.for_(case).filter(state="risk_assessment_accepted", by=None).exists()


@pytest.mark.parametrize(
    ("mailbox", "joint_admin"),
    [("", True), ("countryside@cannockchasedc.gov.uk", False), ("", False)],
    ids=["no-mailbox", "no-joint-admin", "neither"],
)
def test_going_live_without_joint_admin_and_a_mailbox_is_refused(make_case, comms, mailbox, joint_admin):
    case = make_case("risk_assessment_accepted")
    with pytest.raises(services.ConditionsNotMet, match="admin access"):
        services.business_case_go_live(
            case=case, by=comms, now=timezone.now(), admin_mailbox=mailbox, comms_has_admin_access=joint_admin
        )
    case.refresh_from_db()
    assert (case.status, case.account_id, case.admin_mailbox) == ("risk_assessment_accepted", None, "")


def test_going_live_with_a_handle_already_on_the_register_is_refused(make_case, comms, service):
    case = make_case(
        "risk_assessment_accepted", admin_mailbox="a@cannockchasedc.gov.uk", comms_has_admin_access=True
    )
    AccountFactory(platform=case.platform, handle=case.handle.upper(), service=service)
    with pytest.raises(services.ConditionsNotMet, match="already on the register"):
        services.business_case_go_live(case=case, by=comms, now=timezone.now())
    assert BusinessCase.objects.get(pk=case.pk).status == "risk_assessment_accepted"
