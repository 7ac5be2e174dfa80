"""An account goes on the public register as official only through the approved path (issue 11 item 3).

000 §6, §10, §11; 001 §19: a business case that went live, or, for an account that existed before the
council used this app, the Corporate Director's approval recorded by Communications; and in both cases
an accepted risk assessment, Communications' admin access and a shared mailbox. One rule, in
``accounts_register``, for the pages, admin, import, going live and the demo.
"""

from __future__ import annotations

from datetime import date

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.utils import timezone
from django_fsm_log.models import StateLog

from accounts_register import services
from accounts_register.imports import import_apply, import_batch_create, plan_import
from accounts_register.models import AccountStatus, ApprovalRoute, SocialMediaAccount
from business_cases import services as case_services
from risk_assessments.models import RiskAssessment, RiskAssessmentStatus
from tests.business_cases.conftest import accept_risk_assessment_for
from tests.factories import AccountFactory, BusinessCaseFactory
from tests.security.test_words_before_codes import bare_references

pytestmark = pytest.mark.django_db


def propose(client, officer, service, handle="CCDCWalks"):
    """A service proposes an account through the page, as people do."""
    client.force_login(officer)
    response = client.post(
        "/accounts/new/",
        {
            "platform": "x",
            "handle": handle,
            "url": f"https://x.com/{handle}",
            "display_name": "Countryside walks",
            "service": service.pk,
            "kind": "departmental",
            "admin_mailbox": "countryside@cannockchasedc.gov.uk",
            "admin_mailbox_is_shared": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()
    return SocialMediaAccount.objects.get(handle=handle)


def accept_risk_assessment(account, by):
    return RiskAssessment.objects.create(
        account=account,
        status=RiskAssessmentStatus.ACCEPTED,
        created_by=by,
        created_at=timezone.now(),
        accepted_at=timezone.now(),
    )


def status_log(account):
    return list(
        StateLog.objects.filter(
            content_type=ContentType.objects.get_for_model(SocialMediaAccount), object_id=str(account.pk)
        ).values_list("transition", "source_state", "state")
    )


def make_active(client, comms, account):
    client.force_login(comms)
    return client.post(
        f"/accounts/{account.pk}/status/", {"transition": "activate", "reason": "Set up and ready"}
    )


def record_approval(client, comms, account, director, **changes):
    client.force_login(comms)
    data = {
        "director": director.pk,
        "approved_on_0": "14",
        "approved_on_1": "5",
        "approved_on_2": "2019",
        "reference": "SMT minutes 14 May 2019, item 6",
        **changes,
    }
    return client.post(f"/accounts/{account.pk}/existing-approval/", data)


# --- The defect: propose, then "Make active" -------------------------------------------------------
def test_a_proposed_account_cannot_be_made_active_without_approval(client, officer, comms, service):
    account = propose(client, officer, service)

    response = make_active(client, comms, account)

    account.refresh_from_db()
    assert response.status_code == 200
    assert account.status == AccountStatus.PROPOSED
    assert account not in SocialMediaAccount.objects.public()
    assert status_log(account) == []


def test_the_service_refuses_activation_and_says_what_is_missing(client, officer, comms, service):
    account = propose(client, officer, service)

    with pytest.raises(ValidationError) as refused:
        services.account_change_status(account=account, transition="activate", by=comms, reason="Ready")

    text = " ".join(refused.value.messages)
    assert "It has no approval" in text
    assert "risk assessment has not been accepted" in text
    assert "Communications do not yet hold admin access" in text
    account.refresh_from_db()
    assert account.status == AccountStatus.PROPOSED


def test_the_account_page_lists_what_stops_it_going_active(client, officer, comms, service):
    account = propose(client, officer, service)
    client.force_login(comms)

    page = client.get(f"/accounts/{account.pk}/").content.decode()

    assert "Before this account can be made active" in page
    assert "It has no approval" in page
    assert f"/accounts/{account.pk}/existing-approval/" in page


# --- The existing-account route ---------------------------------------------------------------------
def test_communications_record_the_directors_approval_of_an_existing_account(
    client, officer, comms, director, service
):
    account = propose(client, officer, service)

    response = record_approval(client, comms, account, director)

    assert response.status_code == 302, response.content.decode()
    account.refresh_from_db()
    assert account.approval_route == ApprovalRoute.EXISTING_ACCOUNT
    assert account.approved_by == director
    assert account.approved_on == date(2019, 5, 14)
    assert account.approval_reference == "SMT minutes 14 May 2019, item 6"
    assert account.status == AccountStatus.PROPOSED  # approval alone does not make it active


def test_with_every_condition_met_communications_make_it_active_and_it_is_logged(
    client, officer, comms, director, service
):
    account = propose(client, officer, service)
    record_approval(client, comms, account, director)
    accept_risk_assessment(account, comms)
    SocialMediaAccount.objects.filter(pk=account.pk).update(comms_has_admin_access=True)

    response = make_active(client, comms, account)

    assert response.status_code == 302, response.content.decode()
    account.refresh_from_db()
    assert account.status == AccountStatus.ACTIVE
    assert account in SocialMediaAccount.objects.public()
    assert status_log(account) == [("activate", "proposed", "active")]


@pytest.mark.parametrize(
    "missing", ["approval", "risk_assessment", "admin_access", "shared_mailbox", "personal_mailbox"]
)
def test_each_condition_on_its_own_keeps_the_account_off_the_register(
    client, officer, comms, director, service, missing
):
    account = propose(client, officer, service)
    if missing != "approval":
        record_approval(client, comms, account, director)
    if missing != "risk_assessment":
        accept_risk_assessment(account, comms)
    if missing != "admin_access":
        SocialMediaAccount.objects.filter(pk=account.pk).update(comms_has_admin_access=True)
    if missing == "shared_mailbox":
        SocialMediaAccount.objects.filter(pk=account.pk).update(admin_mailbox_is_shared=False)
    if missing == "personal_mailbox":  # set up before the rule: a person's own address
        SocialMediaAccount.objects.filter(pk=account.pk).update(admin_mailbox=officer.email)
    account.refresh_from_db()

    with pytest.raises(ValidationError):
        services.account_change_status(account=account, transition="activate", by=comms, reason="Ready")

    account.refresh_from_db()
    assert account.status == AccountStatus.PROPOSED


def test_only_a_corporate_director_can_be_named_as_approver(client, officer, comms, service, outsider):
    account = propose(client, officer, service)

    response = record_approval(client, comms, account, outsider)

    assert response.status_code == 200
    assert "Choose a Corporate Director from the list" in response.content.decode()
    account.refresh_from_db()
    assert account.approval_route == ""


def test_an_approval_dated_in_the_future_is_refused(client, officer, comms, director, service):
    account = propose(client, officer, service)

    response = record_approval(client, comms, account, director, approved_on_2=str(date.today().year + 1))

    assert response.status_code == 200
    assert "must be today or in the past" in response.content.decode()
    account.refresh_from_db()
    assert account.approved_by is None


@pytest.mark.parametrize("persona", ["officer", "manager", "director", "administrator"])
def test_only_communications_record_an_existing_accounts_approval(
    client, request, officer, director, service, persona
):
    account = propose(client, officer, service)
    client.force_login(request.getfixturevalue(persona))

    response = client.post(
        f"/accounts/{account.pk}/existing-approval/",
        {
            "director": director.pk,
            "approved_on_0": "14",
            "approved_on_1": "5",
            "approved_on_2": "2019",
            "reference": "SMT minutes",
        },
    )

    assert response.status_code in {403, 404}
    account.refresh_from_db()
    assert account.approved_by is None


def test_a_director_cannot_be_recorded_for_an_account_with_a_business_case(comms, director, make_live_case):
    account = make_live_case().account

    with pytest.raises(ValidationError):
        services.account_record_existing_approval(
            account=account,
            director=director,
            approved_on=date(2019, 5, 14),
            reference="SMT",
            by=comms,
            today=date.today(),
        )


# --- Admin goes through the same rule -------------------------------------------------------------
def test_the_admin_make_active_action_refuses_an_unapproved_account(client, officer, comms, service):
    account = propose(client, officer, service)
    client.force_login(comms)

    client.post(
        "/admin/accounts_register/socialmediaaccount/",
        {
            "action": "status_activate",
            "_selected_action": [account.pk],
            "apply": "1",
            "reason": "Ready",
        },
        follow=True,
    )

    account.refresh_from_db()
    assert account.status == AccountStatus.PROPOSED
    assert status_log(account) == []


def test_the_admin_cannot_type_in_an_approval(client, comms, director, service):
    account = AccountFactory(status=AccountStatus.PROPOSED, service=service)
    client.force_login(comms)

    page = client.get(f"/admin/accounts_register/socialmediaaccount/{account.pk}/change/").content.decode()

    assert 'name="approved_by"' not in page
    assert 'name="approval_route"' not in page


# --- Going live and import use the register's own service and transition ---------------------------
@pytest.fixture
def make_case(service, officer):
    def make(status, **kwargs):
        return BusinessCaseFactory(
            status=status, service=service, author=officer, state_entered_at=timezone.now(), **kwargs
        )

    return make


@pytest.fixture
def make_live_case(make_case, comms):
    def make(**kwargs):
        case = make_case("risk_assessment_accepted", **kwargs)
        accept_risk_assessment_for(case, comms)
        return case_services.business_case_go_live(
            case=case,
            by=comms,
            now=timezone.now(),
            admin_mailbox="countryside@cannockchasedc.gov.uk",
            comms_has_admin_access=True,
        )

    return make


def test_going_live_makes_the_account_active_through_the_logged_transition(make_live_case):
    case = make_live_case()
    account = SocialMediaAccount.objects.get(pk=case.account_id)

    assert account.status == AccountStatus.ACTIVE
    assert account.approval_route == ApprovalRoute.BUSINESS_CASE
    assert status_log(account) == [("activate", "proposed", "active")]
    assert account.history.count() == 2  # created as proposed, then made active


def test_going_live_without_an_accepted_risk_assessment_puts_nothing_on_the_register(make_case, comms):
    case = make_case("risk_assessment_accepted")

    with pytest.raises(case_services.ConditionsNotMet, match="risk assessment has not been accepted"):
        case_services.business_case_go_live(
            case=case,
            by=comms,
            now=timezone.now(),
            admin_mailbox="countryside@cannockchasedc.gov.uk",
            comms_has_admin_access=True,
        )

    assert not SocialMediaAccount.objects.exists()
    case.refresh_from_db()
    assert case.status == "risk_assessment_accepted"


def test_going_live_refuses_a_persons_own_mailbox(make_case, comms, officer):
    case = make_case("risk_assessment_accepted")
    accept_risk_assessment_for(case, comms)

    with pytest.raises(case_services.ConditionsNotMet, match="shared council mailbox"):
        case_services.business_case_go_live(
            case=case, by=comms, now=timezone.now(), admin_mailbox=officer.email, comms_has_admin_access=True
        )

    assert not SocialMediaAccount.objects.exists()


def test_imported_accounts_are_proposed_until_the_rule_is_met(comms, service):
    columns = ["platform", "handle", "display_name", "service", "admin_mailbox", "mailbox_is_shared"]
    rows = [[2, ["x", "CCDCImported", "Imported", service.name, "imported@cannockchasedc.gov.uk", "yes"]]]
    plan = plan_import(columns, rows)
    batch = import_batch_create(
        by=comms, file_name="r.csv", columns=columns, rows=rows, plan=plan, now=timezone.now()
    )

    import_apply(batch=batch, by=comms, expected_digest=plan.digest(), now=timezone.now())

    account = SocialMediaAccount.objects.get(handle="CCDCImported")
    assert account.status == AccountStatus.PROPOSED
    assert account not in SocialMediaAccount.objects.public()


def test_the_admins_refusal_message_gives_the_words_first_and_the_policy_paragraph_as_a_hint(
    client, officer, comms, service
):
    account = propose(client, officer, service)
    client.force_login(comms)

    page = client.post(
        "/admin/accounts_register/socialmediaaccount/",
        {"action": "status_activate", "_selected_action": [account.pk], "apply": "1", "reason": "Ready"},
        follow=True,
    ).content.decode()

    assert "Not changed: " in page
    assert '<span class="app-policy-ref">(000 §' in page
    assert bare_references(page) == []
