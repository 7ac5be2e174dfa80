"""Writes for the account register: status changes, access grants and their prerequisites."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone
from django_fsm_log.models import StateLog

from councilsocial.flags.models import FlagKind
from councilsocial.flags.services import flags_reconcile
from councilsocial.lib.transitions import StaleTransition, run_transition
from councilsocial.permissions import is_communications, is_corporate_director

from .checks import (  # the no-owner query is also the services' public name
    account_checks_reconcile_on_commit,
    accounts_without_owner,  # noqa: F401
    check_accounts_without_owner,
)
from .extensions import access_grant_refusals, account_risk
from .models import (
    AccessEndReason,
    AccessRole,
    AccessStatus,
    AccountStatus,
    AccountTally,
    ApprovalRoute,
    AuthorisedUser,
    Directorate,
    DirectorPermission,
    Service,
    SocialMediaAccount,
    TrainingRecord,
    UsageStatement,
    UsageStatementAcceptance,
    activation_missing,
)
from .platforms import Platform
from .validators import refuse_pasted_password, validate_shared_mailbox

STATUS_TRANSITIONS = {
    # name: the words on the status page and the admin action
    "activate": "Make active",
    "withdraw": "Withdraw",
    "suspend": "Suspend",
    "reinstate": "Reinstate",
    "close": "Close",
    "archive": "Archive",
}

STALE_ACCOUNT_MESSAGE = "Someone else changed this account's status first. Nothing was changed."


class StaleAccount(StaleTransition):
    """Someone else changed the account's status first."""

    def __init__(self, message: str = STALE_ACCOUNT_MESSAGE):
        super().__init__(message)


def _a(word: str) -> str:
    return f"{'An' if word[:1] in 'aeiou' else 'A'} {word}"


def _activation_not_ready(account: SocialMediaAccount, _failed) -> ValidationError:
    missing = activation_missing(account)
    if not missing:
        return ValidationError(f"{account} cannot be changed that way now")
    return ValidationError(
        [f"{account} cannot be made active yet. " + missing[0], *missing[1:]], code="not_ready"
    )


def account_change_status(
    *, account: SocialMediaAccount, transition: str, by, reason: str
) -> SocialMediaAccount:
    """Move an account's status (Communications only, always with a reason), and log it.

    The one way any account changes status: the pages, admin, the business case going live and
    seed_demo all call it, through the shared runner (``councilsocial.lib.transitions``). Making a
    proposed account active needs every condition of ``models.ACTIVATION_CONDITIONS`` (an approval,
    an accepted risk assessment, Communications' admin access, a shared mailbox; 000 §6, §10, §11;
    001 §19); a proposed account that will not go ahead is withdrawn (closed).

    Raises PermissionDenied for anyone but Communications, ValidationError for a missing reason,
    a move the current status does not allow or a condition that does not hold (one message each),
    and StaleAccount when someone else moved it first.
    """
    if transition not in STATUS_TRANSITIONS:
        raise ValidationError("Choose a status change from the list")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "Enter the reason for the change"})

    def before_save(locked: SocialMediaAccount) -> None:
        locked._change_reason = f"{STATUS_TRANSITIONS[transition]}: {reason}"

    changed = run_transition(
        queryset=SocialMediaAccount,
        pk=account.pk,
        name=transition,
        by=by,
        description=reason,
        expected_status=account.status,
        not_possible=lambda locked: ValidationError(
            f"{_a(locked.get_status_display().lower())} account cannot be changed that way"
        ),
        refused=lambda locked: PermissionDenied("Only Communications change an account's status"),
        conditions_not_met=_activation_not_ready,
        before_save=before_save,
        stale=StaleAccount,
        stale_message=STALE_ACCOUNT_MESSAGE,
    )
    check_accounts_without_owner(now=timezone.now(), only=[account.pk])
    return changed


def account_create(
    *,
    by,
    reason: str,
    approval_route: str = "",
    approval_reference: str = "",
    **values,
) -> SocialMediaAccount:
    """Put an account on the register as proposed, with its history (who and why).

    Every field is checked as the account form checks it (the model's own validation, and the
    administering mailbox is a shared mailbox, 000 §11); a handle already on the register for the
    platform is refused with a sentence naming that account. ValidationError, by field, otherwise.
    """
    account = SocialMediaAccount(
        **values, approval_route=approval_route, approval_reference=approval_reference[:200]
    )
    errors: dict[str, list[str]] = {}
    try:
        account.full_clean(exclude=["status"], validate_constraints=False)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if account.admin_mailbox and "admin_mailbox" not in errors:
        try:
            validate_shared_mailbox(account.admin_mailbox)
        except ValidationError as exc:
            errors["admin_mailbox"] = exc.messages
    existing = account_with_handle(account.platform, account.handle)
    if existing is not None:
        errors["handle"] = [duplicate_handle_message(existing)]
    if errors:
        raise ValidationError(errors)
    account._change_reason = reason
    account._history_user = by
    with transaction.atomic():
        account.save()
    return account


