"""Starting, completing, submitting, returning and accepting an assessment (000 §6e, §9)."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django_fsm_log.models import StateLog

from risk_assessments import services
from risk_assessments.categories import STANDARD_RISKS, RiskCategory
from risk_assessments.models import RiskAssessmentStatus, RiskItem
from risk_assessments.services import RiskAssessmentError

from .helpers import NOW, score_all


def test_new_assessment_has_one_item_per_standard_category(draft):
    categories = list(draft.items.values_list("category", flat=True))
    assert categories == [risk.category for risk in STANDARD_RISKS]
    assert set(categories) == set(RiskCategory.values) - {RiskCategory.OTHER}
    assert all(item.mitigations and item.policy_reference for item in draft.items.all())
    assert draft.status == RiskAssessmentStatus.DRAFT and draft.version == 1


def test_prefilled_mitigations_come_from_the_policies(draft):
    takeover = draft.items.get(category=RiskCategory.ACCOUNT_SECURITY).mitigations
    assert "Multi-factor authentication" in takeover
    assert "vault" in takeover
    assert "Communications holds admin access" in takeover
    assert "004 Don't 9" in draft.items.get(category=RiskCategory.SAFEGUARDING).mitigations


def test_an_account_gets_one_assessment_then_reviews_it(draft, account, officer):
    with pytest.raises(RiskAssessmentError, match="already a risk assessment"):
        services.risk_assessment_start(account=account, by=officer, now=NOW)


@pytest.mark.parametrize("persona", ["director", "comms", "outsider"])
def test_only_the_owning_service_starts_an_assessment(request, account, persona):
    with pytest.raises(PermissionDenied):
        services.risk_assessment_start(account=account, by=request.getfixturevalue(persona), now=NOW)


def test_other_service_cannot_start_an_assessment_for_our_account(account, other_service):
    with pytest.raises(PermissionDenied):
        services.risk_assessment_start(account=account, by=other_service.officers.get(), now=NOW)


def test_an_unscored_assessment_cannot_be_submitted(draft, officer):
    with pytest.raises(RiskAssessmentError, match="Give every risk a likelihood"):
        services.risk_assessment_submit(assessment=draft, by=officer, now=NOW)
    draft.refresh_from_db()
    assert draft.status == RiskAssessmentStatus.DRAFT


def test_a_removed_risk_needs_no_scores_to_submit(draft, officer):
    score_all(draft, officer)
    item = draft.items.first()
    services.risk_item_update(item=item, by=officer, likelihood=None)
    services.risk_item_remove(item=item, by=officer, reason="The account takes no comments.", now=NOW)
    services.risk_assessment_submit(assessment=draft, by=officer, now=NOW)
    assert draft.status == RiskAssessmentStatus.SUBMITTED


def test_removing_a_risk_needs_a_reason(draft, officer):
    with pytest.raises(RiskAssessmentError, match="Enter why this risk does not apply"):
        services.risk_item_remove(item=draft.items.first(), by=officer, reason="  ", now=NOW)


def test_residual_above_inherent_is_refused_when_editing(draft, officer):
    item = draft.items.first()
    with pytest.raises(RiskAssessmentError, match="cannot be higher than the score before mitigation"):
        services.risk_item_update(
            item=item, by=officer, likelihood=2, impact=2, residual_likelihood=3, residual_impact=3
        )
    item.refresh_from_db()
    assert item.residual_likelihood is None


def test_database_refuses_residual_above_inherent(draft):
    item = draft.items.first()
    with pytest.raises(IntegrityError), transaction.atomic():
        RiskItem.objects.filter(pk=item.pk).update(
            likelihood=1, impact=1, residual_likelihood=2, residual_impact=1
        )


def test_scores_are_stored_for_queries(draft, officer):
    item = services.risk_item_update(
        item=draft.items.first(), by=officer, likelihood=5, impact=5, residual_likelihood=1, residual_impact=1
    )
    assert (item.inherent_score, item.residual_score) == (25, 1)


def test_added_risk_goes_at_the_end(draft, officer):
    item = services.risk_item_add(
        assessment=draft, by=officer, category=RiskCategory.OTHER, description="Hosting costs rise."
    )
    assert list(draft.items.all())[-1] == item


def test_return_needs_a_comment(submitted, comms):
    with pytest.raises(RiskAssessmentError, match="Enter what the service needs to change"):
        services.risk_assessment_return(assessment=submitted, by=comms, comment="", now=NOW)


def test_returned_assessment_is_revised_resubmitted_and_accepted(submitted, officer, comms):
    services.risk_assessment_return(
        assessment=submitted, by=comms, comment="Score safeguarding higher.", now=NOW
    )
    assert submitted.status == RiskAssessmentStatus.RETURNED
    assert submitted.return_comment == "Score safeguarding higher."
    services.risk_assessment_revise(assessment=submitted, by=officer)
    assert submitted.status == RiskAssessmentStatus.DRAFT
    services.risk_assessment_submit(assessment=submitted, by=officer, now=NOW)
    services.risk_assessment_accept(assessment=submitted, by=comms, now=NOW)
    submitted.refresh_from_db()
    assert submitted.status == RiskAssessmentStatus.ACCEPTED
    assert submitted.decided_by == comms


def test_every_transition_is_logged_with_who_and_why(submitted, officer, comms):
    services.risk_assessment_return(assessment=submitted, by=comms, comment="Add the purdah dates.", now=NOW)
    services.risk_assessment_revise(assessment=submitted, by=officer)
    logs = StateLog.objects.for_(submitted).order_by("pk")
    assert [(log.source_state, log.state, log.by) for log in logs] == [
        ("draft", "submitted", officer),
        ("submitted", "returned", comms),
        ("returned", "draft", officer),
    ]
    assert logs[1].description == "Add the purdah dates."


def test_a_submitted_assessment_cannot_be_edited(submitted, officer):
    with pytest.raises(RiskAssessmentError, match="can no longer be changed"):
        services.risk_item_update(item=submitted.items.first(), by=officer, owner="Someone else")


# --- Who may make each transition ------------------------------------------------------------------
ROLES = ["officer", "manager", "director", "comms", "other-officer", "outsider"]
ALLOWED = {
    "submit": {"officer", "manager"},
    "accept": {"comms"},
    "return": {"comms"},
    "revise": {"officer", "manager"},
    "review": {"officer", "manager"},
}


def _person(request, role):
    if role == "other-officer":
        return request.getfixturevalue("other_service").officers.get()
    return request.getfixturevalue(role)


def _attempt(request, action, person):
    officer, comms = request.getfixturevalue("officer"), request.getfixturevalue("comms")
    if action == "submit":
        assessment = score_all(request.getfixturevalue("draft"), officer)
        return lambda: services.risk_assessment_submit(assessment=assessment, by=person, now=NOW)
    if action == "accept":
        assessment = request.getfixturevalue("submitted")
        return lambda: services.risk_assessment_accept(assessment=assessment, by=person, now=NOW)
    if action == "return":
        assessment = request.getfixturevalue("submitted")
        return lambda: services.risk_assessment_return(
            assessment=assessment, by=person, comment="No.", now=NOW
        )
    if action == "revise":
        assessment = request.getfixturevalue("submitted")
        services.risk_assessment_return(assessment=assessment, by=comms, comment="Fix it.", now=NOW)
        return lambda: services.risk_assessment_revise(assessment=assessment, by=person)
    assessment = request.getfixturevalue("accepted")
    return lambda: services.risk_assessment_start_review(assessment=assessment, by=person, now=NOW)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("action", list(ALLOWED))
def test_who_may_make_each_transition(request, action, role):
    attempt = _attempt(request, action, _person(request, role))
    if role in ALLOWED[action]:
        attempt()
    else:
        with pytest.raises(PermissionDenied):
            attempt()


def test_a_decision_on_a_version_that_moved_on_is_refused_clearly(submitted, comms):
    services.risk_assessment_accept(assessment=submitted, by=comms, now=NOW)
    with pytest.raises(RiskAssessmentError, match="moved on"):
        services.risk_assessment_return(assessment=submitted, by=comms, comment="Too late", now=NOW)


def test_two_decisions_at_once_one_wins_and_the_other_is_told(submitted, comms):
    stale = type(submitted).objects.get(pk=submitted.pk)
    services.risk_assessment_accept(assessment=submitted, by=comms, now=NOW)
    with pytest.raises(RiskAssessmentError, match="moved on"):
        services.risk_assessment_return(assessment=stale, by=comms, comment="Redo it.", now=NOW)
    submitted.refresh_from_db()
    assert submitted.status == RiskAssessmentStatus.ACCEPTED


def test_submitting_tells_communications(draft, officer, settings):
    from councilsocial.notifications.models import Notification

    score_all(draft, officer)
    services.risk_assessment_submit(assessment=draft, by=officer, now=NOW)
    (message,) = Notification.objects.all()
    assert message.to == settings.COMMUNICATIONS_EMAIL
    assert f"/risk-assessments/{draft.pk}/" in message.body


@pytest.mark.parametrize("decision", ["accept", "return"])
def test_a_decision_tells_the_service(submitted, comms, officer, manager, decision):
    from councilsocial.notifications.models import Notification

    Notification.objects.all().delete()
    if decision == "accept":
        services.risk_assessment_accept(assessment=submitted, by=comms, now=NOW)
    else:
        services.risk_assessment_return(assessment=submitted, by=comms, comment="Add purdah.", now=NOW)
    assert sorted(Notification.objects.values_list("to", flat=True)) == sorted([officer.email, manager.email])


def test_an_edit_from_a_page_opened_before_submission_is_refused(draft, officer):
    item = draft.items.first()  # its assessment is the draft as loaded before submission
    score_all(type(draft).objects.get(pk=draft.pk), officer)
    services.risk_assessment_submit(assessment=type(draft).objects.get(pk=draft.pk), by=officer, now=NOW)
    with pytest.raises(RiskAssessmentError, match="can no longer be changed"):
        services.risk_item_update(item=item, by=officer, owner="Too late")


@pytest.mark.parametrize("persona", ["director", "comms", "outsider"])
def test_outside_the_service_an_incomplete_draft_is_refused_for_permission_not_completeness(
    request, draft, persona
):
    with pytest.raises(PermissionDenied):
        services.risk_assessment_submit(assessment=draft, by=request.getfixturevalue(persona), now=NOW)
