"""Writes for risk assessments: one service per change, each in a transaction (000 §6e, §9, §25)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from councilsocial.flags.models import FlagKind
from councilsocial.flags.services import FlagChanges, flags_reconcile
from councilsocial.lib.transitions import run_transition
from councilsocial.notifications.services import notification_enqueue

from . import scoring
from .categories import STANDARD_RISKS
from .models import OPEN_STATUSES, RiskAssessment, RiskAssessmentStatus, RiskItem, is_owning_service_member

ITEM_FIELDS = (
    "category",
    "description",
    "likelihood",
    "impact",
    "mitigations",
    "residual_likelihood",
    "residual_impact",
    "owner",
    "policy_reference",
)


class RiskAssessmentError(ValidationError):
    """A change the rules refuse, with a message for the person who asked for it."""


def _check_edit(assessment: RiskAssessment, by) -> None:
    """Only the owning service changes a draft. Call inside a transaction: the row is locked, so an
    edit and a submission at the same moment happen one after the other, never interleaved."""
    if not is_owning_service_member(assessment, by):
        raise PermissionDenied("Only the service that owns the account can change its risk assessment.")
    status = RiskAssessment.objects.select_for_update().values_list("status", flat=True).get(pk=assessment.pk)
    if status != RiskAssessmentStatus.DRAFT:
        raise RiskAssessmentError(
            f"This version is {RiskAssessmentStatus(status).label.lower()} and can no longer be changed."
        )


def _check_scores(fields: dict) -> None:
    message = scoring.residual_error(
        fields.get("likelihood"),
        fields.get("impact"),
        fields.get("residual_likelihood"),
        fields.get("residual_impact"),
    )
    if message:
        raise RiskAssessmentError({"residual_likelihood": message})


# --- Telling people (000 §6e: the assessment is returned to Communications) -----------------------
def _url(assessment: RiskAssessment) -> str:
    return f"{settings.SITE_URL}{reverse('risk-assessment-detail', args=[assessment.pk])}"


def _service_emails(assessment: RiskAssessment) -> list[str]:
    """Who hears about decisions: the person who started this version and the service's managers."""
    emails = {assessment.created_by.email}
    service = assessment.service
    if service is not None:
        emails.update(service.managers.exclude(email="").values_list("email", flat=True))
    return sorted(email for email in emails if email)


def _tell(emails, *, assessment: RiskAssessment, subject: str, body: str, now: datetime) -> None:
    key = f"risk_assessment:{assessment.pk}:{assessment.status}:{now.timestamp():.0f}"
    for email in emails:
        notification_enqueue(to=email, subject=subject, body=body, dedupe_key=f"{key}:{email}"[:200])


def risk_assessment_start(*, by, now: datetime, account=None, business_case=None) -> RiskAssessment:
    """Start version 1 of an assessment, pre-filled with one item per standard risk (000 §9).

    An account (or a business case) has one assessment; once it has one, the next version is
    started by reviewing it (``risk_assessment_start_review``).
    """
    if (account is None) == (business_case is None):
        raise ValueError("An assessment belongs to an account or to a business case, not both.")
    owner_filter = {"account": account} if account is not None else {"business_case": business_case}
    with transaction.atomic():
        assessment = RiskAssessment(created_by=by, created_at=now, **owner_filter)
        if not is_owning_service_member(assessment, by):
            raise PermissionDenied("Only the service that owns the account can write its risk assessment.")
        # Lock the owner's row so two people starting at once make one assessment, not two.
        owner = account if account is not None else business_case
        type(owner).objects.select_for_update().filter(pk=owner.pk).first()
        if RiskAssessment.objects.filter(**owner_filter).exists():
            raise RiskAssessmentError("There is already a risk assessment for this. Review it instead.")
        assessment.save()
        RiskItem.objects.bulk_create(
            RiskItem(
                assessment=assessment,
                position=position,
                category=risk.category,
                description=risk.description,
                mitigations=risk.mitigations,
                policy_reference=risk.policy_reference,
            )
            for position, risk in enumerate(STANDARD_RISKS, start=1)
        )
    return assessment


def risk_item_add(*, assessment: RiskAssessment, by, **fields) -> RiskItem:
    """Add a risk the standard list does not cover."""
    _check_scores(fields)
    with transaction.atomic():
        _check_edit(assessment, by)
        position = (
            assessment.items.order_by("-position").values_list("position", flat=True).first() or 0
        ) + 1
        return RiskItem.objects.create(
            assessment=assessment, position=position, **{k: fields[k] for k in ITEM_FIELDS if k in fields}
        )


def risk_item_update(*, item: RiskItem, by, **fields) -> RiskItem:
    """Change a risk's description, scores, mitigations or owner; the residual never above the inherent."""
    with transaction.atomic():
        _check_edit(item.assessment, by)
        if item.is_removed:
            raise RiskAssessmentError("This risk has been removed. Add it again instead.")
        for name in ITEM_FIELDS:
            if name in fields:
                setattr(item, name, fields[name])
        _check_scores({name: getattr(item, name) for name in ITEM_FIELDS})
        item.save(update_fields=[name for name in ITEM_FIELDS if name in fields])
    item.refresh_from_db(fields=["inherent_score", "residual_score"])
    return item