def account_tally_rebuild() -> int:
    """Count the register again into ``AccountTally`` (the triggers keep it; this is the repair, for
    instance after a data-only restore that replayed inserts into both tables). The accounts are
    locked against writes meanwhile, so nothing is counted twice or missed. Returns the accounts
    counted."""
    with transaction.atomic(), connection.cursor() as cursor:
        account, tally = SocialMediaAccount._meta.db_table, AccountTally._meta.db_table
        if connection.vendor == "postgresql":
            cursor.execute(f'LOCK TABLE "{account}" IN SHARE MODE')  # noqa: S608
        AccountTally.objects.all().delete()
        cursor.execute(
            f'INSERT INTO "{tally}" (platform, status, count) '  # noqa: S608  # nosec B608
            f'SELECT platform, status, count(*) FROM "{account}" GROUP BY platform, status'
        )
    return SocialMediaAccount.objects.count()


def account_with_handle(platform: str, handle: str, *, exclude_pk=None) -> SocialMediaAccount | None:
    """The account on the register with this handle on this platform, whatever its case."""
    found = SocialMediaAccount.objects.filter(platform=platform, handle__iexact=handle)
    if exclude_pk is not None:
        found = found.exclude(pk=exclude_pk)
    return found.select_related("service").first()


def duplicate_handle_message(existing: SocialMediaAccount) -> str:
    """A plain sentence naming the account that already has the handle (one per platform)."""
    return (
        f"{existing.display_handle} is already on the register as {existing.display_name} "
        f"({existing.service.name}, {existing.get_status_display().lower()}). "
        "Change that account instead of adding it again"
    )


