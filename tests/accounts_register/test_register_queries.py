"""The register list and the account page run a fixed number of queries, whatever the row count."""

import pytest

from accounts_register.models import AccessRole, AuthorisedUser
from tests.factories import AccountFactory, ServiceFactory, UserFactory

pytestmark = pytest.mark.django_db

MAX_LIST_QUERIES = 10
MAX_PAGE_QUERIES = 16


def warm_up(client, url):
    """The first request after sign-in also extends the session; measure the steady state."""
    assert client.get(url).status_code == 200


def make_accounts(n, service):
    granter = UserFactory(username="granter")
    accounts = AccountFactory.create_batch(n, service=service)
    people = UserFactory.create_batch(3)
    AuthorisedUser.objects.bulk_create(
        AuthorisedUser(
            account=a, person=p, role=AccessRole.EDITOR, granted_by=granter, granted_at=a.created_at
        )
        for a in accounts
        for p in people
    )
    return accounts


@pytest.mark.parametrize("rows", [10, 1000])
def test_the_register_list_runs_a_fixed_number_of_queries(client, comms, rows, django_assert_max_num_queries):
    services = ServiceFactory.create_batch(3)
    for service in services:
        make_accounts(rows // 3 or 1, service)
    client.force_login(comms)
    warm_up(client, "/accounts/")
    with django_assert_max_num_queries(MAX_LIST_QUERIES):
        response = client.get("/accounts/?sort=-service&flags=")
    assert response.status_code == 200


@pytest.mark.parametrize("rows", [10, 1000])
def test_the_register_list_for_an_officer_runs_a_fixed_number_of_queries(
    client, officer, service, rows, django_assert_max_num_queries
):
    make_accounts(rows, service)
    client.force_login(officer)
    warm_up(client, "/accounts/")
    with django_assert_max_num_queries(MAX_LIST_QUERIES):
        response = client.get("/accounts/?q=ccdc")
    assert response.status_code == 200


@pytest.mark.parametrize("rows", [10, 1000])
def test_the_account_page_runs_a_fixed_number_of_queries(
    client, comms, service, rows, django_assert_max_num_queries
):
    account = make_accounts(rows, service)[0]
    for n in range(5):
        account.display_name = f"Renamed {n}"
        account.save()
    client.force_login(comms)
    warm_up(client, "/")
    with django_assert_max_num_queries(MAX_PAGE_QUERIES):
        response = client.get(f"/accounts/{account.pk}/")
    assert response.status_code == 200
