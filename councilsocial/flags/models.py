"""Governance flags: the findings of the periodic checks."""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.db import models
from django.db.models import Q


class FlagKind(models.TextChoices):
    """What a governance flag is about, in words. Each comes from a policy rule; the rule's reference
    is ``FLAG_REFERENCES`` (shown as a hint, never as the label)."""

    OVERDUE_ENQUIRY = "overdue_enquiry", "Enquiry not answered in time"
    ACCOUNT_INACTIVE = "account_inactive", "Account inactive for more than a month"
    POSTING_BELOW_GUIDELINE = (
        "posting_below_guideline",
        "Corporate account posting below its guideline",
    )
    TEMPORARY_ACCESS_EXPIRED = (
        "temporary_access_expired",
        "Temporary access past its end or review date",
    )
    RISK_REVIEW_OVERDUE = "risk_review_overdue", "Risk assessment review overdue"
    CREDENTIALS_NOT_ROTATED = (
        "credentials_not_rotated",
        "Password not changed within the rotation period",
    )
    BUSINESS_CASE_WAITING = "business_case_waiting", "Business case waiting too long for a decision"
    ACCOUNT_REVIEW_OVERDUE = "account_review_overdue", "Account past its yearly review date"
    ACCOUNT_WITHOUT_OWNER = "account_without_owner", "Account left without an owner"
    POLICY_REVIEW_DUE = "policy_review_due", "Six-monthly policy review due"


#: The policy paragraph behind each kind of flag, for hints beside the words.
FLAG_REFERENCES = {
    FlagKind.OVERDUE_ENQUIRY: "000 §25",
    FlagKind.ACCOUNT_INACTIVE: "003 D5.1",
    FlagKind.POSTING_BELOW_GUIDELINE: "003 D5.2",
    FlagKind.TEMPORARY_ACCESS_EXPIRED: "003 D2.9",
    FlagKind.RISK_REVIEW_OVERDUE: "000 §9",
    FlagKind.CREDENTIALS_NOT_ROTATED: "004 Do 3",
    FlagKind.ACCOUNT_WITHOUT_OWNER: "003 D2.3",
    FlagKind.POLICY_REVIEW_DUE: "002 §1.6",
}


class GovernanceFlagQuerySet(models.QuerySet):
    def open(self) -> GovernanceFlagQuerySet:
        return self.filter(resolved_at__isnull=True)


class GovernanceFlag(models.Model):
    """A finding of a governance check: at most one open flag per kind and subject.

    A flag is raised when its condition first holds and resolved (never deleted) when it clears,
    so the history of every finding is kept. ``account`` and ``service`` say whose it is, for the
    register's "has open flags" filter and for routing the digest emails.
    """

    kind = models.CharField(max_length=40, choices=FlagKind.choices)
    subject_type = models.ForeignKey("contenttypes.ContentType", on_delete=models.PROTECT)
    subject_id = models.BigIntegerField()
    subject = GenericForeignKey("subject_type", "subject_id")
    account = models.ForeignKey(
        "accounts_register.SocialMediaAccount",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="flags",
    )
    service = models.ForeignKey(
        "accounts_register.Service", on_delete=models.PROTECT, null=True, blank=True, related_name="flags"
    )
    raised_at = models.DateTimeField()
    resolved_at = models.DateTimeField(null=True, blank=True)
    notified_at = models.DateTimeField(null=True, blank=True)
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="Who Communications has asked to clear it. Kept in the flag's history.",
    )

    objects = GovernanceFlagQuerySet.as_manager()

    class Meta:
        ordering = ["-raised_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "subject_type", "subject_id"],
                condition=Q(resolved_at__isnull=True),
                name="flag_one_open_per_kind_and_subject",
            )
        ]
        indexes = [
            # Job flags_reconcile (every governance check), its resolve step: the open flags of one
            # kind and subject type, whatever the number of resolved ones kept as history.
            models.Index(
                fields=["kind", "subject_type"],
                condition=Q(resolved_at__isnull=True),
                name="flag_open_resolve_idx",
            ),
            # Register filter "has open flags" and the account page.
            models.Index(
                fields=["account"], condition=Q(resolved_at__isnull=True), name="flag_open_by_account_idx"
            ),
            # Digest job: open flags not yet notified.
            models.Index(
                fields=["raised_at"],
                condition=Q(resolved_at__isnull=True, notified_at__isnull=True),
                name="flag_unnotified_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.subject_type.model} {self.subject_id})"


class FlagEventKind(models.TextChoices):
    ASSIGNED = "assigned", "Assigned"
    UNASSIGNED = "unassigned", "Unassigned"
    NOTE = "note", "Note"


class FlagEvent(models.Model):
    """The history of a flag beyond raising and resolving: who it was assigned to, and notes.

    Assigning or noting never clears a flag: it clears when its condition clears (the checks).
    """

    flag = models.ForeignKey(GovernanceFlag, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=20, choices=FlagEventKind.choices)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField()
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} on flag {self.flag_id}"
