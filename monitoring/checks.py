"""Monitoring's governance checks: each a set-based query handed to ``flags_reconcile``.

Every check is ``(*, now) -> FlagChanges``; ``MonitoringConfig.ready`` registers them in
``councilsocial.flags.registry`` with the other apps' checks.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q

from accounts_register.models import SocialMediaAccount
from councilsocial.calendar.rules import LONDON
from councilsocial.flags.models import FlagKind
from councilsocial.flags.services import FlagChanges, flags_reconcile
from councilsocial.lib.dates import add_months

from .dashboard import inactive_q, posting_guideline_accounts
from .models import PolicyReview
from .services import enquiry_flags_reconcile


def _today(now: datetime):
    return now.astimezone(LONDON).date()


def _live_accounts():
    return SocialMediaAccount.objects.live()


def _account_flags(kind: str, subjects, now: datetime, only=None) -> FlagChanges:
    return flags_reconcile(
        kind=kind, subjects=subjects, now=now, account_field="pk", service_field="service_id", only=only
    )


def check_overdue_enquiries(*, now: datetime, only=None) -> FlagChanges:
    """000 §25: an enquiry with no response by its deadline. Uses ``enquiry_unanswered_due_idx``."""
    return enquiry_flags_reconcile(now=now, only=only)


def check_inactive_accounts(*, now: datetime, only=None) -> FlagChanges:
    """003 D5.1: a live account with no activity for more than ``MONITORING_INACTIVE_DAYS``
    (``dashboard.inactive_q``; an account that has never posted counts from when it was registered).
    """
    subjects = _live_accounts().filter(inactive_q(now))
    return _account_flags(FlagKind.ACCOUNT_INACTIVE, subjects, now, only)


def check_posting_guideline(*, now: datetime, only=None) -> FlagChanges:
    """003 D5.2: a corporate account posting fewer original posts than its platform's guideline.

    Which accounts are judged, and how, is ``dashboard.posting_guideline_accounts`` (the dashboard
    shows the same rows). One query; the counts use ``post_account_time_idx``.
    """
    subjects = posting_guideline_accounts(now=now).filter(recent_originals__lt=F("required_originals"))
    return _account_flags(FlagKind.POSTING_BELOW_GUIDELINE, subjects, now, only)


def check_credentials_not_rotated(*, now: datetime, only=None) -> FlagChanges:
    """004 Do 3: the password not changed within ``MONITORING_PASSWORD_ROTATION_DAYS`` (or never recorded)."""
    cutoff = _today(now) - timedelta(days=settings.MONITORING_PASSWORD_ROTATION_DAYS)
    subjects = _live_accounts().filter(
        Q(password_changed_on__isnull=True) | Q(password_changed_on__lt=cutoff)
    )
    return _account_flags(FlagKind.CREDENTIALS_NOT_ROTATED, subjects, now, only)


def check_account_review_overdue(*, now: datetime, only=None) -> FlagChanges:
    """Every account is re-certified by its owner at least yearly: flag one past its review date."""
    subjects = _live_accounts().filter(review_date__lt=_today(now))
    return _account_flags(FlagKind.ACCOUNT_REVIEW_OVERDUE, subjects, now, only)


def check_policy_review_due(*, now: datetime) -> FlagChanges:
    """002 §1.6: the policy is reviewed every six months. The latest review is the flag's subject;
    recording a new review resolves it. With no review recorded there is nothing to flag against."""
    latest = PolicyReview.objects.order_by("-reviewed_on", "-pk").values("pk")[:1]
    cutoff = add_months(_today(now), -settings.MONITORING_POLICY_REVIEW_MONTHS)
    subjects = PolicyReview.objects.filter(pk__in=latest, reviewed_on__lte=cutoff)
    return flags_reconcile(kind=FlagKind.POLICY_REVIEW_DUE, subjects=subjects, now=now)


# The checks whose subject is an account: what a write to an account may clear (or cause).
ACCOUNT_CHECKS = (
    check_inactive_accounts,
    check_posting_guideline,
    check_credentials_not_rotated,
    check_account_review_overdue,
)


def account_flags_reconcile(*, account_ids: Iterable[int], now: datetime) -> int:
    """Run the account checks for just these accounts (set-based, scoped by subject). Returns how
    many flags were raised or resolved."""
    account_ids = list(account_ids)
    changed = 0
    with transaction.atomic():
        for check in ACCOUNT_CHECKS:
            changes = check(now=now, only=account_ids)
            changed += len(changes.raised) + changes.resolved
    return changed


def account_flags_reconcile_on_commit(account_id: int, *, now: datetime) -> None:
    """After the caller's transaction commits, reconcile that account's checks (and nothing else)."""
    transaction.on_commit(lambda: account_flags_reconcile(account_ids=[account_id], now=now))


# Registered, in this order, by MonitoringConfig.ready (the other apps register their own).
CHECKS = {
    "overdue_enquiries": check_overdue_enquiries,
    "inactive_accounts": check_inactive_accounts,
    "posting_guideline": check_posting_guideline,
    "credentials_not_rotated": check_credentials_not_rotated,
    "account_review_overdue": check_account_review_overdue,
    "policy_review_due": check_policy_review_due,
}
