"""Writes for the account register: status changes, access grants and their prerequisites."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django_fsm import ConcurrentTransition, can_proceed, has_transition_perm

from .models import (
    AccessEndReason,
    AccessRole,
    AccountStatus,
    AuthorisedUser,
    DirectorPermission,
    SocialMediaAccount,
    TrainingRecord,
    UsageStatement,
    UsageStatementAcceptance,
)

STATUS_TRANSITIONS = {
    # name: (label, the verb in the confirmation)
    "activate": "Make active",
    "suspend": "Suspend",
    "reinstate": "Reinstate",
    "close": "Close",
    "archive": "Archive",
}


class StaleAccount(Exception):
    """Someone else changed the account's status first."""


def account_change_status(
    *, account: SocialMediaAccount, transition: str, by, reason: str
) -> SocialMediaAccount:
    """Move an account's status (Communications only, always with a reason), and log it.

    Raises PermissionDenied for anyone but Communications, ValidationError for a missing reason
    or a move the current status does not allow, and StaleAccount when someone else moved it first.
    """
    if transition not in STATUS_TRANSITIONS:
        raise ValidationError("Choose a status change from the list")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "Enter the reason for the change"})
    with transaction.atomic():
        locked = SocialMediaAccount.objects.select_for_update().get(pk=account.pk)
        if locked.status != account.status:
            raise StaleAccount
        method = getattr(locked, transition)
        if not has_transition_perm(method, by):
            if not can_proceed(method):
                raise ValidationError(
                    f"A {locked.get_status_display().lower()} account cannot be changed that way"
                )
            raise PermissionDenied
        try:
            method(by=by, description=reason)
            locked._change_reason = f"{STATUS_TRANSITIONS[transition]}: {reason}"
            locked.save()
        except ConcurrentTransition as exc:
            raise StaleAccount from exc
    return locked


# --- Access prerequisites (002 §2.6, §5.1; 003 D2.9) ----------------------------------------------
def director_permission_for(person, platform: str, *, today: date) -> DirectorPermission | None:
    for permission in DirectorPermission.objects.filter(person=person).in_force(today=today):
        if platform in permission.platforms:
            return permission
    return None


def has_completed_elearning(person, *, at: datetime) -> bool:
    """Completed the social media e-learning and it has not expired (002 §5.1)."""
    return TrainingRecord.objects.filter(person=person).elearning_in_date(at=at).exists()


def current_statement_acceptance(person, account) -> UsageStatementAcceptance | None:
    statement = UsageStatement.current()
    if statement is None:
        return None
    return UsageStatementAcceptance.objects.filter(
        statement=statement, person=person, account=account
    ).first()


def access_prerequisites_missing(
    *, person, account: SocialMediaAccount, role: str, now: datetime
) -> list[str]:
    """What must happen before ``person`` may be given ``role`` on ``account``, one message each."""
    missing = []
    if director_permission_for(person, account.platform, today=now.date()) is None:
        missing.append(
            f"{person.get_full_name() or person.username} has no written permission from their Director "
            f"to use {account.get_platform_display()} (002 §2.6)"
        )
    if not has_completed_elearning(person, at=now):
        missing.append(
            f"{person.get_full_name() or person.username} has not completed the "
            f"{settings.SOCIAL_MEDIA_ELEARNING_MODULE} (002 §5.1)"
        )
    if role == AccessRole.TEMPORARY and current_statement_acceptance(person, account) is None:
        missing.append(
            f"{person.get_full_name() or person.username} has not accepted the current usage statement "
            f"for this account (003 D2.9)"
        )
    return missing


