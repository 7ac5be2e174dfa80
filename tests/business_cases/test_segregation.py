"""Segregation of duties (issue 11, defect 7b): whoever acted at one approval stage of a case — or
wrote it — cannot act at another stage of the same case, whatever route they take (000 §6, 001 §19).

The rule is the business-case services'; these tests try it through the services, the case pages,
the Director's emailed link and the Django admin.
"""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from business_cases import services
from business_cases.models import BusinessCase
from tests.factories import UserFactory

from .conftest import accept_risk_assessment_for
from .helpers import also_communications, emailed_link_path

pytestmark = pytest.mark.django_db

ROUTES = ["service", "page", "link", "admin"]


def now():
    return timezone.now()


@pytest.fixture
def director_who_advised(make_case, director, officer):
    """The Director is in Communications too, and gave the case its advice."""
    also_communications(director)
    case = make_case("advice_requested")
    services.business_case_advise(case=case, by=director, comment="Fine by Communications.", now=now())
    services.business_case_send_to_director(case=case, by=officer, now=now())
    return case


def approve_as_director(route, case, director, client):
    """Try the Director's approval by one route; return what the person was told (or raise)."""
    if route == "service":
        services.business_case_approve(case=case, by=director, now=now())
        return ""
    if route == "link":
        return client.post(emailed_link_path(case), {"decision": "approve", "comment": ""}).content.decode()
    client.force_login(director)
    if route == "page":
        url = reverse("business-case-action", args=[case.pk, "approve"])
        return client.post(url, {"comment": "", "expected_status": "awaiting_director"}).content.decode()
    response = client.post(
        reverse("admin:business_cases_businesscase_changelist"),
        {"action": "transition_approve", "_selected_action": [case.pk]},
        follow=True,
    )
    return response.content.decode()


@pytest.mark.parametrize("route", ROUTES)
def test_the_director_who_gave_the_advice_cannot_also_decide(client, director_who_advised, director, route):
    if route == "service":
        with pytest.raises(services.NotAllowed, match="advice"):
            approve_as_director(route, director_who_advised, director, client)
    else:
        told = approve_as_director(route, director_who_advised, director, client)
        assert "someone else must" in told
    assert BusinessCase.objects.get(pk=director_who_advised.pk).status == "awaiting_director"


@pytest.fixture
def case_the_director_approved(make_case, director):
    """The Director is in Communications too, and approved the case as Director."""
    also_communications(director)
    case = make_case("awaiting_director")
    services.business_case_approve(case=case, by=director, now=now())
    return case


def test_the_director_cannot_approve_again_for_communications(case_the_director_approved, director):
    with pytest.raises(services.NotAllowed, match="someone else must"):
        services.business_case_approve(case=case_the_director_approved, by=director, now=now())
    assert BusinessCase.objects.get(pk=case_the_director_approved.pk).status == "awaiting_comms"


def test_another_communications_officer_can_approve(case_the_director_approved, comms):
    services.business_case_approve(case=case_the_director_approved, by=comms, now=now())
    assert BusinessCase.objects.get(pk=case_the_director_approved.pk).status == "approved"


def test_the_page_does_not_offer_a_second_stage_to_the_same_person(
    client, case_the_director_approved, director
):
    client.force_login(director)
    page = client.get(reverse("business-case-detail", args=[case_the_director_approved.pk])).content.decode()
    assert reverse("business-case-action", args=[case_the_director_approved.pk, "approve"]) not in page


@pytest.mark.parametrize("route", ["service", "admin"])
def test_communications_who_advised_cannot_approve_for_communications(
    client, make_case, comms, director, route
):
    case = make_case("advice_requested")
    services.business_case_advise(case=case, by=comms, comment="Post weekly.", now=now())
    case = BusinessCase.objects.get(pk=case.pk)
    services.business_case_send_to_director(case=case, by=case.author, now=now())
    services.business_case_approve(case=case, by=director, now=now())
    if route == "service":
        with pytest.raises(services.NotAllowed, match="someone else must"):
            services.business_case_approve(case=case, by=comms, now=now())
    else:
        client.force_login(comms)
        client.post(
            reverse("admin:business_cases_businesscase_changelist"),
            {"action": "transition_approve", "_selected_action": [case.pk]},
        )
    assert BusinessCase.objects.get(pk=case.pk).status == "awaiting_comms"


