"""The demo assessments: made through the real workflow, and only once."""

from datetime import timedelta

from risk_assessments.demo import seed_demo_assessments
from risk_assessments.models import RiskAssessment, RiskAssessmentStatus
from tests.factories import AccountFactory

from .helpers import NOW


def test_demo_assessments_are_made_once_with_one_overdue(service, comms):
    AccountFactory.create_batch(4, service=service)
    assert seed_demo_assessments(now=NOW) == 4
    assert seed_demo_assessments(now=NOW) == 0
    statuses = sorted(RiskAssessment.objects.values_list("status", flat=True))
    # Every account has an assessment in force (000 §6e); two have a review under way.
    assert statuses == ["accepted", "accepted", "accepted", "accepted", "draft", "submitted"]
    overdue = RiskAssessment.objects.review_overdue(now=NOW)
    assert overdue.count() == 1
    assert not RiskAssessment.objects.review_overdue(now=NOW - timedelta(days=60)).exists()
    assert RiskAssessment.objects.filter(status=RiskAssessmentStatus.ACCEPTED).first().items.count() == 9
