"""The pages: who may open and change what, clear errors, and a fixed number of queries."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from risk_assessments import services
from risk_assessments.categories import RiskCategory
from risk_assessments.models import RiskAssessmentStatus
from tests.factories import AccountFactory

from .helpers import NOW, score_all

READERS = {"officer", "manager", "director", "comms"}
WRITERS = {"officer", "manager"}
ROLES = ["officer", "manager", "director", "comms", "other-officer", "outsider"]


def _person(request, role):
    if role == "other-officer":
        return request.getfixturevalue("other_service").officers.get()
    return request.getfixturevalue(role)


def _expected(role, allowed, seen=READERS):
    if role in allowed:
        return 200
    return 403 if role in seen else 404


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("page", ["risk-assessment-detail", "risk-assessment-print"])
def test_reading_an_assessment(client, request, draft, role, page):
    client.force_login(_person(request, role))
    response = client.get(reverse(page, args=[draft.pk]))
    assert response.status_code == (200 if role in READERS else 404)


@pytest.mark.parametrize("role", ROLES)
def test_changing_a_risk(client, request, draft, role):
    client.force_login(_person(request, role))
    item = draft.items.first()
    response = client.get(reverse("risk-item-edit", args=[draft.pk, item.pk]))
    assert response.status_code == _expected(role, WRITERS)


def test_service_scores_a_risk(client, draft, officer):
    client.force_login(officer)
    item = draft.items.get(category=RiskCategory.REPUTATION)
    response = client.post(
        reverse("risk-item-edit", args=[draft.pk, item.pk]),
        {
            "category": item.category,
            "description": item.description,
            "likelihood": "4",
            "impact": "3",
            "mitigations": item.mitigations,
            "residual_likelihood": "2",
            "residual_impact": "3",
            "owner": "Countryside manager",
        },
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert (item.inherent_score, item.residual_score, item.owner) == (12, 6, "Countryside manager")


def test_residual_above_inherent_shows_the_message_on_the_form(client, draft, officer):
    client.force_login(officer)
    item = draft.items.first()
    response = client.post(
        reverse("risk-item-edit", args=[draft.pk, item.pk]),
        {
            "category": item.category,
            "description": "x",
            "likelihood": "1",
            "impact": "2",
            "residual_likelihood": "3",
            "residual_impact": "3",
        },
    )
    assert response.status_code == 200
    assert "cannot be higher than the score before mitigation" in response.content.decode()
    assert "govuk-error-summary" in response.content.decode()


def test_nonsense_scores_are_refused_clearly(client, draft, officer):
    client.force_login(officer)
    item = draft.items.first()
    response = client.post(
        reverse("risk-item-edit", args=[draft.pk, item.pk]),
        {"category": "nonsense", "description": "", "likelihood": "9"},
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert set(errors) == {"category", "description", "likelihood"}


def test_removing_a_risk_without_a_reason_asks_for_one(client, draft, officer):
    client.force_login(officer)
    item = draft.items.first()
    response = client.post(reverse("risk-item-remove", args=[draft.pk, item.pk]), {"reason": ""})
    assert "Enter why this risk does not apply" in response.content.decode()


def test_submitting_an_incomplete_assessment_says_why(client, draft, officer):
    client.force_login(officer)
    response = client.post(reverse("risk-assessment-submit", args=[draft.pk]), follow=True)
    assert "Give every risk a likelihood" in response.content.decode()


@pytest.mark.parametrize("role", ROLES)
def test_accepting(client, request, submitted, role):
    client.force_login(_person(request, role))
    response = client.post(reverse("risk-assessment-accept", args=[submitted.pk]))
    assert response.status_code == (302 if role == "comms" else 403 if role in READERS else 404)
    submitted.refresh_from_db()
    assert (submitted.status == RiskAssessmentStatus.ACCEPTED) == (role == "comms")


@pytest.mark.parametrize("role", ROLES)
def test_returning(client, request, submitted, role):
    client.force_login(_person(request, role))
    response = client.post(reverse("risk-assessment-return", args=[submitted.pk]), {"comment": "Redo R4."})
    assert response.status_code == (302 if role == "comms" else 403 if role in READERS else 404)
    submitted.refresh_from_db()
    assert (submitted.status == RiskAssessmentStatus.RETURNED) == (role == "comms")


def test_returning_without_a_comment_asks_for_one(client, submitted, comms):
    client.force_login(comms)
    response = client.post(reverse("risk-assessment-return", args=[submitted.pk]), {"comment": ""})
    assert "Enter what the service needs to change" in response.content.decode()
    submitted.refresh_from_db()
    assert submitted.status == RiskAssessmentStatus.SUBMITTED


def test_a_second_decision_is_told_the_assessment_moved_on(client, submitted, comms):
    client.force_login(comms)
    client.post(reverse("risk-assessment-accept", args=[submitted.pk]))
    response = client.post(
        reverse("risk-assessment-return", args=[submitted.pk]), {"comment": "No"}, follow=True
    )
    assert "moved on" in response.content.decode()


@pytest.mark.parametrize("role", ["officer", "director", "comms", "other-officer"])
def test_starting_an_assessment(client, request, account, role):
    client.force_login(_person(request, role))
    response = client.post(reverse("risk-assessment-start"), {"account": account.pk})
    assert response.status_code == (302 if role == "officer" else 404)
    assert account.risk_assessments.exists() == (role == "officer")


def test_comparison_page_lists_added_removed_and_changed(client, accepted, officer):
    review = services.risk_assessment_start_review(assessment=accepted, by=officer, now=NOW)
    services.risk_item_update(
        item=review.items.get(category=RiskCategory.REPUTATION), by=officer, owner="Head"
    )
    services.risk_item_remove(
        item=review.items.get(category=RiskCategory.LEGAL), by=officer, reason="Covered by Legal.", now=NOW
    )
    services.risk_item_add(assessment=review, by=officer, category=RiskCategory.OTHER, description="New.")
    client.force_login(officer)
    html = client.get(reverse("risk-assessment-compare", args=[review.pk])).content.decode()
    assert "1 added, 1 removed, 1 changed." in html
    assert 'data-change="removed"' in html and "Covered by Legal." in html


def test_versions_of_another_assessment_cannot_be_compared(client, accepted, officer, account, service):
    other = services.risk_assessment_start(account=AccountFactory(service=service), by=officer, now=NOW)
    client.force_login(officer)
    response = client.get(reverse("risk-assessment-compare", args=[accepted.pk]), {"with": other.pk})
    assert response.status_code == 404


def test_list_page_takes_a_fixed_number_of_queries(
    client, django_assert_max_num_queries, service, officer, comms
):
    for account in AccountFactory.create_batch(25, service=service):
        draft = services.risk_assessment_start(account=account, by=officer, now=NOW)
        score_all(draft, officer)
    AccountFactory.create_batch(5, service=service)
    client.force_login(officer)
    with django_assert_max_num_queries(10):
        response = client.get(reverse("risk-assessment-list"))
    assert len(response.context["page"].object_list) == 25
    assert len(response.context["unassessed"]) == 5


def test_list_page_hides_other_services_assessments(client, draft, other_service):
    client.force_login(other_service.officers.get())
    response = client.get(reverse("risk-assessment-list"))
    assert list(response.context["page"].object_list) == []


def test_print_view_has_both_heat_maps_and_every_risk(client, accepted, comms):
    client.force_login(comms)
    html = client.get(reverse("risk-assessment-print", args=[accepted.pk])).content.decode()
    assert html.count('role="img"') == 2
    assert len(re.findall(r"<strong>R\d+ ", html)) == 9
    assert "govuk-service-navigation" not in html


def test_line_breaks_from_the_browser_do_not_count_as_a_change(client, draft, officer):
    client.force_login(officer)
    item = draft.items.first()
    client.post(
        reverse("risk-item-edit", args=[draft.pk, item.pk]),
        {
            "category": item.category,
            "description": item.description,
            "mitigations": item.mitigations.replace("\n", "\r\n"),
            "owner": "Countryside manager",
        },
    )
    refreshed = type(item).objects.get(pk=item.pk)
    assert refreshed.mitigations == item.mitigations
