"""What the apps above the register add to it, provided at start-up in their ``AppConfig.ready``.

The register is low in the layers (README "Where things live"): it may not import the apps built on
it. Where its pages or services need an answer only a higher app has, that app hands the register the
callables here, so the dependency still points down.

- ``account_risk``: each account's risk assessment summary, the register's risk filters, and marking
  an assessment due for review when the account changes (000 §9). Provided by ``risk_assessments``.
- ``account_connection``: the account's connection to its platform and its health, for the account
  page (issue 14). Provided by ``monitoring``.
- ``access_grant_guards``: reasons no access may be given now (an emergency in force, 003 D9).
  Provided by the app that declares emergencies.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db.models import Q


@dataclass
class AccountRisk:
    summaries: Callable[[Any], dict] = lambda account_ids: {}
    no_assessment: Any = None
    filters: dict[str, Callable[[datetime], Q]] = field(default_factory=dict)
    mark_review_due: Callable[..., Any] = lambda **kwargs: 0

    def provide(self, *, summaries, no_assessment, filters, mark_review_due) -> None:
        self.summaries = summaries
        self.no_assessment = no_assessment
        self.filters = dict(filters)
        self.mark_review_due = mark_review_due


account_risk = AccountRisk()


@dataclass
class AccountConnection:
    """The account's connection to its platform, for the account page (issue 14 item 5): a dict for
    ``monitoring/_account_connection.html``, or None. Provided by ``monitoring``."""

    panel: Callable[..., dict | None] = lambda account, *, now: None

    def provide(self, *, panel) -> None:
        self.panel = panel


account_connection = AccountConnection()

# Each returns a sentence saying why no access may be given now, or None.
access_grant_guards: list[Callable[[], str | None]] = []


def access_grant_refusals() -> list[str]:
    """Why no access may be given now (empty: nothing stands in the way)."""
    return [reason for guard in access_grant_guards if (reason := guard())]
