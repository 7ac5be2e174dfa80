"""Demo operations data for ``seed_demo``: idempotent.

The policy in force, published and last reviewed on 15 January this year, so the policy page and
the six-monthly review check (002 §1.6) have something to show.
"""

from __future__ import annotations

from datetime import date, datetime, time

from django.utils import timezone

from .models import PolicyVersion


def seed_operations_demo(*, by, now: datetime) -> None:
    if PolicyVersion.objects.exists():
        return
    published = date(now.year, 1, 15)
    # Created directly, not through ``policy_publish``: the demo asks nobody to acknowledge it.
    PolicyVersion.objects.create(
        version="1.0",
        title="Social media policy",
        summary="Demo: the policy in force, last reviewed in January.",
        document_reference="Intranet / Policies / Social media",
        published_by=by,
        published_at=timezone.make_aware(datetime.combine(published, time(9))),
        reviewed_on=published,
        reviewed_by=by,
        review_notes="Demo: the last six-monthly review.",
    )
