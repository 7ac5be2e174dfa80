"""The governance checks, registered by the apps that own them.

Each app registers its own checks, as callables ``(*, now) -> FlagChanges``, in its
``AppConfig.ready``; ``run_governance_checks`` and the scheduled task run them from here. A check that
fails to import fails start-up, loudly: nothing is silently "not available" (STYLE 14b).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from django.db import transaction

from .services import FlagChanges, flags_send_digest

Check = Callable[..., FlagChanges]

_CHECKS: dict[str, Check] = {}


def register(name: str, check: Check) -> None:
    """Add a check under ``name`` (the name its schedule passes to the task)."""
    if _CHECKS.get(name, check) is not check:
        raise ValueError(f"Two governance checks are called {name!r}.")
    _CHECKS[name] = check


def checks() -> dict[str, Check]:
    """Every registered check by name, in the order they were registered."""
    return dict(_CHECKS)


@dataclass(frozen=True)
class CheckRun:
    name: str
    changes: FlagChanges


def run_check(name: str, *, now: datetime) -> CheckRun:
    check = _CHECKS[name]
    with transaction.atomic():
        return CheckRun(name, check(now=now))


def run_all(*, now: datetime) -> list[CheckRun]:
    return [run_check(name, now=now) for name in _CHECKS]


def governance_check_run(*, name: str, now: datetime) -> dict:
    """Run one check and send the digest of new flags: what the scheduled task does."""
    run = run_check(name, now=now)
    emails = flags_send_digest(now=now)
    return {
        "check": name,
        "raised": len(run.changes.raised),
        "resolved": run.changes.resolved,
        "emails": emails,
    }