def test_the_author_cannot_advise_on_their_own_case(make_case, officer):
    also_communications(officer)
    case = make_case("advice_requested")
    with pytest.raises(services.NotAllowed, match="You wrote this case"):
        services.business_case_advise(case=case, by=officer, comment="Looks good to me.", now=now())
    assert BusinessCase.objects.get(pk=case.pk).status == "advice_requested"


def test_whoever_approved_for_communications_cannot_accept_the_cases_risk_assessment(make_case, comms):
    from risk_assessments.models import RiskAssessment

    case = make_case("awaiting_comms")
    services.business_case_approve(case=case, by=comms, now=now())
    assessment = RiskAssessment.objects.create(
        business_case=case, status="submitted", created_by=case.author, created_at=now()
    )

    from django.core.exceptions import PermissionDenied

    from risk_assessments.services import risk_assessment_accept

    with pytest.raises(PermissionDenied, match="someone else must"):
        risk_assessment_accept(assessment=assessment, by=comms, now=now())
    assert RiskAssessment.objects.get(pk=assessment.pk).status == "submitted"


def test_a_case_whose_risk_assessment_was_accepted_by_a_decider_does_not_go_live(make_case, comms):
    case = make_case("awaiting_comms")
    services.business_case_approve(case=case, by=comms, now=now())
    accept_risk_assessment_for(case, comms).__class__.objects.filter(business_case=case).update(
        decided_by=comms
    )
    other = UserFactory(username="comms-two", groups=["Communications"])
    with pytest.raises(services.ConditionsNotMet, match="accepted by someone who also"):
        services.business_case_go_live(
            case=case,
            by=other,
            now=now(),
            admin_mailbox="countryside@cannockchasedc.gov.uk",
            comms_has_admin_access=True,
        )
    assert BusinessCase.objects.get(pk=case.pk).status == "approved"


# --- The rule, every pair of stages (the safeguard) ---------------------------------------
STAGES = ["advice", "director", "comms", "risk_assessment"]
STATE_OF_STAGE = {"advice": "advice_requested", "director": "awaiting_director", "comms": "awaiting_comms"}


def act_at(stage, case, person):
    """Act at one stage of the case through its service, putting the case where that stage happens."""
    from risk_assessments.models import RiskAssessment
    from risk_assessments.services import risk_assessment_accept

    if stage == "risk_assessment":
        assessment = RiskAssessment.objects.create(
            business_case=case, status="submitted", created_by=case.author, created_at=now()
        )
        return risk_assessment_accept(assessment=assessment, by=person, now=now())
    BusinessCase.objects.filter(pk=case.pk).update(status=STATE_OF_STAGE[stage])  # wherever the case was
    case = BusinessCase.objects.get(pk=case.pk)
    if stage == "advice":
        return services.business_case_advise(case=case, by=person, comment="Advice.", now=now())
    return services.business_case_approve(case=case, by=person, now=now())


@pytest.mark.parametrize(
    ("first", "second"), [(a, b) for a in STAGES for b in STAGES if a != b], ids=lambda stage: stage
)
def test_one_person_acts_at_only_one_stage_of_a_case(make_case, director, first, second):
    """The directorate's Corporate Director is in Communications too, so holds every stage's role."""
    from django.core.exceptions import PermissionDenied

    person = also_communications(director)
    case = make_case("draft")
    act_at(first, case, person)
    with pytest.raises((services.NotAllowed, PermissionDenied), match="someone else must"):
        act_at(second, case, person)


@pytest.mark.parametrize("stage", STAGES)
def test_the_author_acts_at_no_stage_of_their_own_case(make_case, director, stage):
    from django.core.exceptions import PermissionDenied

    also_communications(director)
    case = make_case("draft", author=director)
    with pytest.raises((services.NotAllowed, PermissionDenied), match="You wrote this case"):
        act_at(stage, case, director)


def test_the_director_who_gave_the_advice_is_told_why_they_cannot_decide(
    client, director_who_advised, director
):
    client.force_login(director)
    page = client.get(reverse("business-case-detail", args=[director_who_advised.pk])).content.decode()
    step = page[page.index('id="next-step"') :]
    assert "cannot also decide it as Corporate Director" in step[: step.index("</div>")]
