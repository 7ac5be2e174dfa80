"""A business case waits for an accepted assessment (000 §6e), which moves to the account at go-live."""

from __future__ import annotations

import pytest
from django_fsm import can_proceed

from accounts_register.models import AccountKind
from accounts_register.platforms import Platform
from business_cases.models import BusinessCase, CaseStatus
from business_cases.services import business_case_create
from risk_assessments import services
from risk_assessments.models import RiskAssessment
from risk_assessments.selectors import has_accepted_assessment

from .helpers import NOW, score_all


@pytest.fixture
def approved_case(service, officer):
    case = business_case_create(
        service=service,
        author=officer,
        title="Countryside Rangers",
        platform=Platform.INSTAGRAM,
        handle="ccdc_rangers",
        kind=AccountKind.DEPARTMENTAL,
        now=NOW,
    )
    BusinessCase.objects.filter(pk=case.pk).update(
        status=CaseStatus.APPROVED
    )  # its own workflow is tested there
    case.refresh_from_db()
    return case


@pytest.fixture
def case_assessment(approved_case, officer):
    return services.risk_assessment_start(business_case=approved_case, by=officer, now=NOW)


def _accept(assessment, officer, comms):
    score_all(assessment, officer)
    services.risk_assessment_submit(assessment=assessment, by=officer, now=NOW)
    services.risk_assessment_accept(assessment=assessment, by=comms, now=NOW)


def test_case_cannot_reach_risk_assessment_accepted_while_its_assessment_is_open(
    approved_case, case_assessment
):
    assert not has_accepted_assessment(approved_case)
    assert not can_proceed(approved_case.accept_risk_assessment)


def test_case_can_reach_risk_assessment_accepted_once_communications_accept(
    approved_case, case_assessment, officer, comms
):
    _accept(case_assessment, officer, comms)
    assert has_accepted_assessment(approved_case)
    assert can_proceed(approved_case.accept_risk_assessment)


def test_other_service_cannot_write_the_cases_assessment(approved_case, other_service):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.risk_assessment_start(business_case=approved_case, by=other_service.officers.get(), now=NOW)


def test_going_live_moves_the_cases_assessments_to_the_account(approved_case, case_assessment, account):
    moved = services.risk_assessment_attach_to_account(business_case=approved_case, account=account)
    assert moved == 1
    case_assessment.refresh_from_db()
    assert (case_assessment.account, case_assessment.business_case) == (account, approved_case)
    assert list(RiskAssessment.objects.filter(account=account)) == [case_assessment]


def test_service_starts_the_assessment_of_its_approved_case_from_the_list(client, approved_case, officer):
    from django.urls import reverse

    client.force_login(officer)
    listed = client.get(reverse("risk-assessment-list"))
    assert list(listed.context["waiting_cases"]) == [approved_case]
    response = client.post(reverse("risk-assessment-start"), {"business_case": approved_case.pk})
    assessment = approved_case.risk_assessments.get()
    assert response.url == reverse("risk-assessment-detail", args=[assessment.pk])
    assert assessment.items.count() == 9


def test_another_service_cannot_start_the_cases_assessment_from_the_page(
    client, approved_case, other_service
):
    from django.urls import reverse

    client.force_login(other_service.officers.get())
    response = client.post(reverse("risk-assessment-start"), {"business_case": approved_case.pk})
    assert response.status_code == 404
    assert not approved_case.risk_assessments.exists()
