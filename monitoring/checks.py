"""Monitoring's governance checks: each a set-based query handed to ``flags_reconcile``.

Every check is ``(*, now) -> FlagChanges``; ``MonitoringConfig.ready`` registers them in
``councilsocial.flags.registry`` with the other apps' checks.
"""

from __future__ import annotations

from datetime import datetime

from django.db.models import F

from accounts_register.models import SocialMediaAccount
from councilsocial.calendar.rules import LONDON
from councilsocial.flags.models import FlagKind
from councilsocial.flags.services import FlagChanges, flags_reconcile

from .connections import connection_flags_reconcile
from .dashboard import inactive_q, posting_guideline_accounts
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


def check_connection_failing(*, now: datetime, only=None) -> FlagChanges:
    """Issue 14 item 5: a connected account whose sync has failed for over an hour (one flag, however
    many runs fail; it clears when a sync succeeds). The sync also runs it for its own account."""
    return connection_flags_reconcile(now=now, only=only)


# Registered, in this order, by MonitoringConfig.ready (the other apps register their own).
CHECKS = {
    "overdue_enquiries": check_overdue_enquiries,
    "inactive_accounts": check_inactive_accounts,
    "posting_guideline": check_posting_guideline,
    "connection_failing": check_connection_failing,
}
