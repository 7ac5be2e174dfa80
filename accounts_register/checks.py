"""The register's governance checks on the accounts' own details, each a set-based query handed
to ``flags_reconcile``.

Every check is ``(*, now, only=None) -> FlagChanges``; ``AccountsRegisterConfig.ready`` registers them
in ``councilsocial.flags.registry``. A write to an account's details reconciles that account's
checks when it commits (``account_checks_reconcile_on_commit``), so nobody sees a flag for something
they have just put right.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef, Q, QuerySet

from councilsocial.calendar.rules import LONDON
from councilsocial.flags.models import FlagKind
from councilsocial.flags.services import FlagChanges, flags_reconcile

from .models import AccessRole, AccountStatus, AuthorisedUser, SocialMediaAccount


def _today(now: datetime):
    return now.astimezone(LONDON).date()


def _account_flags(kind: str, subjects, now: datetime, only=None) -> FlagChanges:
    return flags_reconcile(
        kind=kind, subjects=subjects, now=now, account_field="pk", service_field="service_id", only=only
    )


def credentials_not_rotated(*, today) -> QuerySet[SocialMediaAccount]:
    """004 Do 3: live accounts whose password was not changed within
    ``MONITORING_PASSWORD_ROTATION_DAYS`` of ``today``, or never recorded (index
    ``account_password_rotation_idx``)."""
    cutoff = today - timedelta(days=settings.MONITORING_PASSWORD_ROTATION_DAYS)
    return SocialMediaAccount.objects.live().filter(
        Q(password_changed_on__isnull=True) | Q(password_changed_on__lt=cutoff)
    )


def account_review_overdue(*, today) -> QuerySet[SocialMediaAccount]:
    """Live accounts past their review date: the owner re-certifies each at least yearly (index
    ``account_review_due_idx``)."""
    return SocialMediaAccount.objects.live().filter(review_date__lt=today)


def accounts_without_owner() -> QuerySet[SocialMediaAccount]:
    """Live accounts (active or suspended) with no current owner (003 D2.3)."""
    owners = AuthorisedUser.objects.not_ended().filter(account=OuterRef("pk"), role=AccessRole.OWNER)
    return SocialMediaAccount.objects.filter(
        status__in=[AccountStatus.ACTIVE, AccountStatus.SUSPENDED]
    ).exclude(Exists(owners))


def check_credentials_not_rotated(*, now: datetime, only=None) -> FlagChanges:
    subjects = credentials_not_rotated(today=_today(now))
    return _account_flags(FlagKind.CREDENTIALS_NOT_ROTATED, subjects, now, only)


def check_account_review_overdue(*, now: datetime, only=None) -> FlagChanges:
    subjects = account_review_overdue(today=_today(now))
    return _account_flags(FlagKind.ACCOUNT_REVIEW_OVERDUE, subjects, now, only)


def check_accounts_without_owner(*, now: datetime, only=None) -> FlagChanges:
    """003 D2.3: every live account has an owner. Its open flags are the home page's list, so every
    change of access or of an account's status settles it for that account (``only``) as it is made."""
    return _account_flags(FlagKind.ACCOUNT_WITHOUT_OWNER, accounts_without_owner(), now, only)


# The checks on an account's own details: what a write to those details may clear (or cause).
ACCOUNT_CHECKS = (check_credentials_not_rotated, check_account_review_overdue)


def account_checks_reconcile(*, account_ids: Iterable[int], now: datetime) -> int:
    """Run the account checks for just these accounts (set-based, scoped by subject). Returns how
    many flags were raised or resolved."""
    account_ids = list(account_ids)
    changed = 0
    with transaction.atomic():
        for check in ACCOUNT_CHECKS:
            changes = check(now=now, only=account_ids)
            changed += len(changes.raised) + changes.resolved
    return changed


def account_checks_reconcile_on_commit(account_id: int, *, now: datetime) -> None:
    """After the caller's transaction commits, reconcile that account's checks (and nothing else)."""
    transaction.on_commit(lambda: account_checks_reconcile(account_ids=[account_id], now=now))


# Registered, in this order, by AccountsRegisterConfig.ready.
CHECKS = {
    "accounts_without_owner": check_accounts_without_owner,
    "credentials_not_rotated": check_credentials_not_rotated,
    "account_review_overdue": check_account_review_overdue,
}