def authorised_user_grant(
    *,
    account: SocialMediaAccount,
    person,
    role: str,
    granted_by,
    now: datetime,
    review_date: date | None = None,
    expires_on: date | None = None,
) -> AuthorisedUser:
    """Give a person access to an account once every prerequisite holds.

    Raises ValidationError naming each missing prerequisite, or the field at fault.
    """
    errors: dict[str, list[str]] = {}
    if role not in AccessRole.values:
        errors.setdefault("role", []).append("Choose owner, editor or temporary")
    if not person.is_active:
        errors.setdefault("person", []).append("This person's user account is switched off")
    if role == AccessRole.TEMPORARY and expires_on is None:
        errors.setdefault("expires_on", []).append("Enter the last day of temporary access")
    if expires_on is not None and expires_on < now.date():
        errors.setdefault("expires_on", []).append("The last day of access must be today or in the future")
    if account.status in {AccountStatus.CLOSED, AccountStatus.ARCHIVED}:
        errors.setdefault("__all__", []).append("Access cannot be given to a closed account")
    from monitoring.operations import emergency_in_force

    if emergency_in_force() is not None:
        errors.setdefault("__all__", []).append(
            "An emergency is in force: no new access can be given until Communications lifts it (003 D9)"
        )
    if errors:
        raise ValidationError(errors)
    missing = access_prerequisites_missing(person=person, account=account, role=role, now=now)
    if missing:
        raise ValidationError(missing)
    with transaction.atomic():
        if AuthorisedUser.objects.filter(account=account, person=person, ended_at__isnull=True).exists():
            raise ValidationError(
                "This person already has access to this account. End it before granting again."
            )
        return AuthorisedUser.objects.create(
            account=account,
            person=person,
            role=role,
            granted_by=granted_by,
            granted_at=now,
            review_date=review_date,
            expires_on=expires_on,
            usage_statement=current_statement_acceptance(person, account)
            if role == AccessRole.TEMPORARY
            else None,
        )


def usage_statement_accept(*, person, account: SocialMediaAccount, now: datetime) -> UsageStatementAcceptance:
    """The person accepts the current usage statement for this account (003 D2.9)."""
    statement = UsageStatement.current()
    if statement is None:
        raise ValidationError("There is no usage statement to accept yet")
    acceptance, _ = UsageStatementAcceptance.objects.get_or_create(
        statement=statement, person=person, account=account, defaults={"accepted_at": now}
    )
    return acceptance


def authorised_user_end(
    *, access: AuthorisedUser, by, reason: str, note: str = "", now: datetime
) -> AuthorisedUser:
    """End a person's access, keeping the record (who, when, why) and its history."""
    if reason not in AccessEndReason.values:
        raise ValidationError("Choose why access is ending")
    with transaction.atomic():
        locked = AuthorisedUser.objects.select_for_update().get(pk=access.pk)
        if locked.ended_at is not None:
            return locked  # already ended: ending twice changes nothing
        locked.ended_at = now
        locked.ended_by = by
        locked.end_reason = reason
        locked.end_note = note[:300]
        locked._change_reason = f"{locked.get_end_reason_display()}. {note}".strip(". ")
        locked.save()
    return locked


def person_leaves(*, person, by, now: datetime) -> int:
    """A person has left: switch off their user and end all their access at once (003 D2.3).

    Returns how many grants ended. Accounts left without an owner are flagged to Communications.
    """
    with transaction.atomic():
        get_user_model().objects.filter(pk=person.pk).update(is_active=False)
        ended = 0
        for access in AuthorisedUser.objects.filter(person=person, ended_at__isnull=True).select_for_update():
            authorised_user_end(
                access=access, by=by, reason=AccessEndReason.LEFT, note="User switched off", now=now
            )
            ended += 1
        check_accounts_without_owner(now=now)
    return ended


# --- Checks the periodic jobs run (flags through monitoring) --------------------------------------
def accounts_without_owner():
    """Live accounts (active or suspended) with no current owner (003 D2.3)."""
    owners = AuthorisedUser.objects.filter(
        account=OuterRef("pk"), role=AccessRole.OWNER, ended_at__isnull=True
    )
    return SocialMediaAccount.objects.filter(
        status__in=[AccountStatus.ACTIVE, AccountStatus.SUSPENDED]
    ).exclude(Exists(owners))


