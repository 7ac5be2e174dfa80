"""Django admin: the transitions are actions that still enforce the workflow's permissions."""

from __future__ import annotations

import pytest
from django.urls import reverse

from business_cases.models import BusinessCase

from .conftest import accept_risk_assessment_for

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:business_cases_businesscase_changelist")


def run_action(client, action, case, **extra):
    return client.post(
        CHANGELIST, {"action": f"transition_{action}", "_selected_action": [case.pk], **extra}, follow=True
    )


def test_communications_approve_from_the_admin(client, make_case, comms):
    case = make_case("awaiting_comms")
    client.force_login(comms)
    run_action(client, "approve", case)
    assert BusinessCase.objects.get(pk=case.pk).status == "approved"


def test_an_admin_action_still_enforces_the_workflow_permission(client, make_case, comms):
    case = make_case("awaiting_director")  # only the Director may decide here
    client.force_login(comms)
    response = run_action(client, "approve", case)
    assert "You do not have permission" in response.content.decode()
    assert BusinessCase.objects.get(pk=case.pk).status == "awaiting_director"


def test_rejecting_from_the_admin_asks_for_a_comment_first(client, make_case, comms):
    case = make_case("awaiting_comms")
    client.force_login(comms)
    response = run_action(client, "reject", case)
    assert "add a comment" in response.content.decode()
    assert BusinessCase.objects.get(pk=case.pk).status == "awaiting_comms"
    run_action(client, "reject", case, apply="1", comment="A corporate account already does this.")
    assert BusinessCase.objects.get(pk=case.pk).status == "rejected"


def test_the_admin_page_shows_the_log_read_only(client, make_case, comms, director):
    from django.utils import timezone

    from business_cases import services

    case = make_case("awaiting_director")
    services.business_case_return(case=case, by=director, comment="Add costs.", now=timezone.now())
    client.force_login(comms)
    page = client.get(reverse("admin:business_cases_businesscase_change", args=[case.pk])).content.decode()
    assert "Add costs." in page
    assert 'name="status"' not in page
    assert "Add another transition" not in page


@pytest.mark.parametrize("role", ["author", "outsider"])
def test_people_without_admin_access_cannot_open_it(client, make_case, roles, role):
    make_case("draft")
    client.force_login(roles[role])
    assert client.get(CHANGELIST).status_code == 302


def test_communications_record_the_set_up_in_the_admin_then_go_live(client, make_case, comms):
    case = make_case("risk_assessment_accepted")
    accept_risk_assessment_for(case, comms)
    client.force_login(comms)
    url = reverse("admin:business_cases_businesscase_change", args=[case.pk])
    form = {
        "url": "",
        "admin_mailbox": "countryside@cannockchasedc.gov.uk",
        "comms_has_admin_access": "on",
        "director_links-TOTAL_FORMS": "0",
        "director_links-INITIAL_FORMS": "0",
        "django_fsm_log-statelog-content_type-object_id-TOTAL_FORMS": "0",
        "django_fsm_log-statelog-content_type-object_id-INITIAL_FORMS": "0",
    }
    response = client.post(url, form)
    assert response.status_code == 302, response.content.decode()[:2000]
    run_action(client, "go_live", case)
    case.refresh_from_db()
    assert case.status == "live" and case.account is not None
