"""Communications saves register entries with every field, on the pages and in admin (issue 11 items 1–2).

The guard against pasted passwords (004 Do 3) looks at what people type, not at the names of our own
fields: the "password last changed" date arrives as ``password_changed_on_0/1/2``.
"""

from datetime import date

import pytest

from accounts_register.models import SocialMediaAccount
from tests.factories import AccountFactory

pytestmark = pytest.mark.django_db


def full_form(service, **changes):
    """Every field of the register's account form, filled in as Communications would."""
    data = {
        "platform": "x",
        "handle": "CCDCParks",
        "url": "https://x.com/CCDCParks",
        "display_name": "Parks and Open Spaces",
        "service": service.pk,
        "kind": "departmental",
        "purpose": "News about parks",
        "launch_date_0": "1",
        "launch_date_1": "4",
        "launch_date_2": "2024",
        "planned_end_date_0": "",
        "planned_end_date_1": "",
        "planned_end_date_2": "",
        "exit_plan": "Point people to the website, then close it",
        "review_date_0": "1",
        "review_date_1": "4",
        "review_date_2": "2027",
        "admin_mailbox": "parks.social@cannockchasedc.gov.uk",
        "admin_mailbox_is_shared": "on",
        "comms_has_admin_access": "on",
        "vault_reference": "Comms vault / Parks",
        "mfa_enabled": "on",
        "recovery_contact": "Communications",
        "password_changed_on_0": "3",
        "password_changed_on_1": "2",
        "password_changed_on_2": "2026",
        "internal_notes": "Moved from the old spreadsheet",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def assert_saved_with_the_values(account):
    assert account.display_name == "Parks and Open Spaces"
    assert account.password_changed_on == date(2026, 2, 3)
    assert account.launch_date == date(2024, 4, 1)
    assert account.review_date == date(2027, 4, 1)
    assert account.vault_reference == "Comms vault / Parks"
    assert account.mfa_enabled is True
    assert account.comms_has_admin_access is True
    assert account.internal_notes == "Moved from the old spreadsheet"


def test_communications_adds_an_account_with_every_field(client, comms, service):
    client.force_login(comms)
    response = client.post("/accounts/new/", full_form(service))

    assert response.status_code == 302, response.content.decode()
    assert_saved_with_the_values(SocialMediaAccount.objects.get(handle="CCDCParks"))


def test_communications_changes_an_account_with_every_field(client, comms, service):
    account = AccountFactory(handle="CCDCParks", url="https://x.com/CCDCParks", service=service)
    client.force_login(comms)
    response = client.post(f"/accounts/{account.pk}/edit/", full_form(service))

    assert response.status_code == 302, response.content.decode()
    account.refresh_from_db()
    assert_saved_with_the_values(account)


@pytest.mark.parametrize("field", ["purpose", "vault_reference", "internal_notes", "exit_plan"])
def test_a_pasted_password_in_free_text_is_still_refused(client, comms, service, field):
    client.force_login(comms)
    response = client.post("/accounts/new/", full_form(service, **{field: "password: Parks2026!"}))

    assert response.status_code == 200
    assert "This looks like a password" in response.content.decode()
    assert not SocialMediaAccount.objects.exists()


def admin_form(service, **changes):
    """The admin change form: dates arrive as one text box each."""
    data = full_form(service, **changes)
    for name in ["launch_date", "planned_end_date", "review_date", "password_changed_on"]:
        day, month, year = (data.pop(f"{name}_{i}", "") for i in range(3))
        data[name] = f"{year}-{int(month):02d}-{int(day):02d}" if day else ""
    data["followers"] = "120"
    data["followers_recorded_on"] = "2026-01-05"
    return data


@pytest.fixture(params=["superuser", "comms"])
def admin_user(request, comms, admin_user):
    return admin_user if request.param == "superuser" else comms


def test_the_admin_change_page_saves_an_account(client, admin_user, service):
    account = AccountFactory(handle="CCDCParks", url="https://x.com/CCDCParks", service=service)
    client.force_login(admin_user)
    response = client.post(
        f"/admin/accounts_register/socialmediaaccount/{account.pk}/change/", admin_form(service)
    )

    assert response.status_code == 302, response.content.decode()
    account.refresh_from_db()
    assert_saved_with_the_values(account)
    assert account.followers == 120


def test_the_admin_still_refuses_a_pasted_password(client, comms, service):
    account = AccountFactory(handle="CCDCParks", url="https://x.com/CCDCParks", service=service)
    client.force_login(comms)
    response = client.post(
        f"/admin/accounts_register/socialmediaaccount/{account.pk}/change/",
        admin_form(service, internal_notes="pwd=hunter2"),
    )

    assert response.status_code == 200
    assert "This looks like a password" in response.content.decode()
    account.refresh_from_db()
    assert account.internal_notes == ""


# --- Item 2: a duplicate handle is a plain sentence on the handle, naming the account ---------------
@pytest.fixture
def existing(service):
    return AccountFactory(
        handle="CCDCParks", url="https://x.com/CCDCParks", display_name="Parks (old)", service=service
    )


@pytest.mark.parametrize("handle", ["CCDCParks", "ccdcparks", "@CCDCPARKS"])
def test_a_duplicate_handle_on_the_page_names_the_existing_account(client, comms, service, existing, handle):
    client.force_login(comms)
    response = client.post("/accounts/new/", full_form(service, handle=handle, url="https://x.com/ccdcparks"))

    page = response.content.decode()
    assert response.status_code == 200
    assert "Constraint" not in page and "is violated" not in page
    assert "@CCDCParks is already on the register as Parks (old)" in page
    assert SocialMediaAccount.objects.count() == 1


def test_a_duplicate_handle_in_admin_names_the_existing_account(client, comms, service, existing):
    other = AccountFactory(handle="CCDCGardens", url="https://x.com/CCDCGardens", service=service)
    client.force_login(comms)
    response = client.post(
        f"/admin/accounts_register/socialmediaaccount/{other.pk}/change/",
        admin_form(service, handle="ccdcparks", url="https://x.com/ccdcparks"),
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert "Constraint" not in page and "is violated" not in page
    assert "@CCDCParks is already on the register as Parks (old)" in page
    other.refresh_from_db()
    assert other.handle == "CCDCGardens"


def test_a_duplicate_handle_added_in_admin_names_the_existing_account(client, comms, service, existing):
    client.force_login(comms)
    response = client.post(
        "/admin/accounts_register/socialmediaaccount/add/",
        admin_form(service, handle="CCDCPARKS", url="https://x.com/CCDCPARKS"),
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert "Constraint" not in page and "is violated" not in page
    assert "@CCDCParks is already on the register as Parks (old)" in page
    assert SocialMediaAccount.objects.count() == 1
