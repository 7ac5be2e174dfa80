"""Operations list pages run a fixed number of queries however many rows there are."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.db import IntegrityError
from django.utils import timezone

from accounts_register.models import TrainingRecord
from operations import services as ops
from operations.models import Emergency
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def many_rows(comms, officer, service, grant, account):
    version = ops.policy_publish(by=comms, version="1", title="Policy", summary="s", now=timezone.now())
    for n in range(25):
        person = UserFactory(username=f"user{n}")
        grant(person, account)
        TrainingRecord.objects.create(
            person=person, module="Social media e-learning", completed_at=timezone.now()
        )
        ops.monitoring_term_request(
            by=officer, service=service, term=f"Term {n}", reason="r", now=timezone.now()
        )
        ops.photo_consent_record(
            by=officer,
            reference=f"PC-{n}",
            covers="Fun day",
            service=service,
            signed_on=date(2026, 1, 1),
            expires_on=None,
        )
    return version


@pytest.mark.parametrize(
    "url",
    [
        "/operations/monitoring-terms/",
        "/operations/training/",
        "/operations/policy/not-acknowledged/",
        "/operations/photo-consent/",
        "/operations/",
        "/operations/emergency/",
        "/operations/purdah/",
    ],
)
def test_the_page_runs_a_fixed_number_of_queries(
    client, comms, many_rows, url, django_assert_max_num_queries
):
    client.force_login(comms)
    with django_assert_max_num_queries(12):
        response = client.get(url)
    assert response.status_code == 200


def test_the_database_refuses_a_second_emergency_in_force(comms):
    Emergency.objects.create(
        title="One", reason="r", holding_message="h", declared_by=comms, declared_at=timezone.now()
    )
    with pytest.raises(IntegrityError):
        Emergency.objects.create(
            title="Two",
            reason="r",
            holding_message="h",
            declared_by=comms,
            declared_at=timezone.now() + timedelta(minutes=1),
        )
