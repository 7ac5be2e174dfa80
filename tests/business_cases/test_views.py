"""The pages: queues, the task list, sections, actions, and who may see what."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from business_cases import services
from business_cases.models import BusinessCase
from councilsocial.navigation import navigation_for
from tests.factories import AccountFactory, BusinessCaseFactory, UserFactory

from .conftest import accept_risk_assessment_for

pytestmark = pytest.mark.django_db


def detail(case):
    return reverse("business-case-detail", args=[case.pk])


# --- Who may see a case ---------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("role", "status_code"),
    [
        ("author", 200),
        ("manager", 200),
        ("director", 200),
        ("comms", 200),
        ("other_director", 404),
        ("administrator", 404),
        ("outsider", 404),
    ],
)
def test_who_may_see_a_case(client, make_case, roles, role, status_code):
    case = make_case("draft")
    client.force_login(roles[role])
    assert client.get(detail(case)).status_code == status_code


def test_signed_out_people_are_sent_to_sign_in(client, make_case):
    response = client.get(detail(make_case("draft")))
    assert response.status_code == 302 and response["Location"].startswith("/sign-in/")


# --- Drafting -------------------------------------------------------------------------------------
def test_an_officer_starts_a_case_for_their_service(client, officer, service):
    client.force_login(officer)
    response = client.post(
        reverse("business-case-start"),
        {
            "service": service.pk,
            "title": "Chase walks",
            "platform": "instagram",
            "handle": "@chasewalks",
            "kind": "departmental",
        },
    )
    case = BusinessCase.objects.get()
    assert response["Location"] == detail(case)
    assert (case.author, case.service, case.handle, case.status) == (officer, service, "chasewalks", "draft")


def test_starting_a_case_for_another_service_is_refused(client, officer, service, other_service):
    client.force_login(officer)
    response = client.post(
        reverse("business-case-start"),
        {
            "service": other_service.pk,
            "title": "X",
            "platform": "x",
            "handle": "ccdc",
            "kind": "departmental",
        },
    )
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not BusinessCase.objects.exists()


def test_a_section_can_be_saved_part_done_and_raises_the_version(client, make_case, officer):
    case = make_case("draft", risks="", negative_responses="")
    client.force_login(officer)
    url = reverse("business-case-section", args=[case.pk, "risks"])
    response = client.post(url, {"negative_responses": "Reply with facts.", "risks": ""})
    assert response["Location"] == detail(case)
    case.refresh_from_db()
    assert (case.negative_responses, case.risks, case.version) == ("Reply with facts.", "", 2)


@pytest.mark.parametrize("role", ["manager", "director", "comms"])
def test_only_the_author_can_edit_a_section(client, make_case, roles, role):
    case = make_case("draft")
    client.force_login(roles[role])
    url = reverse("business-case-section", args=[case.pk, "risks"])
    assert client.post(url, {"risks": "Changed", "negative_responses": "x"}).status_code == 404
    assert BusinessCase.objects.get(pk=case.pk).risks == case.risks


def test_a_submitted_case_cannot_be_edited(client, make_case, officer):
    case = make_case("advice_requested")
    client.force_login(officer)
    client.post(
        reverse("business-case-section", args=[case.pk, "risks"]), {"risks": "New", "negative_responses": "x"}
    )
    assert BusinessCase.objects.get(pk=case.pk).risks == case.risks


def test_the_task_list_shows_complete_and_incomplete_sections(client, make_case, officer):
    case = make_case("draft", exit_strategy="")
    client.force_login(officer)
    page = client.get(detail(case)).content.decode()
    assert 'id="section-success-status"><strong class="govuk-tag govuk-tag--blue">Incomplete' in page
    assert 'id="section-risks-status">Completed' in page


def test_while_drafting_the_case_lists_similar_accounts(client, make_case, officer, service, other_service):
    case = make_case("draft", platform="facebook")
    same_platform = AccountFactory(platform="facebook", handle="othercouncilpage", service=other_service)
    same_service = AccountFactory(platform="youtube", handle="countrysidevideos", service=service)
    unrelated = AccountFactory(platform="youtube", handle="safetyvideos", service=other_service)
    client.force_login(officer)
    page = client.get(detail(case)).content.decode()
    assert same_platform.handle in page and same_service.handle in page
    assert unrelated.handle not in page


def test_submitting_with_a_missing_answer_shows_the_error_summary(client, make_case, officer):
    case = make_case("draft", content_owner="")
    client.force_login(officer)
    response = client.post(
        reverse("business-case-action", args=[case.pk, "submit"]), {"expected_status": "draft", "comment": ""}
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert "govuk-error-summary" in page and "Who is accountable for the content" in page
    assert BusinessCase.objects.get(pk=case.pk).status == "draft"


def test_returning_without_a_comment_shows_the_error(client, make_case, director):
    case = make_case("awaiting_director")
    client.force_login(director)
    response = client.post(
        reverse("business-case-action", args=[case.pk, "return_for_changes"]),
        {"expected_status": "awaiting_director", "comment": ""},
    )
    assert "Enter a comment saying what needs to change" in response.content.decode()
    assert BusinessCase.objects.get(pk=case.pk).status == "awaiting_director"


def test_an_action_the_person_may_not_take_is_refused_with_a_message(client, make_case, officer):
    case = make_case("awaiting_director")
    client.force_login(officer)
    response = client.post(
        reverse("business-case-action", args=[case.pk, "approve"]), {"expected_status": "awaiting_director"}
    )
    assert response.status_code == 400
    assert "You do not have permission" in response.content.decode()
    assert BusinessCase.objects.get(pk=case.pk).status == "awaiting_director"


def test_the_case_page_offers_only_the_persons_actions(client, make_case, director, officer):
    case = make_case("awaiting_director")
    client.force_login(director)
    page = client.get(detail(case)).content.decode()
    assert "/do/approve/" in page and "/do/reject/" in page and "/do/withdraw/" not in page
    client.force_login(officer)
    page = client.get(detail(case)).content.decode()
    assert "/do/withdraw/" in page and "/do/approve/" not in page


def test_the_timeline_shows_who_when_and_the_comment(client, make_case, director, officer):
    case = make_case("awaiting_director")
    services.business_case_return(case=case, by=director, comment="Please add the costs.", now=timezone.now())
    client.force_login(officer)
    page = client.get(detail(case)).content.decode()
    assert "Changes requested" in page and "Please add the costs." in page
    assert director.get_full_name() in page


def test_go_live_from_the_page_records_the_mailbox_and_creates_the_account(client, make_case, comms):
    case = make_case("risk_assessment_accepted")
    accept_risk_assessment_for(case, comms)
    client.force_login(comms)
    response = client.post(
        reverse("business-case-action", args=[case.pk, "go_live"]),
        {
            "expected_status": "risk_assessment_accepted",
            "admin_mailbox": "countryside@cannockchasedc.gov.uk",
            "comms_has_admin_access": "on",
            "url": f"https://www.facebook.com/{case.handle}",
        },
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == "live" and case.account.url == f"https://www.facebook.com/{case.handle}"


# --- Queues ---------------------------------------------------------------------------------------
def test_waiting_for_me_lists_the_directors_cases_oldest_first(client, make_case, director, other_service):
    now = timezone.now()
    newer = make_case("awaiting_director", state_entered_at=now - timezone.timedelta(days=1))
    older = make_case("awaiting_director", state_entered_at=now - timezone.timedelta(days=8))
    make_case("awaiting_comms")
    BusinessCaseFactory(status="awaiting_director", service=other_service)
    client.force_login(director)
    response = client.get(reverse("business-case-list"))
    assert list(response.context["waiting"]) == [older, newer]


def test_communications_wait_on_advice_and_their_approvals(client, make_case, comms):
    waiting = [
        make_case(s) for s in ["advice_requested", "awaiting_comms", "approved", "risk_assessment_accepted"]
    ]
    make_case("awaiting_director")
    make_case("draft")
    client.force_login(comms)
    response = client.get(reverse("business-case-list"))
    assert set(response.context["waiting"]) == set(waiting)


def test_my_cases_lists_the_authors_own(client, make_case, officer, manager):
    mine = make_case("draft")
    make_case("draft", author=manager)
    client.force_login(officer)
    assert list(client.get(reverse("business-case-list")).context["mine"]) == [mine]


def test_the_queue_page_runs_a_fixed_number_of_queries(
    client, make_case, comms, django_assert_max_num_queries
):
    for index in range(40):
        make_case(["advice_requested", "awaiting_comms"][index % 2])
    client.force_login(comms)
    with django_assert_max_num_queries(11):  # 10, and one for "Cases you have decided" (issue 11, 9)
        response = client.get(reverse("business-case-list"))
    assert len(response.context["waiting"]) == 40


def test_the_case_page_runs_a_fixed_number_of_queries(
    client, make_case, director, officer, django_assert_max_num_queries
):
    case = make_case("draft")
    services.business_case_update(case=case, by=officer, data={"risks": "Some."}, now=timezone.now())
    for _ in range(10):
        AccountFactory(platform=case.platform, service=case.service)
    client.force_login(officer)
    with django_assert_max_num_queries(10):
        client.get(detail(case))


# --- Navigation -----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("role", "label"),
    [("author", "Business cases"), ("director", "Business cases (2)"), ("comms", "Business cases (1)")],
)
def test_the_navigation_shows_business_cases_with_the_waiting_count(make_case, roles, role, label):
    make_case("awaiting_director")
    make_case("awaiting_director")
    make_case("awaiting_comms")
    assert ("business-case-list", label) in navigation_for(roles[role])


def test_people_without_a_role_get_no_business_cases_item(outsider):
    assert "business-case-list" not in dict(navigation_for(outsider))


def test_the_navigation_count_costs_one_query(make_case, director, django_assert_num_queries):
    make_case("awaiting_director")
    director = UserFactory(username="director")  # a fresh object: groups not cached yet
    director._councilsocial_groups = frozenset({"Corporate directors"})
    with django_assert_num_queries(1):
        navigation_for(director)


@pytest.mark.parametrize(("role", "sent"), [("comms", True), ("director", False), ("author", False)])
def test_only_communications_can_send_a_new_link_from_the_page(client, make_case, roles, role, sent):
    from business_cases.models import DirectorApprovalLink

    case = make_case("advised")
    services.business_case_send_to_director(case=case, by=roles["author"], now=timezone.now())
    first = DirectorApprovalLink.objects.get()
    client.force_login(roles[role])
    client.post(reverse("business-case-resend-link", args=[case.pk]))
    first.refresh_from_db()
    assert DirectorApprovalLink.objects.count() == (2 if sent else 1)
    assert (first.voided_at is not None) == sent


def test_opening_an_action_the_person_cannot_take_goes_back_to_the_case(client, make_case, officer):
    case = make_case("awaiting_director")
    client.force_login(officer)
    response = client.get(reverse("business-case-action", args=[case.pk, "approve"]))
    assert response["Location"] == detail(case)
