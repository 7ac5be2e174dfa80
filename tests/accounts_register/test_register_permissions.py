"""Who may list, see, change, move, import and export accounts on the register."""

import pytest

from accounts_register.models import AccountStatus

pytestmark = pytest.mark.django_db

# persona → (list shows own account, list shows other's, view own, edit, transition, export)
MATRIX = {
    "officer": (True, False, 200, 403, 403, 403),
    "manager": (True, False, 200, 403, 403, 403),
    "director": (True, False, 200, 403, 403, 403),
    "comms": (True, True, 200, 200, 200, 200),
    "outsider": (False, False, 404, 404, 404, 403),
}


@pytest.fixture(params=list(MATRIX))
def persona(request, account, other_account):
    user = request.getfixturevalue(request.param)
    return request.param, user


def test_the_register_list_shows_only_what_the_role_may_see(client, persona, account, other_account):
    name, user = persona
    client.force_login(user)
    page = client.get("/accounts/").content.decode()
    assert ("@CCDCCountryside" in page, "@ccdcpartnership" in page) == MATRIX[name][:2]


def test_the_account_page_is_shown_only_to_those_who_may_see_it(client, persona, account):
    name, user = persona
    client.force_login(user)
    assert client.get(f"/accounts/{account.pk}/").status_code == MATRIX[name][2]


def test_only_communications_changes_an_accounts_details(client, persona, account):
    name, user = persona
    client.force_login(user)
    assert client.get(f"/accounts/{account.pk}/edit/").status_code == MATRIX[name][3]


def test_only_communications_changes_an_accounts_status(client, persona, account):
    name, user = persona
    client.force_login(user)
    response = client.post(f"/accounts/{account.pk}/status/", {"transition": "suspend", "reason": "Testing"})
    account.refresh_from_db()
    expected = MATRIX[name][4]
    assert response.status_code == (302 if expected == 200 else expected)
    assert account.status == (AccountStatus.SUSPENDED if expected == 200 else AccountStatus.ACTIVE)


def test_only_communications_exports_the_register(client, persona):
    name, user = persona
    client.force_login(user)
    assert client.get("/accounts/export.csv").status_code == MATRIX[name][5]


def test_a_service_officer_asking_for_another_services_account_by_id_gets_404(client, officer, other_account):
    client.force_login(officer)
    assert client.get(f"/accounts/{other_account.pk}/").status_code == 404
    assert client.get(f"/accounts/{other_account.pk}/status/").status_code == 404


def test_the_director_sees_only_their_directorates_accounts(client, director, account, other_account):
    client.force_login(director)
    assert client.get(f"/accounts/{account.pk}/").status_code == 200
    assert client.get(f"/accounts/{other_account.pk}/").status_code == 404


def test_an_anonymous_visitor_is_sent_to_sign_in(client, account):
    response = client.get(f"/accounts/{account.pk}/")
    assert response.status_code == 302
    assert response["Location"].startswith("/sign-in/")


def test_an_officer_may_propose_an_account_for_their_own_service_only(
    client, officer, service, other_service
):
    client.force_login(officer)
    form = {
        "platform": "instagram",
        "handle": "@countryside_ccdc",
        "url": "https://www.instagram.com/countryside_ccdc",
        "display_name": "Countryside",
        "kind": "departmental",
    }
    refused = client.post("/accounts/new/", {**form, "service": other_service.pk})
    assert "Select a valid choice" in refused.content.decode()

    created = client.post("/accounts/new/", {**form, "service": service.pk})
    assert created.status_code == 302
    from accounts_register.models import SocialMediaAccount

    proposed = SocialMediaAccount.objects.get(handle="countryside_ccdc")
    assert proposed.status == AccountStatus.PROPOSED
    assert proposed.service == service


def test_an_outsider_cannot_propose_an_account(client, outsider):
    client.force_login(outsider)
    assert client.get("/accounts/new/").status_code == 403


def test_the_register_filters_by_service_and_keeps_the_choice(client, comms, account, other_account):
    client.force_login(comms)
    page = client.get(f"/accounts/?service={account.service_id}").content.decode()
    assert "@CCDCCountryside" in page and "@ccdcpartnership" not in page
    assert f'<option value="{account.service_id}" selected>' in page


def test_the_register_filters_accounts_with_no_accepted_risk_assessment(
    client, comms, account, other_account
):
    from django.utils import timezone

    from risk_assessments.models import RiskAssessment

    RiskAssessment.objects.create(
        account=other_account, status="accepted", version=1, created_at=timezone.now(), created_by=comms
    )
    client.force_login(comms)
    page = client.get("/accounts/?risk=none_accepted").content.decode()
    assert "@CCDCCountryside" in page and "@ccdcpartnership" not in page