def risk_item_remove(*, item: RiskItem, by, reason: str, now: datetime) -> RiskItem:
    """Remove a risk from this version, with the reason why; it stays on the record."""
    reason = reason.strip()
    if not reason:
        raise RiskAssessmentError({"reason": "Enter why this risk does not apply"})
    with transaction.atomic():
        _check_edit(item.assessment, by)
        item.removed_at = now
        item.removed_reason = reason
        item.save(update_fields=["removed_at", "removed_reason"])
    return item


def _moved_on(assessment: RiskAssessment) -> RiskAssessmentError:
    return RiskAssessmentError(
        f"This version is {assessment.get_status_display().lower()}: it has moved on since you opened it."
    )


STALE_MESSAGE = "Someone else changed this risk assessment first. Look at it again."


def _transition(
    assessment: RiskAssessment,
    name: str,
    by,
    description: str = "",
    *,
    prepare: Callable[[RiskAssessment], None] | None = None,
    before_save: Callable[[RiskAssessment], None] | None = None,
) -> RiskAssessment:
    """Run one transition through the shared runner (``councilsocial.lib.transitions``), or say
    clearly why not. The caller's copy is brought up to date too."""
    moved = run_transition(
        queryset=RiskAssessment,
        pk=assessment.pk,
        name=name,
        by=by,
        description=description,
        not_possible=_moved_on,
        refused=lambda _a: PermissionDenied("You cannot do that to this risk assessment."),
        conditions_not_met=lambda _a, _failed: RiskAssessmentError(
            "This risk assessment is not ready for that yet."
        ),
        prepare=prepare,
        before_save=before_save,
        stale=RiskAssessmentError,
        stale_message=STALE_MESSAGE,
    )
    assessment.refresh_from_db()
    return moved


def decision_refusal(assessment: RiskAssessment, user) -> str | None:
    """Why ``user`` may not accept or return this assessment, or None: whoever acted at another
    approval stage of the business case behind it may not decide it too; the business case says
    who did what (issue 11, defect 7b; 000 §6)."""
    case = assessment.business_case
    return case.refusal_to_decide_risk_assessment(user) if case is not None else None


def _check_segregation(assessment: RiskAssessment, by) -> None:
    refusal = decision_refusal(assessment, by)
    if refusal:
        raise PermissionDenied(refusal)


def risk_assessment_submit(*, assessment: RiskAssessment, by, now: datetime) -> RiskAssessment:
    """The service returns the completed assessment to Communications (000 §6e)."""
    if not is_owning_service_member(assessment, by):
        raise PermissionDenied("Only the service that owns the account can submit its risk assessment.")

    def prepare(locked: RiskAssessment) -> None:
        # Locked, so no edit lands between the completeness check and the submission.
        if locked.incomplete_item_count():
            raise RiskAssessmentError(
                "Give every risk a likelihood, an impact, both after mitigation, and an owner before "
                "you submit. Remove any risk that does not apply."
            )

    def before_save(locked: RiskAssessment) -> None:
        locked.submitted_at = now

    with transaction.atomic():
        submitted = _transition(assessment, "submit", by, prepare=prepare, before_save=before_save)
        _tell(
            [settings.COMMUNICATIONS_EMAIL],
            assessment=submitted,
            subject=f"Risk assessment to decide: {submitted.owner_label}",
            body=(
                f"{submitted.service} submitted version {submitted.version} of the risk assessment for "
                f"{submitted.owner_label}. Accept it or return it with a comment:\n\n{_url(submitted)}\n"
            ),
            now=now,
        )
    return assessment


def risk_assessment_return(*, assessment: RiskAssessment, by, comment: str, now: datetime) -> RiskAssessment:
    """Communications returns the assessment to the service with a comment saying what to change."""
    comment = comment.strip()
    if not comment:
        raise RiskAssessmentError({"comment": "Enter what the service needs to change"})
    with transaction.atomic():
        _check_segregation(assessment, by)

        def before_save(locked: RiskAssessment) -> None:
            locked.return_comment = comment
            locked.decided_by = by
            locked.decided_at = now

        _transition(assessment, "send_back", by, comment, before_save=before_save)
        _tell(
            _service_emails(assessment),
            assessment=assessment,
            subject=f"Risk assessment returned: {assessment.owner_label}",
            body=(
                f"Communications returned version {assessment.version} of the risk assessment for "
                f"{assessment.owner_label}:\n\n{comment}\n\nMake the changes and submit it again:\n"
                f"{_url(assessment)}\n"
            ),
            now=now,
        )
    return assessment


