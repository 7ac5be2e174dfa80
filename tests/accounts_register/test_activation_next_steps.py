"""A proposed account's pages lead to each step still needed to make it active (issue 11 item 10's
"every state shows its next step", found by Communications' day in the browser).

000 §6, §9–§11, 001 §19: the Director's approval, an accepted risk assessment, Communications' admin
access and a shared mailbox. Each missing one links to where it is done; what is done is not offered
again; a form that cannot succeed is not shown.
"""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from accounts_register import services
from accounts_register.models import AccountStatus
from risk_assessments.models import RiskAssessment
from tests.factories import AccountFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def proposed(service):
    """An account that existed before the app, added by Communications, with nothing yet recorded."""
    return AccountFactory(
        service=service,
        status=AccountStatus.PROPOSED,
        admin_mailbox="",
        admin_mailbox_is_shared=False,
        comms_has_admin_access=False,
    )


def record_approval(account, director, comms):
    services.account_record_existing_approval(
        account=account,
        director=director,
        approved_on=date(2019, 2, 14),
        reference="Email of 14 February 2019",
        by=comms,
        today=date(2026, 1, 1),
    )


def missing_box(response) -> str:
    html = response.content.decode()
    start = html.find('id="activation-missing"')
    assert start != -1, "the page lists what stops the account going active"
    return html[start : html.find("</div>", start)]


@pytest.mark.parametrize("url_name", ["account-detail", "account-status"])
def test_the_link_to_record_the_directors_approval_is_offered_only_while_it_is_missing(
    client, comms, director, directorate, proposed, url_name
):
    approval_url = reverse("account-existing-approval", args=[proposed.pk])
    client.force_login(comms)
    assert approval_url in missing_box(client.get(reverse(url_name, args=[proposed.pk])))

    record_approval(proposed, director, comms)

    assert approval_url not in missing_box(client.get(reverse(url_name, args=[proposed.pk])))


@pytest.mark.parametrize("url_name", ["account-detail", "account-status"])
def test_missing_admin_access_or_mailbox_links_to_the_accounts_details(client, comms, proposed, url_name):
    client.force_login(comms)
    box = missing_box(client.get(reverse(url_name, args=[proposed.pk])))
    assert reverse("account-edit", args=[proposed.pk]) in box


def test_with_nothing_recorded_the_details_link_goes_once_mailbox_and_access_are(client, comms, proposed):
    proposed.admin_mailbox = "countryside@cannockchasedc.gov.uk"
    proposed.admin_mailbox_is_shared = True
    proposed.comms_has_admin_access = True
    proposed.save()
    client.force_login(comms)
    box = missing_box(client.get(reverse("account-status", args=[proposed.pk])))
    assert reverse("account-edit", args=[proposed.pk]) not in box


def test_the_status_page_shows_no_form_when_no_change_is_possible(client, comms, service):
    archived = AccountFactory(service=service, status=AccountStatus.ARCHIVED)
    client.force_login(comms)
    html = client.get(reverse("account-status", args=[archived.pk])).content.decode()
    assert "No status change is possible from here" in html
    assert 'name="reason"' not in html
    assert "Change the status</button>" not in html


def test_a_proposed_account_not_ready_is_offered_only_withdrawing(client, comms, proposed):
    client.force_login(comms)
    html = client.get(reverse("account-status", args=[proposed.pk])).content.decode()
    assert 'value="withdraw"' in html
    assert 'value="activate"' not in html


def test_the_status_page_shows_the_form_when_a_change_is_possible(client, comms, service):
    account = AccountFactory(service=service)  # active: it can be suspended or closed
    client.force_login(comms)
    html = client.get(reverse("account-status", args=[account.pk])).content.decode()
    assert 'name="reason"' in html and "No status change is possible" not in html


def test_the_owning_service_starts_the_risk_assessment_from_the_account_page(client, officer, proposed):
    client.force_login(officer)
    html = client.get(reverse("account-detail", args=[proposed.pk])).content.decode()
    assert reverse("risk-assessment-start") in html
    assert f'name="account" value="{proposed.pk}"' in html

    response = client.post(reverse("risk-assessment-start"), {"account": proposed.pk})

    assessment = RiskAssessment.objects.get(account=proposed)
    assert response.url == reverse("risk-assessment-detail", args=[assessment.pk])
    html = client.get(reverse("account-detail", args=[proposed.pk])).content.decode()
    assert f'name="account" value="{proposed.pk}"' not in html, "started once; then it is opened"


def test_people_outside_the_service_are_not_offered_the_start_button(client, comms, proposed):
    client.force_login(comms)
    html = client.get(reverse("account-detail", args=[proposed.pk])).content.decode()
    assert f'name="account" value="{proposed.pk}"' not in html


def test_the_missing_risk_assessment_says_who_writes_it(client, comms, proposed):
    client.force_login(comms)
    box = missing_box(client.get(reverse("account-status", args=[proposed.pk])))
    assert "Countryside Service" in box and "writes it" in box


def test_the_changes_list_names_the_director_and_says_yes_or_no(
    client, comms, director, directorate, proposed
):
    """The account's history reads as people speak: the Director's name, not a database number, and
    "Yes"/"No" rather than "True"/"False"."""
    record_approval(proposed, director, comms)
    client.force_login(comms)
    client.post(
        reverse("account-edit", args=[proposed.pk]),
        {
            "platform": proposed.platform,
            "handle": proposed.handle,
            "url": proposed.url,
            "display_name": proposed.display_name,
            "service": proposed.service_id,
            "kind": proposed.kind,
            "admin_mailbox": "countryside@cannockchasedc.gov.uk",
            "admin_mailbox_is_shared": "on",
            "comms_has_admin_access": "on",
        },
    )
    html = client.get(reverse("account-detail", args=[proposed.pk])).content.decode()
    changes = html[html.index('aria-label="Changes to the account"') :]
    assert f"“{director.get_full_name()}”" in changes
    assert f"“{director.pk}”" not in changes
    assert "Communications holds admin access: “No” → “Yes”" in changes
    assert "True" not in changes and "False" not in changes
