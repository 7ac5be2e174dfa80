"""Helpers shared by the risk assessment tests (and the browser test)."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from risk_assessments import services

NOW = datetime(2026, 3, 2, 10, 0, tzinfo=ZoneInfo("Europe/London"))


def score_all(assessment, by, *, likelihood=3, impact=3, residual=(2, 2), owner="Countryside manager"):
    """Complete every item with the same scores, as a service would after reviewing them."""
    for item in assessment.active_items():
        services.risk_item_update(
            item=item,
            by=by,
            likelihood=likelihood,
            impact=impact,
            residual_likelihood=residual[0],
            residual_impact=residual[1],
            owner=owner,
        )
    return assessment
