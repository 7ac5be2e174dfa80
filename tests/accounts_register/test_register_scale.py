"""The register list is bounded at any size of council (issue 16): the same queries, a page of rows
and a bounded list of services to filter by, for 30 accounts or 300 in 150 services."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts_register.models import Directorate, Service, SocialMediaAccount
from accounts_register.selectors import SERVICE_CHOICES_LIMIT
from accounts_register.views import PAGE_SIZE
from tests.factories import AccountFactory

pytestmark = pytest.mark.django_db

MAX_LIST_QUERIES = 10


def grow(*, directorates: int, services_each: int, accounts: int, tag: str) -> list[Service]:
    made = Directorate.objects.bulk_create(
        Directorate(name=f"{tag} directorate {d}") for d in range(directorates)
    )
    services = Service.objects.bulk_create(
        Service(name=f"{tag} service {d}-{s:03d}", directorate=directorate)
        for d, directorate in enumerate(made)
        for s in range(services_each)
    )
    SocialMediaAccount.objects.bulk_create(
        AccountFactory.build(
            service=services[n % len(services)], handle=f"{tag}_{n}", url=f"https://x.com/{tag}_{n}"
        )
        for n in range(accounts)
    )
    return services


def service_options(page: str) -> list[str]:
    select = re.search(r'<select class="govuk-select" id="service" name="service">(.*?)</select>', page, re.S)
    return re.findall(r"<option ", select.group(1))


def queries_for(client, url) -> tuple[int, object]:
    """The queries of one request after a warm-up (the first after sign-in touches the session)."""
    client.get(url)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured.captured_queries), response


def test_the_register_list_runs_the_same_queries_and_lists_a_page_at_any_size(
    client, comms, django_assert_max_num_queries
):
    grow(directorates=3, services_each=2, accounts=30, tag="small")
    client.force_login(comms)
    small, _ = queries_for(client, "/accounts/")

    grow(directorates=3, services_each=50, accounts=270, tag="large")  # 300 accounts, 156 services
    large, response = queries_for(client, "/accounts/")
    with django_assert_max_num_queries(MAX_LIST_QUERIES):
        client.get("/accounts/")

    assert large == small
    assert len(response.context["page"].object_list) == PAGE_SIZE
    assert response.context["page"].paginator.count == 300
    page = response.content.decode()
    assert len(service_options(page)) <= SERVICE_CHOICES_LIMIT + 1  # and "All services"
    assert "Choose a directorate" in page


def test_choosing_a_directorate_lists_its_services(client, comms):
    services = grow(directorates=3, services_each=50, accounts=300, tag="large")
    client.force_login(comms)

    response = client.get("/accounts/", {"directorate": services[0].directorate_id})

    page = response.content.decode()
    assert len(service_options(page)) == 1 + 50
    assert "large service 0-049" in page and "large service 1-000" not in page
    assert "Choose a directorate" not in page


def test_a_chosen_service_stays_chosen_when_the_list_is_cut_short(client, comms):
    services = grow(directorates=3, services_each=50, accounts=300, tag="large")
    chosen = services[-1]
    client.force_login(comms)

    response = client.get("/accounts/", {"service": chosen.pk})

    page = response.content.decode()
    assert f'<option value="{chosen.pk}" selected>{chosen.name}</option>' in page
    assert response.context["page"].paginator.count == 2


def test_a_small_council_lists_every_service_without_choosing_a_directorate(client, comms):
    services = grow(directorates=3, services_each=2, accounts=30, tag="small")
    client.force_login(comms)

    page = client.get("/accounts/").content.decode()

    assert len(service_options(page)) == 1 + len(services)
    assert "Choose a directorate" not in page
