"""The risk assessment page does not offer a decision its viewer may not make, and says why (review).

Found in review: Communications' approver of a business case saw "Accept the assessment" on the
case's risk assessment; pressing it showed "Your role does not allow this. If you think it should,
contact the Communications team" to a member of Communications, and the reason (segregation of
duties, issue 11 defect 7b) was lost.
"""

from __future__ import annotations

import pytest
from django.utils import timezone

from business_cases import services as case_services
from risk_assessments.models import RiskAssessment
from tests.factories import BusinessCaseFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def approved_case_assessment(service, officer, comms):
    case = BusinessCaseFactory(
        status="awaiting_comms", service=service, author=officer, state_entered_at=timezone.now()
    )
    case_services.business_case_approve(case=case, by=comms, now=timezone.now())
    return RiskAssessment.objects.create(
        business_case=case, status="submitted", created_by=case.author, created_at=timezone.now()
    )


def test_the_approver_is_not_offered_the_decision_and_is_told_why(client, comms, approved_case_assessment):
    client.force_login(comms)

    page = client.get(f"/risk-assessments/{approved_case_assessment.pk}/").content.decode()

    assert f"/risk-assessments/{approved_case_assessment.pk}/accept/" not in page
    assert "someone else must" in page


def test_the_approver_pressing_accept_is_told_why_and_nothing_changes(
    client, comms, approved_case_assessment
):
    client.force_login(comms)

    response = client.post(f"/risk-assessments/{approved_case_assessment.pk}/accept/", {}, follow=True)

    page = response.content.decode()
    assert "Your role does not allow this" not in page
    assert "someone else must" in page
    assert RiskAssessment.objects.get(pk=approved_case_assessment.pk).status == "submitted"
