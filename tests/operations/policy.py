"""A policy version for tests that need one in force, reviewed on a given day (002 §1.6)."""

from __future__ import annotations

from datetime import date, datetime, time

from django.utils import timezone

from operations.models import PolicyVersion
from tests.factories import UserFactory


def policy_version(*, reviewed_on: date, version: str = "1.0", by=None) -> PolicyVersion:
    """The version in force, published and last reviewed on ``reviewed_on``."""
    by = by or UserFactory()
    return PolicyVersion.objects.create(
        version=version,
        title="Social media policy",
        summary="The policy in force.",
        published_by=by,
        published_at=timezone.make_aware(datetime.combine(reviewed_on, time(9))),
        reviewed_on=reviewed_on,
        reviewed_by=by,
    )
