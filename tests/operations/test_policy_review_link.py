"""The policy is reviewed every six months (002 §1.6): publishing a version is a review, and a review
that changes nothing is recorded on the version in force. One model holds both."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from councilsocial.flags.models import FlagKind, GovernanceFlag
from operations.checks import check_policy_review_due
from operations.services import OperationRefused, policy_publish, policy_review_due_on, policy_review_record
from tests.operations.policy import policy_version

pytestmark = pytest.mark.django_db


def _open_review_flags():
    return GovernanceFlag.objects.open().filter(kind=FlagKind.POLICY_REVIEW_DUE)


def test_publishing_a_version_records_a_review_and_resolves_the_flag(comms):
    policy_version(reviewed_on=timezone.localdate() - timedelta(days=400))
    now = timezone.now()
    assert len(check_policy_review_due(now=now).raised) == 1

    policy_publish(by=comms, version="2.0", title="Social media policy", summary="Updated.", now=now)

    assert check_policy_review_due(now=now).resolved == 1
    assert not _open_review_flags().exists()
    assert policy_review_due_on() > timezone.localdate(now)


def test_a_review_without_change_resolves_the_flag_and_keeps_the_version(comms):
    stale = policy_version(reviewed_on=timezone.localdate() - timedelta(days=200))
    now = timezone.now()
    check_policy_review_due(now=now)
    assert _open_review_flags().filter(subject_id=stale.pk).exists()

    reviewed = policy_review_record(by=comms, notes="No change needed.", now=now)

    assert reviewed.pk == stale.pk
    assert reviewed.reviewed_on == timezone.localdate(now)
    assert check_policy_review_due(now=now).resolved == 1
    assert policy_review_due_on() > timezone.localdate(now)


def test_a_version_reviewed_within_six_months_is_not_flagged(comms):
    policy_version(reviewed_on=date.today() - timedelta(days=30))
    assert check_policy_review_due(now=timezone.now()).raised == []


def test_only_communications_records_a_review(officer):
    policy_version(reviewed_on=timezone.localdate() - timedelta(days=200))
    with pytest.raises(PermissionDenied):
        policy_review_record(by=officer, now=timezone.now())


def test_a_review_needs_a_published_version(comms):
    with pytest.raises(OperationRefused, match="No version"):
        policy_review_record(by=comms, now=timezone.now())
