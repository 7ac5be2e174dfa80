"""Fixtures for business-case tests: a case in any state, and each role as a user."""

from __future__ import annotations

import pytest
from django.utils import timezone

from tests.factories import BusinessCaseFactory


@pytest.fixture
def make_case(service, officer):
    """A case by the officer in the officer's service, put straight into ``status`` for the test."""

    def make(status="draft", **kwargs):
        kwargs.setdefault("service", service)
        kwargs.setdefault("author", officer)
        kwargs.setdefault("state_entered_at", timezone.now())
        return BusinessCaseFactory(status=status, **kwargs)

    return make


@pytest.fixture
def roles(officer, manager, director, other_service, comms, administrator, outsider):
    """Every role that might try a transition: the author and everyone else."""
    from django.contrib.auth import get_user_model

    User = get_user_model()
    return {
        "author": officer,
        "manager": manager,
        "director": director,
        "other_director": User.objects.get(username="other-director"),
        "comms": comms,
        "administrator": administrator,
        "outsider": outsider,
    }


def accept_risk_assessment_for(case, by):
    """An accepted risk assessment for the case, made through the risk_assessments model."""
    from risk_assessments.models import RiskAssessment

    if "business_case" not in {f.name for f in RiskAssessment._meta.get_fields()}:
        pytest.skip("The risk_assessments model has no link to a business case yet")
    return RiskAssessment.objects.create(
        business_case=case,
        status="accepted",
        created_by=by,
        created_at=timezone.now(),
        accepted_at=timezone.now(),
    )
