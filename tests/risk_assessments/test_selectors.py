"""What the register shows and filters by, and the one access check."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from accounts_register.models import SocialMediaAccount
from risk_assessments import services
from risk_assessments.models import RiskAssessmentStatus
from risk_assessments.selectors import (
    NO_ASSESSMENT,
    assessment_summary_for_accounts,
    get_assessment_for_user,
    no_accepted_assessment_q,
    review_overdue_q,
)
from tests.factories import AccountFactory

from .helpers import NOW, score_all

READERS = ["officer", "manager", "director", "comms"]


def _person(request, role):
    if role == "other-officer":
        return request.getfixturevalue("other_service").officers.get()
    return request.getfixturevalue(role)


@pytest.mark.parametrize("role", READERS)
def test_owning_service_its_director_and_communications_can_read(request, draft, role):
    assert get_assessment_for_user(_person(request, role), draft.pk) == draft


@pytest.mark.parametrize("role", ["other-officer", "outsider"])
def test_another_service_or_an_outsider_gets_not_found(request, draft, role):
    with pytest.raises(Http404):
        get_assessment_for_user(_person(request, role), draft.pk)


@pytest.mark.parametrize("role", ["officer", "manager"])
def test_owning_service_can_write(request, draft, role):
    assert get_assessment_for_user(_person(request, role), draft.pk, write=True) == draft


@pytest.mark.parametrize("role", ["director", "comms"])
def test_readers_outside_the_service_cannot_write(request, draft, role):
    with pytest.raises(PermissionDenied):
        get_assessment_for_user(_person(request, role), draft.pk, write=True)


def test_summary_shows_the_version_in_force_while_a_review_is_open(accepted, account, officer):
    services.risk_assessment_start_review(assessment=accepted, by=officer, now=NOW)
    summary = assessment_summary_for_accounts([account.pk])[account.pk]
    assert summary.assessment_id == accepted.pk
    assert summary.status == RiskAssessmentStatus.ACCEPTED
    assert summary.highest_residual_score == 4
    assert summary.next_review_date == accepted.next_review_date
    assert summary.open_version_status == RiskAssessmentStatus.DRAFT


def test_summary_of_an_account_without_an_assessment_is_absent(account):
    assert assessment_summary_for_accounts([account.pk]).get(account.pk, NO_ASSESSMENT) is NO_ASSESSMENT


def test_summary_takes_two_queries_however_many_accounts(
    django_assert_max_num_queries, service, officer, comms
):
    accounts = AccountFactory.create_batch(30, service=service)
    for account in accounts[:10]:
        draft = services.risk_assessment_start(account=account, by=officer, now=NOW)
        score_all(draft, officer)
        services.risk_assessment_submit(assessment=draft, by=officer, now=NOW)
        services.risk_assessment_accept(assessment=draft, by=comms, now=NOW)
    with django_assert_max_num_queries(2):
        summaries = assessment_summary_for_accounts([a.pk for a in accounts])
    assert len(summaries) == 10
    assert {s.highest_residual_score for s in summaries.values()} == {4}


def test_register_filters_find_overdue_and_unassessed_accounts(accepted, account, service):
    unassessed = AccountFactory(service=service)
    assert list(SocialMediaAccount.objects.filter(no_accepted_assessment_q())) == [unassessed]
    assert not SocialMediaAccount.objects.filter(review_overdue_q(now=NOW)).exists()
    later = NOW + timedelta(days=400)
    assert list(SocialMediaAccount.objects.filter(review_overdue_q(now=later))) == [account]


def test_account_page_include_shows_status_score_and_review(accepted, account):
    from django.template.loader import render_to_string

    summary = assessment_summary_for_accounts([account.pk]).get(account.pk)
    html = render_to_string("risk_assessments/includes/account_summary.html", {"summary": summary})
    assert "Accepted" in html and ">4<" in html.replace(" ", "").replace("\n", "")
    assert accepted.next_review_date.strftime("%Y") in html


def test_account_page_include_without_an_assessment(account):
    from django.template.loader import render_to_string

    html = render_to_string("risk_assessments/includes/account_summary.html", {"summary": None})
    assert "No risk assessment" in html
