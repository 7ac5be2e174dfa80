"""The administering mailbox is a shared council mailbox, never a person's own (000 §11; issue 11 item 4).

One validator (``validators.validate_shared_mailbox``) for the form, admin, import and the service.
"""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from accounts_register.imports import plan_import
from accounts_register.models import SocialMediaAccount
from accounts_register.validators import validate_shared_mailbox
from tests.factories import AccountFactory, UserFactory

pytestmark = pytest.mark.django_db

WHY = "shared council mailbox that more than one person can open"


@pytest.fixture
def person(db):
    return UserFactory(username="rranger", email="Robin.Ranger@cannockchasedc.gov.uk")


def form(service, mailbox):
    return {
        "platform": "x",
        "handle": "CCDCParks",
        "url": "https://x.com/CCDCParks",
        "display_name": "Parks",
        "service": service.pk,
        "kind": "departmental",
        "admin_mailbox": mailbox,
        "admin_mailbox_is_shared": "on",
    }


@pytest.mark.parametrize(
    "mailbox",
    [
        "robin.ranger@cannockchasedc.gov.uk",  # a person's sign-in address, in another case
        "ROBIN.RANGER@CANNOCKCHASEDC.GOV.UK",
        "jane.smith@cannockchasedc.gov.uk",  # first.last@, nobody's sign-in address
        "j.smith@cannockchasedc.gov.uk",
    ],
)
def test_the_page_refuses_a_persons_address_and_says_why(client, comms, service, person, mailbox):
    client.force_login(comms)
    response = client.post("/accounts/new/", form(service, mailbox))

    page = response.content.decode()
    assert response.status_code == 200
    assert WHY in page
    assert not SocialMediaAccount.objects.exists()


def test_a_sign_in_address_without_a_dot_is_refused_too(client, comms, service):
    UserFactory(username="parksofficer", email="parksofficer@cannockchasedc.gov.uk")
    client.force_login(comms)
    response = client.post("/accounts/new/", form(service, "parksofficer@cannockchasedc.gov.uk"))

    assert "is a person&#x27;s own sign-in email address" in response.content.decode()
    assert not SocialMediaAccount.objects.exists()


@pytest.mark.parametrize(
    "mailbox",
    [
        "socialmedia@cannockchasedc.gov.uk",
        "parks.social@cannockchasedc.gov.uk",
        "comms.team@cannockchasedc.gov.uk",
        "countryside@cannockchasedc.gov.uk",
    ],
)
def test_a_shared_mailbox_is_accepted(client, comms, service, mailbox):
    client.force_login(comms)
    response = client.post("/accounts/new/", form(service, mailbox))

    assert response.status_code == 302, response.content.decode()
    assert SocialMediaAccount.objects.get().admin_mailbox == mailbox


def test_the_admin_refuses_a_persons_address(client, comms, service, person):
    account = AccountFactory(handle="CCDCParks", url="https://x.com/CCDCParks", service=service)
    client.force_login(comms)
    data = {
        **form(service, "robin.ranger@cannockchasedc.gov.uk"),
        "launch_date": "",
        "planned_end_date": "",
        "review_date": "",
        "password_changed_on": "",
        "followers_recorded_on": "",
    }
    response = client.post(f"/admin/accounts_register/socialmediaaccount/{account.pk}/change/", data)

    assert response.status_code == 200
    assert WHY in response.content.decode()
    account.refresh_from_db()
    assert account.admin_mailbox == "socialmedia@cannockchasedc.gov.uk"


def test_the_import_refuses_a_persons_address(service, person):
    columns = ["platform", "handle", "display_name", "service", "admin_mailbox", "mailbox_is_shared"]
    rows = [[2, ["x", "CCDCParks", "Parks", service.name, "robin.ranger@cannockchasedc.gov.uk", "yes"]]]

    row = plan_import(columns, rows).rows[0]

    assert not row.is_valid
    assert any(WHY in error for error in row.errors)


def test_the_validator_is_the_one_rule(person):
    with pytest.raises(ValidationError, match="sign-in email address"):
        validate_shared_mailbox("robin.RANGER@cannockchasedc.gov.uk")
    with pytest.raises(ValidationError, match="looks like a person"):
        validate_shared_mailbox("sam.jones@cannockchasedc.gov.uk")
    validate_shared_mailbox("socialmedia@cannockchasedc.gov.uk")
