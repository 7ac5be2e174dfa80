"""Reads for risk assessments: the one access check, and what the register shows and filters by."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from django.core.exceptions import PermissionDenied
from django.db.models import Exists, Max, OuterRef, Q
from django.http import Http404

from .models import OPEN_STATUSES, RiskAssessment, RiskAssessmentStatus, RiskItem, is_owning_service_member


def get_assessment_for_user(user, pk, *, write: bool = False) -> RiskAssessment:
    """The assessment ``pk`` if ``user`` may see it, else 404; with ``write``, only its own service.

    Readers: the owning service, the Corporate Director of its directorate, and Communications.
    Writers: members of the owning service only (000 §25); a reader asking to write gets 403.
    """
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise Http404 from None
    assessment = (
        RiskAssessment.objects.visible_to(user)
        .select_related(
            "account__service__directorate",
            "business_case__service__directorate",
            "created_by",
            "decided_by",
        )
        .filter(pk=pk)
        .first()
    )
    if assessment is None:
        raise Http404("No risk assessment found.")
    if write and not is_owning_service_member(assessment, user):
        raise PermissionDenied("Only the service that owns the account can change its risk assessment.")
    return assessment


def has_accepted_assessment(business_case) -> bool:
    """000 §6e: the business case's risk assessment has been accepted by Communications."""
    return RiskAssessment.objects.filter(
        business_case=business_case, status=RiskAssessmentStatus.ACCEPTED
    ).exists()


@dataclass(frozen=True)
class AssessmentSummary:
    """What the register shows about an account's risk assessment."""

    assessment_id: int | None
    status: str  # the status in force ("accepted"), else the newest version's, else "none"
    status_label: str
    highest_residual_score: int | None
    next_review_date: date | None
    review_due: bool  # marked due by a change to the account
    open_version_status: str  # the status of a version being written or decided, or ""


NO_ASSESSMENT = AssessmentSummary(None, "none", "No risk assessment", None, None, False, "")


def assessment_summary_for_accounts(account_ids) -> dict[int, AssessmentSummary]:
    """Each account's assessment summary, in two queries whatever the number of accounts.

    The summary describes the version in force when there is one (its highest residual score and
    next review date), otherwise the newest version. Accounts without an assessment are absent:
    use ``summary.get(account_id, NO_ASSESSMENT)``.
    """
    account_ids = list(account_ids)
    if not account_ids:
        return {}
    versions = list(
        RiskAssessment.objects.filter(account_id__in=account_ids)
        .exclude(status=RiskAssessmentStatus.SUPERSEDED)
        .order_by("account_id", "-version")
        .values("pk", "account_id", "status", "next_review_date", "review_due_since")
    )
    scores = dict(
        RiskItem.objects.filter(
            assessment__account_id__in=account_ids,
            assessment__status=RiskAssessmentStatus.ACCEPTED,
            removed_at__isnull=True,
        )
        .values_list("assessment_id")
        .annotate(m=Max("residual_score"))
    )
    labels = dict(RiskAssessmentStatus.choices)
    summaries: dict[int, AssessmentSummary] = {}
    by_account: dict[int, list[dict]] = {}
    for row in versions:
        by_account.setdefault(row["account_id"], []).append(row)
    for account_id, rows in by_account.items():
        in_force = next((r for r in rows if r["status"] == RiskAssessmentStatus.ACCEPTED), None)
        open_row = next((r for r in rows if r["status"] in OPEN_STATUSES), None)
        shown = in_force or rows[0]
        summaries[account_id] = AssessmentSummary(
            assessment_id=shown["pk"],
            status=shown["status"],
            status_label=labels[shown["status"]],
            highest_residual_score=scores.get(shown["pk"]),
            next_review_date=shown["next_review_date"],
            review_due=shown["review_due_since"] is not None,
            open_version_status=open_row["status"] if open_row and open_row is not shown else "",
        )
    return summaries


def review_overdue_q(*, now: datetime, account_ref: str = "pk") -> Q:
    """A filter for SocialMediaAccount: its assessment in force is overdue for review.

    ``SocialMediaAccount.objects.filter(review_overdue_q(now=now))``.
    """
    return Q(Exists(RiskAssessment.objects.review_overdue(now=now).filter(account_id=OuterRef(account_ref))))


def no_accepted_assessment_q(*, account_ref: str = "pk") -> Q:
    """A filter for SocialMediaAccount: no assessment of the account is in force (000 §6e)."""
    return ~Q(Exists(RiskAssessment.objects.in_force().filter(account_id=OuterRef(account_ref))))
