"""Every state shows the person looking at it what happens next (issue 11, defect 10), and an
accepted risk assessment is never a manual step."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone
from django_fsm_log.models import StateLog

from business_cases import services
from business_cases.models import BusinessCase, CaseStatus

from .conftest import accept_risk_assessment_for

pytestmark = pytest.mark.django_db


def detail_page(client, user, case) -> str:
    client.force_login(user)
    return client.get(reverse("business-case-detail", args=[case.pk])).content.decode()


def next_step(page: str) -> str:
    start = page.index('id="next-step"')
    return page[start : page.index("</div>", start)]


@pytest.mark.parametrize("status", [s for s, _label in CaseStatus.choices])
@pytest.mark.parametrize("role", ["author", "manager", "director", "comms"])
def test_every_state_shows_a_next_step_to_everyone_who_can_see_it(client, make_case, roles, status, role):
    case = make_case(status)
    step = next_step(detail_page(client, roles[role], case))
    assert len(step.split(">", 1)[1].strip()) > 20


@pytest.mark.parametrize("role", ["author", "manager"])
def test_an_approved_case_offers_its_service_to_start_the_risk_assessment(client, make_case, roles, role):
    case = make_case("approved")
    step = next_step(detail_page(client, roles[role], case))
    assert "Start the risk assessment" in step
    assert f'action="{reverse("risk-assessment-start")}"' in step
    assert f'name="business_case" value="{case.pk}"' in step


def test_the_service_can_start_the_risk_assessment_from_the_case(client, make_case, officer):
    case = make_case("approved")
    client.force_login(officer)
    client.post(reverse("risk-assessment-start"), {"business_case": case.pk})
    page = detail_page(client, officer, case)
    assert "Start the risk assessment" not in next_step(page)
    assert reverse("risk-assessment-detail", args=[case.risk_assessments.get().pk]) in next_step(page)


def test_an_approved_case_tells_communications_the_service_writes_the_risk_assessment(
    client, make_case, comms
):
    step = next_step(detail_page(client, comms, make_case("approved")))
    assert "risk assessment" in step


def test_recording_the_risk_assessment_is_not_a_manual_step(client, make_case, comms, officer):
    case = make_case("approved")
    accept_risk_assessment_for(case, comms)
    page = detail_page(client, comms, case)
    assert "Record that the risk assessment is accepted" not in page
    assert reverse("business-case-action", args=[case.pk, "go_live"]) in page

    response = client.post(
        reverse("business-case-action", args=[case.pk, "go_live"]),
        {
            "expected_status": "approved",
            "admin_mailbox": "countryside@cannockchasedc.gov.uk",
            "comms_has_admin_access": "on",
        },
    )
    assert response.status_code == 302
    assert BusinessCase.objects.get(pk=case.pk).status == "live"
    states = list(StateLog.objects.for_(case).order_by("pk").values_list("state", flat=True))
    assert states[-2:] == ["risk_assessment_accepted", "live"]


def test_the_risk_assessment_cannot_be_recorded_by_hand(make_case, comms):
    case = make_case("approved")
    accept_risk_assessment_for(case, comms)
    assert "accept_risk_assessment" not in services.TRANSITION_SERVICES


def test_without_an_accepted_risk_assessment_the_case_does_not_go_live(make_case, comms):
    case = make_case("approved")
    with pytest.raises(services.ConditionsNotMet, match="no accepted risk assessment"):
        services.business_case_go_live(
            case=case,
            by=comms,
            now=timezone.now(),
            admin_mailbox="countryside@cannockchasedc.gov.uk",
            comms_has_admin_access=True,
        )
    assert BusinessCase.objects.get(pk=case.pk).status == "approved"
