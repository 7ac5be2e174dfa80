"""Response policies (003 D8.3)."""

from __future__ import annotations

from django.db import models
from django.db.models import Q


class ResponsePolicy(models.Model):
    """An account's own response policy instead of 000 §25's working-day rule.

    003 D8.3: online communities are answered within 48 hours. Kept here rather than on the register
    so monitoring owns its rules; an account without one follows the working-day rule.
    """

    account = models.OneToOneField(
        "accounts_register.SocialMediaAccount", on_delete=models.CASCADE, related_name="response_policy"
    )
    fixed_hours = models.PositiveSmallIntegerField(
        help_text="Enquiries are due this many hours after they arrive, whatever the office hours."
    )
    reason = models.CharField(
        max_length=200, blank=True, help_text="For example: online community (003 D8.3)."
    )

    class Meta:
        verbose_name_plural = "response policies"
        constraints = [models.CheckConstraint(condition=Q(fixed_hours__gt=0), name="policy_hours_positive")]

    def __str__(self) -> str:
        return f"{self.account}: within {self.fixed_hours} hours"
