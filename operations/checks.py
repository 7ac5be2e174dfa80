"""Operations' governance checks: each a set-based query handed to ``flags_reconcile``.

Every check is ``(*, now) -> FlagChanges``; ``OperationsConfig.ready`` registers them in
``councilsocial.flags.registry`` with the other apps' checks.
"""

from __future__ import annotations

from datetime import datetime

from councilsocial.calendar.rules import LONDON
from councilsocial.flags.models import FlagKind
from councilsocial.flags.services import FlagChanges, flags_reconcile

from .models import PolicyVersion


def check_policy_review_due(*, now: datetime) -> FlagChanges:
    """002 §1.6: the policy is reviewed every six months. The version in force is the flag's subject;
    recording a review of it, or publishing a new version, resolves it. With no version published
    there is nothing to flag against."""
    subjects = PolicyVersion.objects.review_overdue(today=now.astimezone(LONDON).date())
    return flags_reconcile(kind=FlagKind.POLICY_REVIEW_DUE, subjects=subjects, now=now)


# Registered by OperationsConfig.ready (the other apps register their own).
CHECKS = {
    "policy_review_due": check_policy_review_due,
}