def check_accounts_without_owner(*, now: datetime):
    from monitoring.models import FlagKind
    from monitoring.services import flags_reconcile

    return flags_reconcile(
        kind=FlagKind.ACCOUNT_WITHOUT_OWNER,
        subjects=accounts_without_owner(),
        now=now,
        account_field="pk",
        service_field="service_id",
    )


def temporary_access_overdue(*, today: date):
    """Open access past its end date, or past its review date (003 D2.9)."""
    return AuthorisedUser.objects.filter(ended_at__isnull=True).filter(
        Q(expires_on__lt=today) | Q(review_date__lt=today)
    )


def check_temporary_access(*, now: datetime):
    from django.utils import timezone

    from monitoring.models import FlagKind
    from monitoring.services import flags_reconcile

    return flags_reconcile(
        kind=FlagKind.TEMPORARY_ACCESS_EXPIRED,
        subjects=temporary_access_overdue(today=timezone.localdate(now)),
        now=now,
        account_field="account_id",
        service_field="account__service_id",
    )


@dataclass(frozen=True)
class LeaverSweep:
    ended: int


def end_access_of_switched_off_users(*, now: datetime) -> LeaverSweep:
    """End any access still open for a user who has been switched off, with its history.

    Catches leavers switched off anywhere (admin, a directory sync, the shell), not only through
    ``person_leaves``. Only the affected rows are read.
    """
    from simple_history.utils import bulk_update_with_history

    with transaction.atomic():
        leavers = list(
            AuthorisedUser.objects.select_for_update().filter(ended_at__isnull=True, person__is_active=False)
        )
        for access in leavers:
            access.ended_at = now
            access.end_reason = AccessEndReason.LEFT
            access.end_note = "User switched off"
        bulk_update_with_history(
            leavers,
            AuthorisedUser,
            ["ended_at", "end_reason", "end_note"],
            default_change_reason="Left the council: user switched off",
        )
    return LeaverSweep(ended=len(leavers))


def may_manage_access(user, account: SocialMediaAccount) -> bool:
    """Communications, and the managers of the account's service, give and end access."""
    from councilsocial.permissions import is_communications

    if is_communications(user):
        return True
    return user.is_authenticated and account.service.managers.filter(pk=user.pk).exists()


def director_permission_record(
    *, person, platforms: list[str], granted_on: date, document_reference: str, recorded_by
):
    """Record the Director's written permission (002 §2.6)."""
    return DirectorPermission.objects.create(
        person=person,
        platforms=sorted(set(platforms)),
        granted_by=recorded_by,
        granted_on=granted_on,
        document_reference=document_reference,
    )


def account_record_password_change(*, account: SocialMediaAccount, on: date, incident) -> None:
    """Record in the register that the password was changed because of an incident (004 Do 3)."""
    account.password_changed_on = on
    account._change_reason = f"Incident #{incident.pk}: password changed"
    account.save(update_fields=["password_changed_on", "updated_at"])


def account_record_security_check(
    *, account: SocialMediaAccount, mfa_enabled: bool, recovery_contact: str, incident
) -> None:
    """Record the checked multi-factor and recovery details in the register (004 Do 3)."""
    account.mfa_enabled = mfa_enabled
    account.recovery_contact = recovery_contact
    account._change_reason = f"Incident #{incident.pk}: MFA and recovery details checked"
    account.save(update_fields=["mfa_enabled", "recovery_contact", "updated_at"])


# A change of these makes the account's risk assessment due for review (000 §9).
RISK_RELEVANT_FIELDS = {"kind": "kind", "service": "owning service", "platform": "platform"}


def account_changed(*, account: SocialMediaAccount, changed: list[str], now: datetime) -> None:
    """After an account's details change: a new kind, owner or platform needs a risk review."""
    relevant = [label for field, label in RISK_RELEVANT_FIELDS.items() if field in changed]
    if relevant and account.pk:
        from risk_assessments.services import risk_assessment_mark_review_due

        risk_assessment_mark_review_due(
            account=account, reason=f"The account's {' and '.join(relevant)} changed", now=now
        )
