"""The register list is bounded at any size of council (issue 16): the same queries, a page of rows
and a bounded list of services to filter by, for 30 accounts or 300 in 150 services."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts_register.models import Directorate, Service, SocialMediaAccount
from accounts_register.selectors import SERVICE_CHOICES_LIMIT
from accounts_register.views import PAGE_SIZE
from councilsocial.flags.models import FlagKind, GovernanceFlag
from councilsocial.permissions import COMMUNICATIONS
from tests.factories import AccountFactory, UserFactory

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


def test_the_open_flag_column_is_probed_for_the_rows_shown_not_hashed_from_every_open_flag(client):
    """A page of the register marks accounts with open flags by probing each row shown (``LIMIT 1``
    through ``flag_open_by_account_idx``), where an ``EXISTS`` in the select list was planned as a
    hash of every open flag in the council: 13 ms at 30,000 open flags, growing with them."""
    grow(directorates=1, services_each=4, accounts=2000, tag="flags")
    first = SocialMediaAccount.objects.order_by("pk").values_list("pk", flat=True).first()
    subject_type = ContentType.objects.get_for_model(SocialMediaAccount)
    with connection.cursor() as cursor:
        cursor.execute(
            f'INSERT INTO "{GovernanceFlag._meta.db_table}" (kind, subject_type_id, subject_id, account_id, '  # noqa: S608
            "raised_at) SELECT %s, %s, i, %s + mod(i, 2000), now() FROM generate_series(1, 30000) i",
            [FlagKind.ACCOUNT_INACTIVE, subject_type.pk, first],
        )
        cursor.execute(
            f'ANALYZE "{GovernanceFlag._meta.db_table}", "{SocialMediaAccount._meta.db_table}", '
            f'"{Service._meta.db_table}", "{Directorate._meta.db_table}"'
        )
    comms = UserFactory()
    comms.groups.add(Group.objects.get_or_create(name=COMMUNICATIONS)[0])
    client.force_login(comms)

    with CaptureQueriesContext(connection) as captured:
        response = client.get("/accounts/")

    assert response.status_code == 200
    page_query = next(q["sql"] for q in captured.captured_queries if "has_open_flags" in q["sql"])
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, FORMAT JSON) " + page_query)
        plan = cursor.fetchone()[0][0]["Plan"]

    def flag_rows(node) -> int:
        """Rows read from the flags table or its indexes, over every loop of the plan."""
        reads_flags = node.get("Relation Name") == GovernanceFlag._meta.db_table
        own = node["Actual Rows"] * node["Actual Loops"] if reads_flags else 0
        return own + sum(flag_rows(child) for child in node.get("Plans", []))

    assert flag_rows(plan) <= PAGE_SIZE, plan
    assert all(account.has_open_flags for account in response.context["page"].object_list)


@pytest.mark.parametrize(
    "case", ["service outside the directorate", "no such directorate", "no such service"]
)
def test_a_filter_the_person_cannot_choose_is_no_filter_never_a_hidden_one(client, comms, case):
    """Choosing a service, then another directorate, used to list nothing under "All services"."""
    services = grow(directorates=2, services_each=2, accounts=8, tag="filters")
    first, other = services[0], services[-1]  # in different directorates
    query = {
        "service outside the directorate": {"directorate": first.directorate_id, "service": other.pk},
        "no such directorate": {"directorate": "99999999999999999999"},
        "no such service": {"service": "987654"},
    }[case]
    client.force_login(comms)

    response = client.get("/accounts/", query)

    filters = response.context["filters"]
    assert filters.service == ""
    shown = response.context["page"].paginator.count
    if case == "service outside the directorate":
        assert filters.directorate == str(first.directorate_id) and shown == 4
    else:
        assert filters.directorate == "" and shown == 8