def account_record_existing_approval(
    *, account: SocialMediaAccount, director, approved_on: date, reference: str, by, today: date
) -> SocialMediaAccount:
    """Communications record the Corporate Director's approval of an account that existed before
    the council used this app (001 §19, 000 §6c): who approved it, when, and where that is written down.

    It is one of the conditions of making the account active; an account set up through a business
    case has its approval there. Raises PermissionDenied for anyone but Communications and
    ValidationError, by field, for anything else.
    """
    if not is_communications(by):
        raise PermissionDenied
    errors: dict[str, str] = {}
    reference = (reference or "").strip()
    directorate = account.service.directorate
    if director is None or not director.is_active or not is_corporate_director(director):
        errors["director"] = "Choose the Corporate Director who approved the account"
    elif director.pk != directorate.corporate_director_id:
        # "Your Corporate Director" (000 §6c): the service's own, not another directorate's.
        errors["director"] = (
            f"Only the Corporate Director of {directorate.name}, which {account.service.name} is in, "
            "can approve its accounts"
        )
    if approved_on is None:
        errors["approved_on"] = "Enter the date of the Director's approval"
    elif approved_on > today:
        errors["approved_on"] = "The date of the Director's approval must be today or in the past"
    if not reference:
        errors["reference"] = "Enter where the Director's approval is recorded"
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        locked = SocialMediaAccount.objects.select_for_update().get(pk=account.pk)
        if locked.status != AccountStatus.PROPOSED:
            raise ValidationError(
                "Only a proposed account needs its approval recording: this one is already "
                f"{locked.get_status_display().lower()}"
            )
        if getattr(locked, "business_case", None) is not None:
            raise ValidationError("This account was approved through its business case")
        locked.approval_route = ApprovalRoute.EXISTING_ACCOUNT
        locked.approved_by = director
        locked.approved_on = approved_on
        locked.approval_reference = reference[:200]
        locked._change_reason = "The Corporate Director's approval recorded (an existing account)"
        locked.save()
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
    for reason in access_grant_refusals():
        errors.setdefault("__all__", []).append(reason)
    if errors:
        raise ValidationError(errors)
    missing = access_prerequisites_missing(person=person, account=account, role=role, now=now)
    if missing:
        raise ValidationError(missing)
    with transaction.atomic():
        if AuthorisedUser.objects.not_ended().filter(account=account, person=person).exists():
            raise ValidationError(
                "This person already has access to this account. End it before granting again."
            )
        access = AuthorisedUser.objects.create(
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
        check_accounts_without_owner(now=now, only=[account.pk])
    return access


def usage_statement_accept(*, person, account: SocialMediaAccount, now: datetime) -> UsageStatementAcceptance:
    """The person accepts the current usage statement for this account (003 D2.9)."""
    statement = UsageStatement.current()
    if statement is None:
        raise ValidationError("There is no usage statement to accept yet")
    acceptance, _ = UsageStatementAcceptance.objects.get_or_create(
        statement=statement, person=person, account=account, defaults={"accepted_at": now}
    )
    return acceptance


STALE_ACCESS_MESSAGE = "Someone else got there first: this access has already changed. Look at it again."


class StaleAccess(StaleTransition):
    """Someone else suspended, restored or ended the access first."""

    def __init__(self, message: str = STALE_ACCESS_MESSAGE):
        super().__init__(message)


def _access_transition(
    *, access: AuthorisedUser, name: str, by, description: str, before_save, prepare=None
) -> AuthorisedUser:
    """One access record's change from a page, through the shared runner (STYLE 5): Communications
    or the service's managers (``models.may_change_access``), from the status the person saw; then
    whether the account is left without an owner (003 D2.3) is settled for it."""
    changed = run_transition(
        queryset=AuthorisedUser,
        pk=access.pk,
        name=name,
        by=by,
        description=description,
        expected_status=access.status,
        refused=lambda _locked: PermissionDenied(
            "Only Communications and the service's managers change someone's access"
        ),
        prepare=prepare,
        before_save=before_save,
        stale=StaleAccess,
        stale_message=STALE_ACCESS_MESSAGE,
    )
    check_accounts_without_owner(now=timezone.now(), only=[access.account_id])
    return changed


def authorised_user_end(
    *, access: AuthorisedUser, by, reason: str, note: str = "", now: datetime
) -> AuthorisedUser:
    """End a person's access, keeping the record (who, when, why) and its history (003 D2.3).

    Raises PermissionDenied for anyone but Communications and the service's managers, ValidationError
    for a missing reason, and StaleAccess when someone else changed the access first (ending it twice
    changes nothing the second time).
    """
    if reason not in AccessEndReason.values:
        raise ValidationError("Choose why access is ending")
    note = (note or "")[:300]

    def before_save(locked: AuthorisedUser) -> None:
        locked.ended_at = now
        locked.ended_by = by
        locked.end_reason = reason
        locked.end_note = note
        locked._change_reason = f"{locked.get_end_reason_display()}. {note}".strip(". ")

    description = f"{AccessEndReason(reason).label}. {note}".strip(". ")
    return _access_transition(
        access=access, name="end_access", by=by, description=description, before_save=before_save
    )


def authorised_user_suspend(*, access: AuthorisedUser, by, reason: str, now: datetime) -> AuthorisedUser:
    """Suspend one person's access for now, with the reason (003 D2.3), keeping it to restore later.

    Raises PermissionDenied for anyone but Communications and the service's managers, ValidationError
    for a missing reason or access that is not current, and StaleAccess when someone else changed it
    first.
    """
    reason = (reason or "").strip()[:300]
    if not reason:
        raise ValidationError({"reason": "Enter why the access is suspended"})

    def before_save(locked: AuthorisedUser) -> None:
        locked.suspended_at = now
        locked.suspension_reason = reason
        locked._change_reason = reason

    return _access_transition(
        access=access, name="suspend", by=by, description=reason, before_save=before_save
    )


def authorised_user_restore(*, access: AuthorisedUser, by, now: datetime) -> AuthorisedUser:
    """Restore one person's suspended access (003 D2.3), by someone else: nobody lifts a suspension
    of their own access. Not while an emergency is in force, when no access may be given (003 D9;
    ``access_grant_refusals``): lifting the emergency restores it.

    Raises PermissionDenied for anyone but Communications and the service's managers, ValidationError
    for access that is not suspended or while access may not be given, and StaleAccess when someone
    else changed it first.
    """
    if not access.may_be_restored_by(by):
        raise PermissionDenied("Nobody lifts the suspension of their own access")
    refusals = access_grant_refusals()
    if refusals:
        raise ValidationError(refusals)

    def before_save(locked: AuthorisedUser) -> None:
        locked.suspended_at = None
        locked.suspension_reason = ""
        locked._change_reason = "Suspension over: access restored"

    return _access_transition(
        access=access, name="restore", by=by, description="Suspension over", before_save=before_save
    )


def _access_transition_many(
    rows: list[AuthorisedUser], name: str, *, by, description: str, **fields
) -> list[AuthorisedUser]:
    """Make transition ``name`` on many access records at once: the emergency, its lifting, leavers.

    Set-based on purpose: the runner's lock-check-save-log for each row would make declaring an
    emergency or sweeping leavers one round trip per access record, so these keep one UPDATE. The
    rows are locked by the caller (``select_for_update``, in its transaction); the UPDATE names the
    statuses the transition starts from in its WHERE clause (the claim, STYLE 7), so a row someone
    else moved is not touched and the whole change is undone (StaleAccess) rather than half made.
    Then the history rows and the ``StateLog`` rows (who and why) are written in bulk, as the runner
    would write them one by one (stamped when written, as the runner's are; the record's own
    ``suspended_at``/``ended_at`` say ``now``). Who may make it is the caller's rule: Communications
    declaring or lifting an emergency, a person switched off (003 D2.3), or the system's sweep
    (``by`` None).

    Returns the changed rows, with person and account.
    """
    if not rows:
        return []
    meta = getattr(AuthorisedUser, name)._django_fsm
    sources = list(meta.transitions)
    target = next(iter(meta.transitions.values())).target
    source_of = {row.pk: row.status for row in rows}
    claimed = AuthorisedUser.objects.filter(pk__in=source_of, status__in=sources).update(
        status=target, **fields
    )
    if claimed != len(source_of):
        raise StaleAccess()
    changed = list(AuthorisedUser.objects.filter(pk__in=source_of).select_related("person", "account"))
    AuthorisedUser.history.bulk_history_create(
        changed, update=True, default_user=by, default_change_reason=description
    )
    content_type = ContentType.objects.get_for_model(AuthorisedUser)
    StateLog.objects.bulk_create(
        StateLog(
            by=by,
            source_state=source_of[row.pk],
            state=target,
            transition=name,
            content_type=content_type,
            object_id=row.pk,
            description=description,
        )
        for row in changed
    )
    check_accounts_without_owner(now=timezone.now(), only={row.account_id for row in changed})
    return changed


def person_leaves(*, person, by, now: datetime) -> int:
    """A person has left: switch off their user and end all their access at once (003 D2.3).

    Switching the person off is what ends their access everywhere, whoever's service it is in, so it
    is one set-based change (``_access_transition_many``). Returns how many grants ended. Accounts
    left without an owner are flagged to Communications.
    """
    with transaction.atomic():
        get_user_model().objects.filter(pk=person.pk).update(is_active=False)
        open_access = list(
            AuthorisedUser.objects.not_ended().filter(person=person).select_for_update(of=("self",))
        )
        ended = _access_transition_many(
            open_access,
            "end_access",
            by=by,
            description="Left the council. User switched off",
            ended_at=now,
            ended_by=by,
            end_reason=AccessEndReason.LEFT,
            end_note="User switched off",
        )
    return len(ended)


# --- Checks the periodic jobs run (flags through monitoring) --------------------------------------
def temporary_access_overdue(*, today: date):
    """Open access past its end date, or past its review date (003 D2.9)."""
    return AuthorisedUser.objects.not_ended().filter(Q(expires_on__lt=today) | Q(review_date__lt=today))


def check_temporary_access(*, now: datetime):
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
    """End any access still open for a user who has been switched off, with its history (003 D2.3).

    Catches leavers switched off anywhere (admin, a directory sync, the shell), not only through
    ``person_leaves``. Only the affected rows are read (``access_open_person_idx``); one set-based
    change by the system (``_access_transition_many``), so a second run ends nothing twice.
    """
    with transaction.atomic():
        leavers = list(
            AuthorisedUser.objects.not_ended().filter(person__is_active=False).select_for_update(of=("self",))
        )
        ended = _access_transition_many(
            leavers,
            "end_access",
            by=None,
            description="Left the council: user switched off",
            ended_at=now,
            end_reason=AccessEndReason.LEFT,
            end_note="User switched off",
        )
    return LeaverSweep(ended=len(ended))


@dataclass(frozen=True)
class EmergencyAccessChange:
    in_force: list[AuthorisedUser]
    suspended: list[AuthorisedUser]


def access_suspend_for_emergency(*, keep_person_ids, reason: str, by, now: datetime) -> EmergencyAccessChange:
    """Suspend every access in force except the named Communications officers' (003 D9.1–9.2).

    The emergency is declared by the operations app (Communications only); the access is the
    register's, so the change is made here, in the caller's transaction, set-based with its history
    and log (``_access_transition_many``). Returns every access that was in force (locked, with
    person and account) and those suspended.
    """
    in_force = list(
        AuthorisedUser.objects.current(today=timezone.localdate(now))
        .select_related("person", "account")
        .select_for_update(of=("self",))
    )
    keep = set(keep_person_ids)
    suspended = _access_transition_many(
        [access for access in in_force if access.person_id not in keep],
        "suspend",
        by=by,
        description=reason,
        suspended_at=now,
        suspension_reason=reason,
    )
    return EmergencyAccessChange(in_force=in_force, suspended=suspended)


def access_restore_after_emergency(
    *, access_ids, suspended_at: datetime, reason_prefix: str, change_reason: str, by, now: datetime
) -> list[AuthorisedUser]:
    """Restore the access an emergency suspended, and only that (003 D9.3).

    Access ended, expired, or suspended again for another reason meanwhile (its suspension time or
    reason no longer the emergency's) stays as it is. Set-based, with its history and log
    (``_access_transition_many``). Returns the access restored.
    """
    restorable = list(
        AuthorisedUser.objects.select_for_update()
        .filter(pk__in=access_ids)
        .filter(status=AccessStatus.SUSPENDED, suspended_at=suspended_at)
        .filter(suspension_reason__startswith=reason_prefix)
        .filter(Q(expires_on__isnull=True) | Q(expires_on__gte=timezone.localdate(now)))
    )
    return _access_transition_many(
        restorable,
        "restore",
        by=by,
        description=change_reason,
        suspended_at=None,
        suspension_reason="",
    )


def director_permission_check(
    *, person, platforms: list[str], document_reference: str, director, recorded_by
) -> None:
    """Whether ``recorded_by`` may record ``director``'s written permission for ``person`` (002 §2.6).

    A Director records their own permission; Communications record one from the signed document,
    naming the Director who gave it. Nobody records a permission in another Director's name.
    Raises PermissionDenied for anyone else, ValidationError for a missing or wrong detail. The page
    and Django admin both ask it.
    """
    if not (is_communications(recorded_by) or is_corporate_director(recorded_by)):
        raise PermissionDenied
    if not is_communications(recorded_by) and director != recorded_by:
        raise PermissionDenied
    if director is None or not is_corporate_director(director):
        raise ValidationError({"director": "Choose a Corporate Director from the list"})
    if person is not None and person.pk in (recorded_by.pk, director.pk):
        raise ValidationError(
            {"person": "Nobody records or gives their own permission: your own Director gives it to you"}
        )
    directorates = Directorate.objects.filter(services__in=Service.objects.for_member(person)).distinct()
    if directorates.exists() and not directorates.filter(corporate_director=director).exists():
        # "From your Director" (002 §2.6): the Director of a directorate the person works in.
        names = " or ".join(directorates.values_list("name", flat=True))
        raise ValidationError(
            {"director": f"Only the Corporate Director of {names}, where this person works, can give it"}
        )
    unknown = set(platforms) - set(Platform.values)
    if not platforms or unknown:
        raise ValidationError({"platforms": "Choose at least one platform from the list"})
    if not (document_reference or "").strip():
        raise ValidationError({"document_reference": "Enter where the signed permission is kept"})


def director_permission_record(
    *, person, platforms: list[str], granted_on: date, document_reference: str, director, recorded_by
) -> DirectorPermission:
    """Record a Director's written permission for a person to use named platforms (002 §2.6), once
    ``director_permission_check`` allows it."""
    director_permission_check(
        person=person,
        platforms=platforms,
        document_reference=document_reference,
        director=director,
        recorded_by=recorded_by,
    )
    return DirectorPermission.objects.create(
        person=person,
        platforms=sorted(set(platforms)),
        granted_by=director,
        granted_on=granted_on,
        document_reference=document_reference.strip(),
        recorded_by=recorded_by,
    )


def account_record_password_change(*, account: SocialMediaAccount, on: date, incident, now: datetime) -> None:
    """Record in the register that the password was changed because of an incident (004 Do 3).

    The new date may clear "password not changed": that account's flag is resolved when this commits,
    not at the next scheduled run.
    """
    account.password_changed_on = on
    account._change_reason = f"Incident #{incident.pk}: password changed"
    account.save(update_fields=["password_changed_on", "updated_at"])
    account_checks_reconcile_on_commit(account.pk, now=now)


def account_record_security_check(
    *, account: SocialMediaAccount, mfa_enabled: bool, recovery_contact: str, incident
) -> None:
    """Record the checked multi-factor and recovery details in the register (004 Do 3).

    Who holds recovery is recorded, never a password: ValidationError for one typed here.
    """
    refuse_pasted_password(recovery_contact)
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
        account_risk.mark_review_due(
            account=account, reason=f"The account's {' and '.join(relevant)} changed", now=now
        )
