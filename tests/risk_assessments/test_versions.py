"""Reviews make new versions; the accepted one stays in force until the next is accepted."""

from __future__ import annotations

import pytest

from risk_assessments import services
from risk_assessments.categories import RiskCategory
from risk_assessments.comparison import compare_items
from risk_assessments.models import RiskAssessment, RiskAssessmentStatus
from risk_assessments.services import RiskAssessmentError

from .helpers import NOW


@pytest.fixture
def review(accepted, officer):
    return services.risk_assessment_start_review(assessment=accepted, by=officer, now=NOW)


def test_review_copies_the_accepted_version_into_a_new_draft(accepted, review):
    assert (review.version, review.status, review.series) == (2, RiskAssessmentStatus.DRAFT, accepted.series)
    assert review.previous_version == accepted
    old = list(accepted.items.values_list("key", "description", "likelihood", "residual_impact", "owner"))
    assert (
        list(review.items.values_list("key", "description", "likelihood", "residual_impact", "owner")) == old
    )


def test_editing_the_new_version_never_changes_the_accepted_one(accepted, review, officer):
    before = list(accepted.items.values())
    item = review.items.get(category=RiskCategory.REPUTATION)
    services.risk_item_update(item=item, by=officer, likelihood=5, impact=5, description="Changed.")
    services.risk_item_remove(
        item=review.items.get(category=RiskCategory.LEGAL), by=officer, reason="n/a", now=NOW
    )
    services.risk_item_add(
        assessment=review, by=officer, category=RiskCategory.OTHER, description="New risk."
    )
    accepted.refresh_from_db()
    assert list(accepted.items.values()) == before
    assert accepted.status == RiskAssessmentStatus.ACCEPTED


def test_the_accepted_version_stays_in_force_while_the_review_is_open(accepted, review):
    assert list(RiskAssessment.objects.in_force()) == [accepted]


def test_accepting_the_new_version_supersedes_the_old_one(accepted, review, officer, comms):
    services.risk_assessment_submit(assessment=review, by=officer, now=NOW)
    services.risk_assessment_accept(assessment=review, by=comms, now=NOW)
    accepted.refresh_from_db()
    assert accepted.status == RiskAssessmentStatus.SUPERSEDED
    assert list(RiskAssessment.objects.in_force()) == [review]
    assert accepted.items.count() == 9  # still readable


def test_only_one_review_at_a_time(accepted, review, officer):
    with pytest.raises(RiskAssessmentError, match="already been started"):
        services.risk_assessment_start_review(assessment=accepted, by=officer, now=NOW)


def test_a_draft_cannot_be_reviewed(draft, officer):
    with pytest.raises(RiskAssessmentError, match="Only the assessment in force"):
        services.risk_assessment_start_review(assessment=draft, by=officer, now=NOW)


def test_comparison_lists_added_removed_and_changed_items(accepted, review, officer):
    changed = review.items.get(category=RiskCategory.REPUTATION)
    services.risk_item_update(item=changed, by=officer, likelihood=4, mitigations="Daily checks.")
    removed = review.items.get(category=RiskCategory.LEGAL)
    services.risk_item_remove(item=removed, by=officer, reason="Covered elsewhere.", now=NOW)
    added = services.risk_item_add(
        assessment=review, by=officer, category=RiskCategory.OTHER, description="Platform closes."
    )

    result = compare_items(accepted.items.all(), review.items.all())

    kinds = {change.item.key: change.kind for change in result}
    assert kinds[changed.key] == "changed"
    assert kinds[removed.key] == "removed"
    assert kinds[added.key] == "added"
    assert sum(kind == "unchanged" for kind in kinds.values()) == 7
    reputation = next(change for change in result if change.item.key == changed.key)
    assert [(c.label, c.old, c.new) for c in reputation.changes] == [
        ("Likelihood", 3, 4),
        ("Mitigations", accepted.items.get(key=changed.key).mitigations, "Daily checks."),
    ]
