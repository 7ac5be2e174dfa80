"""Fixtures for risk assessments: an account of the officer's service and its assessment."""

from __future__ import annotations

import pytest

from risk_assessments import services
from tests.factories import AccountFactory

from .helpers import NOW, score_all


@pytest.fixture
def account(service):
    return AccountFactory(service=service, handle="ccdc_countryside")


@pytest.fixture
def other_account(other_service):
    return AccountFactory(service=other_service, handle="ccdc_safety")


@pytest.fixture
def draft(account, officer):
    return services.risk_assessment_start(account=account, by=officer, now=NOW)


@pytest.fixture
def submitted(draft, officer):
    score_all(draft, officer)
    return services.risk_assessment_submit(assessment=draft, by=officer, now=NOW)


@pytest.fixture
def accepted(submitted, comms):
    return services.risk_assessment_accept(assessment=submitted, by=comms, now=NOW)