def risk_assessment_revise(*, assessment: RiskAssessment, by) -> RiskAssessment:
    """The service takes a returned assessment back into draft to make the changes asked for."""
    with transaction.atomic():
        _transition(assessment, "revise", by)
    return assessment


def review_date_for(assessment: RiskAssessment, *, accepted_on) -> object:
    """The next review date of an assessment accepted on ``accepted_on`` (the settings decide)."""
    return scoring.next_review_date(
        accepted_on,
        assessment.highest_residual_score(),
        months=settings.RISK_REVIEW_MONTHS,
        months_high=settings.RISK_REVIEW_MONTHS_HIGH,
        high_threshold=settings.RISK_HIGH_RESIDUAL_SCORE,
    )


def risk_assessment_accept(
    *, assessment: RiskAssessment, by, now: datetime, comment: str = ""
) -> RiskAssessment:
    """Communications accepts the assessment: it comes into force and the one before is superseded.

    The next review date is set from the highest residual score (sooner when a risk stays high).
    """
    with transaction.atomic():
        _check_segregation(assessment, by)

        def before_save(accepted: RiskAssessment) -> None:
            previous = (
                RiskAssessment.objects.filter(series=accepted.series, status=RiskAssessmentStatus.ACCEPTED)
                .exclude(pk=accepted.pk)
                .first()
            )
            if previous is not None:  # saved first: one version in force per series
                _transition(
                    previous,
                    "supersede",
                    by,
                    f"Superseded by version {accepted.version}",
                    before_save=lambda superseded: setattr(superseded, "superseded_at", now),
                )
            accepted.decided_by = by
            accepted.decided_at = now
            accepted.accepted_at = now
            accepted.next_review_date = review_date_for(accepted, accepted_on=timezone.localdate(now))

        _transition(assessment, "accept", by, comment.strip(), before_save=before_save)
        _tell(
            _service_emails(assessment),
            assessment=assessment,
            subject=f"Risk assessment accepted: {assessment.owner_label}",
            body=(
                f"Communications accepted version {assessment.version} of the risk assessment for "
                f"{assessment.owner_label}. Review it by {assessment.next_review_date:%-d %B %Y}, or sooner "
                f"if the account changes.\n\n{_url(assessment)}\n"
            ),
            now=now,
        )
    return assessment


def risk_assessment_start_review(*, assessment: RiskAssessment, by, now: datetime) -> RiskAssessment:
    """Start the next version: a draft copied from the one in force, which stays in force meanwhile."""
    if not is_owning_service_member(assessment, by):
        raise PermissionDenied("Only the service that owns the account can review its risk assessment.")
    if not assessment.is_in_force:
        raise RiskAssessmentError("Only the assessment in force can be reviewed.")
    try:
        with transaction.atomic():
            draft = RiskAssessment.objects.create(
                series=assessment.series,
                version=assessment.version + 1,
                previous_version=assessment,
                account=assessment.account,
                business_case=assessment.business_case,
                created_by=by,
                created_at=now,
            )
            RiskItem.objects.bulk_create(
                RiskItem(
                    assessment=draft,
                    key=item.key,
                    position=item.position,
                    **{name: getattr(item, name) for name in ITEM_FIELDS},
                )
                for item in assessment.active_items()
            )
    except IntegrityError:  # the open-version constraint: someone started the review first
        raise RiskAssessmentError("A review of this assessment has already been started.") from None
    return draft


def open_version(assessment: RiskAssessment) -> RiskAssessment | None:
    """The version of the same assessment being written or decided, if any."""
    return RiskAssessment.objects.filter(series=assessment.series, status__in=OPEN_STATUSES).first()


def risk_assessment_attach_to_account(*, business_case, account) -> int:
    """Move a business case's assessments to the account set up when the case goes live.

    Called by the business case's go-live service; returns how many versions moved. The case stays
    recorded on each version, so the history still shows where the assessment began.
    """
    return RiskAssessment.objects.filter(business_case=business_case, account__isnull=True).update(
        account=account
    )


def risk_assessment_mark_review_due(*, account, reason: str, now: datetime) -> int:
    """A change to the account (kind, owning service or platform) makes its assessment due for review.

    Marks the assessment in force; the mark clears when a newer version is accepted (it is set only
    on the version in force). Returns how many were marked (0 or 1). Called by the register.
    """
    return (
        RiskAssessment.objects.in_force()
        .filter(account=account, review_due_since__isnull=True)
        .update(review_due_since=now, review_due_reason=reason[:300])
    )


def check_overdue_reviews(*, now: datetime) -> FlagChanges:
    """Raise a flag for each assessment in force past its review, resolve those reviewed (000 §25).

    Called by monitoring's periodic governance checks.
    """
    return flags_reconcile(
        kind=FlagKind.RISK_REVIEW_OVERDUE,
        subjects=RiskAssessment.objects.review_overdue(now=now),
        now=now,
        account_field="account_id",
        service_field="account__service_id",
    )
