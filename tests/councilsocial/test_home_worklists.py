"""The home page is a work list per role: what needs the person now, each item one click from where
it is done, each list empty-stated in plain words, within one query budget (issue 13 item 1)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from accounts_register.models import AccessRole, AuthorisedUser, SocialMediaAccount
from business_cases import services as case_services
from councilsocial.flags.models import FlagKind, GovernanceFlag
from councilsocial.notifications.models import Notification
from monitoring.models import Enquiry
from operations import services as ops
from risk_assessments import services as risk_services
from risk_assessments.models import RiskAssessment, RiskAssessmentStatus
from tests.factories import AccountFactory, BusinessCaseFactory, EnquiryFactory

pytestmark = pytest.mark.django_db

# Queries for one home page, whatever the size of the council's data (sessions, user, groups,
# navigation and banners included).
HOME_QUERY_BUDGET = 30


def _links(response) -> str:
    return response.content.decode()


def _flag(kind, subject, *, account=None, service=None, now=None):
    return GovernanceFlag.objects.create(
        kind=kind,
        subject_type=ContentType.objects.get_for_model(subject),
        subject_id=subject.pk,
        account=account,
        service=service,
        raised_at=now or timezone.now(),
    )


@pytest.fixture
def officer_world(officer, manager, comms, service, other_service):
    """One of every kind of item an officer's home page promises, in the officer's service."""
    now = timezone.now()
    account = AccountFactory(service=service, display_name="Countryside walks")
    overdue = EnquiryFactory(
        account=account,
        author="late_resident",
        received_at=now - timedelta(days=5),
        response_due_at=now - timedelta(days=4),
    )
    case = BusinessCaseFactory(
        service=service, author=officer, title="Ranger events", status="changes_requested"
    )
    assessment = risk_services.risk_assessment_start(account=account, by=officer, now=now)
    RiskAssessment.objects.filter(pk=assessment.pk).update(status=RiskAssessmentStatus.RETURNED)
    access = AuthorisedUser.objects.create(
        account=account,
        person=officer,
        role=AccessRole.TEMPORARY,
        granted_by=manager,
        granted_at=now - timedelta(days=20),
        expires_on=timezone.localdate(now) + timedelta(days=3),
    )
    flag = _flag(FlagKind.ACCOUNT_WITHOUT_OWNER, account, account=account, service=service, now=now)
    # Another service's work, which the officer must not be shown.
    other_account = AccountFactory(service=other_service, display_name="zzother safety")
    EnquiryFactory(account=other_account, author="zzother_resident", response_due_at=now - timedelta(days=1))
    return {
        "account": account,
        "overdue": overdue,
        "case": case,
        "assessment": assessment,
        "access": access,
        "flag": flag,
    }


def test_officer_home_lists_each_kind_of_work_with_its_link(client, officer, officer_world):
    client.force_login(officer)
    page = _links(client.get(reverse("home")))
    w = officer_world
    assert reverse("enquiry-respond", kwargs={"pk": w["overdue"].pk}) in page
    assert "overdue by" in page
    assert reverse("business-case-detail", kwargs={"pk": w["case"].pk}) in page
    assert "Returned to you for changes" in page
    assert reverse("risk-assessment-detail", kwargs={"pk": w["assessment"].pk}) in page
    assert "Returned by Communications for changes" in page
    assert reverse("account-detail", kwargs={"pk": w["account"].pk}) in page
    assert "temporary access ends on" in page
    assert reverse("access-grant", kwargs={"pk": w["account"].pk}) in page  # the flag's "how to clear"
    assert "zzother" not in page


def test_each_home_link_opens_its_page_for_the_officer(client, officer, officer_world):
    client.force_login(officer)
    w = officer_world
    for url in (
        reverse("enquiry-respond", kwargs={"pk": w["overdue"].pk}),
        reverse("business-case-detail", kwargs={"pk": w["case"].pk}),
        reverse("risk-assessment-detail", kwargs={"pk": w["assessment"].pk}),
        reverse("account-detail", kwargs={"pk": w["account"].pk}),
    ):
        assert client.get(url).status_code == 200, url


def test_enquiry_due_later_today_is_listed_with_time_left(client, officer, service):
    now = timezone.now()
    account = AccountFactory(service=service)
    local = timezone.localtime(now)
    end = local.replace(hour=23, minute=59, second=0, microsecond=0)
    if end <= local:
        pytest.skip("too close to midnight")
    soon = EnquiryFactory(account=account, author="today_resident", response_due_at=end)
    later = EnquiryFactory(
        account=account, author="tomorrow_resident", response_due_at=end + timedelta(days=2)
    )
    client.force_login(officer)
    page = _links(client.get(reverse("home")))
    assert reverse("enquiry-respond", kwargs={"pk": soon.pk}) in page
    assert "due today at 23:59" in page
    assert reverse("enquiry-respond", kwargs={"pk": later.pk}) not in page


def test_officer_with_nothing_to_do_sees_plain_empty_statements(client, officer, service):
    client.force_login(officer)
    page = _links(client.get(reverse("home")))
    for sentence in (
        "Nothing is overdue or due today.",
        "No business case is waiting for you.",
        "No risk assessment is due or returned.",
        "None of your access ends in the next two weeks.",
        "Your services have no open flags.",
    ):
        assert sentence in page


def test_director_home_lists_cases_awaiting_decision_with_days_waiting_and_recent_decisions(
    client, director, officer, service
):
    now = timezone.now()
    waiting = BusinessCaseFactory(
        service=service,
        author=officer,
        title="Waiting case",
        status="awaiting_director",
        state_entered_at=now - timedelta(days=14),
    )
    decided = BusinessCaseFactory(
        service=service,
        author=officer,
        title="Decided case",
        status="awaiting_director",
        state_entered_at=now,
    )
    case_services.business_case_approve(case=decided, by=director, now=now)
    client.force_login(director)
    page = _links(client.get(reverse("home")))
    assert reverse("business-case-detail", kwargs={"pk": waiting.pk}) in page
    assert "working days" in page
    assert "Recently decided" in page
    assert reverse("business-case-detail", kwargs={"pk": decided.pk}) in page
    assert "Approved on" in page


def test_director_with_nothing_waiting_is_told_so(client, director, directorate):
    client.force_login(director)
    page = _links(client.get(reverse("home")))
    assert "No business case is waiting for your decision." in page
    assert "You have not decided any business cases yet." in page


def test_comms_home_lists_council_wide_work(client, comms, officer, officer_world, service):
    now = timezone.now()
    waiting = BusinessCaseFactory(
        service=service, author=officer, title="Advice please", status="advice_requested"
    )
    submitted = risk_services.risk_assessment_start(
        account=AccountFactory(service=service), by=officer, now=now
    )
    RiskAssessment.objects.filter(pk=submitted.pk).update(
        status=RiskAssessmentStatus.SUBMITTED, submitted_at=now
    )
    Notification.objects.create(to="x@example.org", subject="s", body="b", status=Notification.Status.FAILED)
    client.force_login(comms)
    page = _links(client.get(reverse("home")))
    assert f"{reverse('inbox')}?service={service.pk}" in page  # overdue by service
    assert reverse("business-case-detail", kwargs={"pk": waiting.pk}) in page
    assert reverse("risk-assessment-detail", kwargs={"pk": submitted.pk}) in page
    assert f"{reverse('flag-list')}?kind=account_without_owner" in page  # flags by kind
    assert reverse("access-grant", kwargs={"pk": officer_world["account"].pk}) in page  # no owner
    assert "1 email could not be sent" in page
    assert f"{reverse('outbox')}?status=failed" in page


def test_comms_home_with_nothing_to_do_says_nothing_is_overdue(client, comms):
    client.force_login(comms)
    page = _links(client.get(reverse("home")))
    assert "Nothing is overdue." in page
    assert "No flags are open." in page
    assert "No emergency or purdah is in force" in page


def test_everyone_is_asked_to_acknowledge_the_policy_and_take_the_training(
    client, officer, comms, officer_world
):
    ops.policy_publish(
        by=comms, version="3", title="Social media policy", summary="Changes.", now=timezone.now()
    )
    client.force_login(officer)
    page = _links(client.get(reverse("home")))
    assert "Read and acknowledge the social media policy, version 3" in page
    assert "Complete the social media e-learning" in page
    client.post(reverse("policy"), {"acknowledge": "1"})
    page = _links(client.get(reverse("home")))
    assert "Read and acknowledge the social media policy" not in page


def test_home_page_is_not_for_pages_other_roles_need(client, outsider):
    client.force_login(outsider)
    page = _links(client.get(reverse("home")))
    assert "You are not yet a member of any service" in page
    assert "For Communications and Marketing" not in page
    assert "For your services" not in page


# --- One query budget whatever the size of the data -------------------------------------------
@pytest.fixture
def big_council(service, other_service, officer, comms):
    """10,000 accounts, each with an overdue enquiry and an open flag, half in the officer's service."""
    now = timezone.now()
    accounts = SocialMediaAccount.objects.bulk_create(
        [
            SocialMediaAccount(
                platform="x",
                handle=f"bulk{n}",
                url=f"https://x.com/bulk{n}",
                display_name=f"Bulk {n}",
                service=service if n % 2 else other_service,
                status="active",
            )
            for n in range(10_000)
        ]
    )
    enquiries = Enquiry.objects.bulk_create(
        [
            Enquiry(
                account=account,
                platform_id=f"bulk-{account.pk}",
                received_at=now - timedelta(days=3),
                response_due_at=now - timedelta(days=2),
                channel="comment",
            )
            for account in accounts
        ]
    )
    enquiry_type = ContentType.objects.get_for_model(Enquiry)
    GovernanceFlag.objects.bulk_create(
        [
            GovernanceFlag(
                kind=FlagKind.OVERDUE_ENQUIRY,
                subject_type=enquiry_type,
                subject_id=enquiry.pk,
                account_id=enquiry.account_id,
                service_id=enquiry.account.service_id,
                raised_at=now,
            )
            for enquiry in enquiries
        ]
    )
    for _n in range(30):
        BusinessCaseFactory(service=service, author=officer, status="awaiting_director")
        BusinessCaseFactory(service=service, author=officer, status="draft")
    if connection.vendor == "postgresql":
        # What autovacuum does after a bulk load: without statistics the planner takes these
        # tables for empty and picks nested loops.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return accounts


def test_each_role_home_page_stays_within_its_query_budget_with_ten_thousand_accounts(
    client, request, big_council, django_assert_max_num_queries
):
    for role in ("officer", "manager", "director", "comms", "administrator", "outsider"):
        client.force_login(request.getfixturevalue(role))
        with django_assert_max_num_queries(HOME_QUERY_BUDGET):
            response = client.get(reverse("home"))
        assert response.status_code == 200
        page = response.content.decode()
        if role in ("officer", "manager"):
            assert "more)" in page  # the list shows its first items and counts the rest
