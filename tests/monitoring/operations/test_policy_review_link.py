"""Publishing a policy version is a review: the six-monthly check counts from it (002 §1.6)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from councilsocial.flags.models import FlagKind, GovernanceFlag
from monitoring.checks import check_policy_review_due
from monitoring.models import PolicyReview
from monitoring.operations import policy_publish, policy_review_due_on

pytestmark = pytest.mark.django_db


def test_publishing_a_version_records_a_review_and_resolves_the_flag(comms):
    long_ago = timezone.now() - timedelta(days=400)
    PolicyReview.objects.create(reviewed_on=long_ago.date())
    now = timezone.now()
    assert len(check_policy_review_due(now=now).raised) == 1

    policy_publish(by=comms, version="2.0", title="Social media policy", summary="Updated.", now=now)

    assert check_policy_review_due(now=now).resolved == 1
    assert not GovernanceFlag.objects.open().filter(kind=FlagKind.POLICY_REVIEW_DUE).exists()
    assert policy_review_due_on() > timezone.localdate(now)
