"""Risk assessments and their risk items (001 §7, 000 §6e, §9, §25).

An assessment belongs to a social media account, or to a business case before its account exists
(000 §6e: once the case is approved, the service completes the risk assessment and returns it to
Communications); when the case goes live its assessments move to the new account.

Each version of an assessment is a row. Versions of the same assessment share a ``series`` and
count up from 1. The accepted version stays *in force* until a newer version is accepted, when it
becomes *superseded*; every version stays readable.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.db.models.lookups import LessThanOrEqual
from django.utils import timezone
from django_fsm import ConcurrentTransitionMixin, FSMField, transition
from django_fsm_log.decorators import fsm_log_by, fsm_log_description

from accounts_register.models import AccountStatus, Service
from accounts_register.selectors import service_role
from councilsocial.permissions import is_communications

from . import scoring
from .categories import RiskCategory


class RiskAssessmentStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    SUBMITTED = "submitted", "Submitted to Communications"
    ACCEPTED = "accepted", "Accepted"
    RETURNED = "returned", "Returned for changes"
    SUPERSEDED = "superseded", "Superseded"


OPEN_STATUSES = (RiskAssessmentStatus.DRAFT, RiskAssessmentStatus.SUBMITTED, RiskAssessmentStatus.RETURNED)


def owning_service(assessment):
    """The service that owns an assessment: its account's, else its business case's."""
    if assessment.account_id:
        return assessment.account.service
    case = getattr(assessment, "business_case", None)
    return getattr(case, "service", None)


def is_owning_service_member(assessment, user) -> bool:
    """Only the owning service edits and submits its assessment (000 §6e, §25)."""
    return service_role(user, owning_service(assessment)).is_member


def can_decide(assessment, user) -> bool:
    """Only Communications accepts or returns an assessment (000 §6e)."""
    return is_communications(user)


def is_complete(assessment) -> bool:
    """Every risk still in the assessment is fully scored and has an owner (a submit condition)."""
    return (
        assessment.incomplete_item_count() == 0 and assessment.items.filter(removed_at__isnull=True).exists()
    )


class RiskAssessmentQuerySet(models.QuerySet):
    def in_force(self) -> RiskAssessmentQuerySet:
        """The accepted versions: the ones in force (at most one per series)."""
        return self.filter(status=RiskAssessmentStatus.ACCEPTED)

    def review_overdue(self, *, now: datetime) -> RiskAssessmentQuerySet:
        """Assessments in force whose review date has passed, or marked due by a change to the account.

        000 §25: the service keeps the risk assessment up to date. The condition holds until a newer
        version is accepted, which supersedes this one. A closed or archived account needs no review
        (its flag resolves). Used by ``check_overdue_reviews``.
        """
        return (
            self.in_force()
            .filter(Q(next_review_date__lt=timezone.localdate(now)) | Q(review_due_since__isnull=False))
            .exclude(account__status__in=[AccountStatus.CLOSED, AccountStatus.ARCHIVED])
        )

    def visible_to(self, user) -> RiskAssessmentQuerySet:
        """Assessments a person may read: their services', their directorate's, or all for Comms."""
        if not user.is_authenticated:
            return self.none()
        if is_communications(user):
            return self.all()
        services = Service.objects.visible_to(user).values("pk")
        return self.filter(Q(account__service__in=services) | Q(business_case__service__in=services))

    def latest_versions(self) -> RiskAssessmentQuerySet:
        """The newest version of each series."""
        return self.order_by("series", "-version").distinct("series")


class RiskAssessment(ConcurrentTransitionMixin, models.Model):
    """One version of an account's (or a business case's) risk assessment (000 §6e, §9)."""

    series = models.UUIDField(
        default=uuid.uuid4, editable=False, help_text="Shared by every version of the same assessment."
    )
    version = models.PositiveIntegerField(default=1)
    previous_version = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="next_version",
        help_text="The version this one was copied from when its review began.",
    )
    account = models.ForeignKey(
        "accounts_register.SocialMediaAccount",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="risk_assessments",
    )
    business_case = models.ForeignKey(
        "business_cases.BusinessCase",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="risk_assessments",
        help_text="The business case it was written for, before the account existed.",
    )
    status = FSMField(
        max_length=20,
        choices=RiskAssessmentStatus.choices,
        default=RiskAssessmentStatus.DRAFT,
        protected=True,
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="risk_assessments_started"
    )
    created_at = models.DateTimeField()
    submitted_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="risk_assessments_decided",
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    return_comment = models.TextField(blank=True, help_text="Why Communications returned it, the last time.")
    accepted_at = models.DateTimeField(null=True, blank=True)
    next_review_date = models.DateField(null=True, blank=True)
    superseded_at = models.DateTimeField(null=True, blank=True)
    review_due_since = models.DateTimeField(
        null=True, blank=True, help_text="Set when the account changed kind, owner or platform."
    )
    review_due_reason = models.CharField(max_length=300, blank=True)

    objects = RiskAssessmentQuerySet.as_manager()

    class Meta:
        ordering = ["series", "-version"]
        constraints = [
            models.CheckConstraint(
                condition=Q(account__isnull=False) | Q(business_case__isnull=False),
                name="risk_assessment_has_owner",
            ),
            models.UniqueConstraint(fields=["series", "version"], name="risk_assessment_unique_version"),
            models.UniqueConstraint(
                fields=["series"],
                condition=Q(status=RiskAssessmentStatus.ACCEPTED),
                name="risk_assessment_one_in_force",
            ),
            models.UniqueConstraint(
                fields=["series"],
                condition=Q(status__in=[s.value for s in OPEN_STATUSES]),
                name="risk_assessment_one_open_version",
            ),
        ]
        indexes = [
            # check_overdue_reviews: assessments in force whose review date has passed.
            models.Index(
                fields=["next_review_date"],
                condition=Q(status=RiskAssessmentStatus.ACCEPTED),
                name="risk_in_force_review_idx",
            ),
            # check_overdue_reviews: assessments in force marked due by a change to the account.
            models.Index(
                fields=["review_due_since"],
                condition=Q(status=RiskAssessmentStatus.ACCEPTED, review_due_since__isnull=False),
                name="risk_in_force_marked_due_idx",
            ),
            # Register summary and filters: the assessments of a set of accounts.
            models.Index(fields=["account", "status"], name="risk_account_status_idx"),
        ]

    def __str__(self) -> str:
        return f"Risk assessment for {self.owner_label} (version {self.version})"

    @property
    def owner_label(self) -> str:
        if self.account_id:
            return str(self.account)
        return f"business case {self.business_case}" if self.business_case_id else "no account"

    @property
    def service(self):
        """The owning service (lets the site-wide ``rules`` predicates take an assessment)."""
        return owning_service(self)

    @property
    def is_in_force(self) -> bool:
        return self.status == RiskAssessmentStatus.ACCEPTED

    @property
    def is_returned(self) -> bool:
        return self.status == RiskAssessmentStatus.RETURNED

    @property
    def is_editable(self) -> bool:
        return self.status == RiskAssessmentStatus.DRAFT

    def active_items(self):
        return self.items.filter(removed_at__isnull=True)

    def incomplete_item_count(self) -> int:
        return (
            self.active_items()
            .filter(
                Q(likelihood__isnull=True)
                | Q(impact__isnull=True)
                | Q(residual_likelihood__isnull=True)
                | Q(residual_impact__isnull=True)
                | Q(owner="")
            )
            .count()
        )

    def highest_residual_score(self) -> int | None:
        return self.active_items().aggregate(m=models.Max("residual_score"))["m"]

    # --- Workflow (000 §6e): draft → submitted → accepted, or → returned → draft ----------------
    @fsm_log_by
    @fsm_log_description
    @transition(
        field=status,
        source=RiskAssessmentStatus.DRAFT,
        target=RiskAssessmentStatus.SUBMITTED,
        permission=is_owning_service_member,
        conditions=[is_complete],
    )
    def submit(self, *, by=None, description=None):
        """The service returns the completed assessment to Communications (000 §6e)."""

    @fsm_log_by
    @fsm_log_description
    @transition(
        field=status,
        source=RiskAssessmentStatus.SUBMITTED,
        target=RiskAssessmentStatus.ACCEPTED,
        permission=can_decide,
    )
    def accept(self, *, by=None, description=None):
        """Communications accepts the assessment; it is in force until a newer version is accepted."""

    @fsm_log_by
    @fsm_log_description
    @transition(
        field=status,
        source=RiskAssessmentStatus.SUBMITTED,
        target=RiskAssessmentStatus.RETURNED,
        permission=can_decide,
    )
    def send_back(self, *, by=None, description=None):
        """Communications returns the assessment to the service with a comment."""

    @fsm_log_by
    @fsm_log_description
    @transition(
        field=status,
        source=RiskAssessmentStatus.RETURNED,
        target=RiskAssessmentStatus.DRAFT,
        permission=is_owning_service_member,
    )
    def revise(self, *, by=None, description=None):
        """The service takes a returned assessment back into draft to make the changes asked for."""

    @fsm_log_by
    @fsm_log_description
    @transition(field=status, source=RiskAssessmentStatus.ACCEPTED, target=RiskAssessmentStatus.SUPERSEDED)
    def supersede(self, *, by=None, description=None):
        """A newer version has been accepted: this one is kept, readable, but no longer in force."""


class RiskItem(models.Model):
    """One risk of an assessment: scored before and after its mitigations (001 §7).

    ``key`` identifies the same risk across versions, so two versions can be compared item by item.
    A risk is never deleted from a version: the service removes it with a reason.
    """

    assessment = models.ForeignKey(RiskAssessment, on_delete=models.CASCADE, related_name="items")
    key = models.UUIDField(default=uuid.uuid4, editable=False)
    position = models.PositiveIntegerField(default=0)
    category = models.CharField(max_length=40, choices=RiskCategory.choices)
    description = models.TextField("risk")
    likelihood = models.PositiveSmallIntegerField(null=True, blank=True)
    impact = models.PositiveSmallIntegerField(null=True, blank=True)
    mitigations = models.TextField(blank=True)
    residual_likelihood = models.PositiveSmallIntegerField(
        "likelihood after mitigation", null=True, blank=True
    )
    residual_impact = models.PositiveSmallIntegerField("impact after mitigation", null=True, blank=True)
    inherent_score = models.GeneratedField(
        expression=F("likelihood") * F("impact"),
        output_field=models.PositiveSmallIntegerField(),
        db_persist=True,
    )
    residual_score = models.GeneratedField(
        expression=F("residual_likelihood") * F("residual_impact"),
        output_field=models.PositiveSmallIntegerField(),
        db_persist=True,
    )
    owner = models.CharField(
        max_length=200, blank=True, help_text="The person or role who manages this risk."
    )
    policy_reference = models.CharField("policy paragraph", max_length=200, blank=True)
    removed_at = models.DateTimeField(null=True, blank=True)
    removed_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["assessment", "key"], name="risk_item_unique_key_in_version"),
            models.CheckConstraint(
                condition=Q(likelihood__isnull=True) | Q(likelihood__gte=1, likelihood__lte=5),
                name="risk_item_likelihood_1_to_5",
            ),
            models.CheckConstraint(
                condition=Q(impact__isnull=True) | Q(impact__gte=1, impact__lte=5),
                name="risk_item_impact_1_to_5",
            ),
            models.CheckConstraint(
                condition=Q(residual_likelihood__isnull=True)
                | Q(residual_likelihood__gte=1, residual_likelihood__lte=5),
                name="risk_item_residual_likelihood_1_to_5",
            ),
            models.CheckConstraint(
                condition=Q(residual_impact__isnull=True) | Q(residual_impact__gte=1, residual_impact__lte=5),
                name="risk_item_residual_impact_1_to_5",
            ),
            # Mitigations never make a risk worse (scoring.residual_error gives the message); a NULL
            # score, not yet given, passes.
            models.CheckConstraint(
                condition=LessThanOrEqual(
                    F("residual_likelihood") * F("residual_impact"), F("likelihood") * F("impact")
                ),
                name="risk_item_residual_not_above_inherent",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_category_display()}: {self.description[:60]}"

    @property
    def is_removed(self) -> bool:
        return self.removed_at is not None

    @property
    def is_complete(self) -> bool:
        return None not in (
            self.likelihood,
            self.impact,
            self.residual_likelihood,
            self.residual_impact,
        ) and bool(self.owner)

    def _score(self, likelihood, impact) -> int | None:
        if likelihood is None or impact is None:
            return None
        return scoring.risk_score(likelihood, impact)

    @property
    def inherent(self) -> int | None:
        return self._score(self.likelihood, self.impact)

    @property
    def residual(self) -> int | None:
        return self._score(self.residual_likelihood, self.residual_impact)

    @property
    def inherent_band(self):
        return scoring.band_for(self.inherent) if self.inherent else None

    @property
    def residual_band(self):
        return scoring.band_for(self.residual) if self.residual else None

    def likelihood_level(self):
        return scoring.LIKELIHOOD_LEVELS.get(self.likelihood)

    def impact_level(self):
        return scoring.IMPACT_LEVELS.get(self.impact)

    def residual_likelihood_level(self):
        return scoring.LIKELIHOOD_LEVELS.get(self.residual_likelihood)

    def residual_impact_level(self):
        return scoring.IMPACT_LEVELS.get(self.residual_impact)
