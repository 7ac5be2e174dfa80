"""Next review dates, reviews due after a change to the account, and the overdue-review flags."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from councilsocial.flags.models import FlagKind, GovernanceFlag
from risk_assessments import services
from risk_assessments.models import RiskAssessment

from .helpers import NOW, score_all


def _accept_with_residual(draft, officer, comms, residual):
    score_all(draft, officer, likelihood=5, impact=5, residual=residual)
    services.risk_assessment_submit(assessment=draft, by=officer, now=NOW)
    return services.risk_assessment_accept(assessment=draft, by=comms, now=NOW)


def test_low_residual_scores_are_reviewed_after_twelve_months(draft, officer, comms):
    assessment = _accept_with_residual(draft, officer, comms, (3, 3))
    assert assessment.next_review_date == date(2027, 3, 2)


def test_a_high_residual_score_brings_the_review_forward(draft, officer, comms):
    assessment = _accept_with_residual(draft, officer, comms, (2, 5))
    assert assessment.next_review_date == date(2026, 9, 2)


def test_review_intervals_come_from_the_settings(draft, officer, comms, settings):
    settings.RISK_REVIEW_MONTHS = 24
    assessment = _accept_with_residual(draft, officer, comms, (1, 1))
    assert assessment.next_review_date == date(2028, 3, 2)


def test_review_is_overdue_the_day_after_its_date(accepted):
    due = accepted.next_review_date
    on_the_day = NOW.replace(year=due.year, month=due.month, day=due.day)
    assert not RiskAssessment.objects.review_overdue(now=on_the_day).exists()
    assert list(RiskAssessment.objects.review_overdue(now=on_the_day + timedelta(days=1))) == [accepted]


@pytest.mark.parametrize("change", ["owner", "kind", "platform"])
def test_a_change_to_the_account_makes_the_review_due_now(accepted, account, change):
    marked = services.risk_assessment_mark_review_due(
        account=account, reason=f"The {change} changed.", now=NOW
    )
    assert marked == 1
    assert list(RiskAssessment.objects.review_overdue(now=NOW)) == [accepted]
    accepted.refresh_from_db()
    assert accepted.review_due_reason == f"The {change} changed."


def test_a_change_to_an_account_without_an_accepted_assessment_marks_nothing(draft, account):
    assert services.risk_assessment_mark_review_due(account=account, reason="Owner changed.", now=NOW) == 0


def test_accepting_the_reviewed_version_clears_the_review_due(accepted, account, officer, comms):
    services.risk_assessment_mark_review_due(account=account, reason="The owner changed.", now=NOW)
    review = services.risk_assessment_start_review(assessment=accepted, by=officer, now=NOW)
    services.risk_assessment_submit(assessment=review, by=officer, now=NOW)
    services.risk_assessment_accept(assessment=review, by=comms, now=NOW)
    assert not RiskAssessment.objects.review_overdue(now=NOW).exists()


def test_overdue_review_raises_one_flag_however_often_the_check_runs(accepted, account):
    later = NOW + timedelta(days=400)
    first = services.check_overdue_reviews(now=later)
    second = services.check_overdue_reviews(now=later)
    assert len(first.raised) == 1 and second.raised == []
    flag = GovernanceFlag.objects.open().get(kind=FlagKind.RISK_REVIEW_OVERDUE)
    assert (flag.subject, flag.account, flag.service) == (accepted, account, account.service)


def test_flag_resolves_when_the_review_is_accepted(accepted, officer, comms):
    later = NOW + timedelta(days=400)
    services.check_overdue_reviews(now=later)
    review = services.risk_assessment_start_review(assessment=accepted, by=officer, now=later)
    services.risk_assessment_submit(assessment=review, by=officer, now=later)
    services.risk_assessment_accept(assessment=review, by=comms, now=later)
    assert services.check_overdue_reviews(now=later).resolved == 1
    assert not GovernanceFlag.objects.open().exists()


def test_a_closed_accounts_assessment_is_not_overdue(accepted, account):
    from accounts_register.models import AccountStatus, SocialMediaAccount

    SocialMediaAccount.objects.filter(pk=account.pk).update(status=AccountStatus.CLOSED)
    assert not RiskAssessment.objects.review_overdue(now=NOW + timedelta(days=400)).exists()


def test_a_business_cases_accepted_assessment_can_fall_overdue(service, officer, comms):
    from accounts_register.models import AccountKind
    from accounts_register.platforms import Platform
    from business_cases.services import business_case_create

    case = business_case_create(
        service=service,
        author=officer,
        title="Rangers",
        platform=Platform.X,
        handle="ccdc_r",
        kind=AccountKind.DEPARTMENTAL,
        now=NOW,
    )
    assessment = services.risk_assessment_start(business_case=case, by=officer, now=NOW)
    score_all(assessment, officer)
    services.risk_assessment_submit(assessment=assessment, by=officer, now=NOW)
    services.risk_assessment_accept(assessment=assessment, by=comms, now=NOW)
    assert list(RiskAssessment.objects.review_overdue(now=NOW + timedelta(days=400))) == [assessment]
