"""Demo risk assessments for ``seed_demo``: realistic scores for the demo council's accounts.

Idempotent: an account that already has an assessment is left alone. Each assessment goes through
the real services (start, score, submit, accept), so the demo shows logged transitions, review
dates and a realistic council heat map. One account's assessment is accepted 13 months ago, so its
review is overdue; the last two have a review under way, left submitted and in draft, for
Communications' queue. Every account has an accepted assessment in force, which a proposed account
needs before it can be made active (000 §6e).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.contrib.auth import get_user_model

from accounts_register.models import AccountStatus, SocialMediaAccount
from councilsocial.permissions import COMMUNICATIONS

from . import services
from .categories import RiskCategory

# (likelihood, impact, residual likelihood, residual impact, owner) per standard risk.
DEMO_SCORES = {
    RiskCategory.REPUTATION: (3, 4, 2, 3, "Service manager"),
    RiskCategory.LEGAL: (2, 4, 1, 4, "Service manager, with Legal Services"),
    RiskCategory.CONFIDENTIAL_INFORMATION: (3, 4, 2, 3, "Information Manager"),
    RiskCategory.SAFEGUARDING: (2, 5, 1, 5, "Designated safeguarding lead"),
    RiskCategory.ACCOUNT_SECURITY: (3, 5, 1, 4, "Communications digital team"),
    RiskCategory.HARASSMENT: (4, 3, 3, 2, "Service manager"),
    RiskCategory.POLITICAL_NEUTRALITY: (2, 4, 1, 3, "Communications digital team"),
    RiskCategory.RESOURCING: (3, 3, 2, 2, "Service manager"),
    RiskCategory.LOST_PRODUCTIVITY: (2, 2, 1, 2, "Line managers"),
}


def _member(account):
    return account.service.managers.first() or account.service.officers.first()


def seed_demo_assessments(*, now: datetime) -> int:
    """Give each proposed or active demo account without an assessment one; returns how many."""
    comms = (
        get_user_model().objects.filter(groups__name=COMMUNICATIONS, is_active=True).order_by("pk").first()
    )
    accounts = [
        account
        for account in SocialMediaAccount.objects.filter(
            status__in=[AccountStatus.PROPOSED, AccountStatus.ACTIVE]
        )
        .exclude(risk_assessments__isnull=False)
        .select_related("service")
        .order_by("pk")
        if _member(account) is not None
    ]
    if comms is None:
        return 0
    for index, account in enumerate(accounts):
        author = _member(account)
        started = now - timedelta(days=395) if index == 0 else now - timedelta(days=20 + index)
        assessment = services.risk_assessment_start(account=account, by=author, now=started)
        for item in assessment.items.all():
            likelihood, impact, residual_likelihood, residual_impact, owner = DEMO_SCORES[item.category]
            services.risk_item_update(
                item=item,
                by=author,
                likelihood=likelihood,
                impact=impact,
                residual_likelihood=residual_likelihood,
                residual_impact=residual_impact,
                owner=owner,
            )
        services.risk_assessment_submit(assessment=assessment, by=author, now=started + timedelta(days=1))
        services.risk_assessment_accept(assessment=assessment, by=comms, now=started + timedelta(days=2))
        if index >= len(accounts) - 2 and index > 1:
            review = services.risk_assessment_start_review(
                assessment=assessment, by=author, now=started + timedelta(days=10)
            )
            if index == len(accounts) - 2:  # waiting for Communications; the last is left in draft
                services.risk_assessment_submit(
                    assessment=review, by=author, now=started + timedelta(days=11)
                )
    return len(accounts)
