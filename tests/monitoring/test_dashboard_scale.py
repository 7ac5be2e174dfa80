"""The council dashboard and its drill-down are bounded at any size of council (issue 16).

A council grows from 30 accounts in 6 services to 300 accounts in 60 services (54 more
directorates); the pages run the same queries and list at most a page of rows, and the full
detail is in the streamed CSV downloads.
"""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts_register.models import AccountKind, Directorate, Service, SocialMediaAccount
from monitoring.dashboard import CHART_SERIES_LIMIT, LIST_LIMIT, SUMMARY_PAGE_SIZE, first_month
from monitoring.models import ResponseTimeMonth, ResponseTimeRefresh
from monitoring.views import _address_of, _summary_row
from tests.factories import AccountFactory, DirectorateFactory, UserFactory

pytestmark = pytest.mark.django_db

NOW = datetime(2025, 2, 10, 12, 0, tzinfo=UTC)
MAX_QUERIES = 20


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture(autouse=True)
def _empty_cache():
    """The council's monthly totals are cached until the next refresh: start and leave it empty."""
    cache.clear()
    yield
    cache.clear()


def grow(*, directorates: int, services_each: int, accounts_each: int, tag: str) -> list[Service]:
    """Directorates, their services, silent corporate accounts (inactive and under the posting
    guideline) and twelve months of stored figures for each service."""
    made = Directorate.objects.bulk_create(
        Directorate(name=f"{tag} directorate {d}") for d in range(directorates)
    )
    services = Service.objects.bulk_create(
        Service(name=f"{tag} service {d}-{s}", directorate=directorate)
        for d, directorate in enumerate(made)
        for s in range(services_each)
    )
    SocialMediaAccount.objects.bulk_create(
        AccountFactory.build(
            service=service,
            kind=AccountKind.CORPORATE,
            handle=f"{tag}_{service.pk}_{n}",
            url=f"https://x.com/{tag}_{service.pk}_{n}",
        )
        for service in services
        for n in range(accounts_each)
    )
    SocialMediaAccount.objects.filter(service__in=services).update(created_at=NOW - timedelta(days=400))
    ResponseTimeMonth.objects.bulk_create(
        ResponseTimeMonth(
            service=service,
            month=first_month(NOW - timedelta(days=31 * m), 1),
            received=10,
            judged=8,
            within=6,
            median_seconds=3600,
            p90_seconds=7200,
            computed_at=NOW,
        )
        for service in services
        for m in range(12)
    )
    ResponseTimeRefresh.objects.update_or_create(months=13, defaults={"refreshed_at": NOW})
    return services


def queries_for(client, url) -> tuple[int, object]:
    """The queries of one request after a warm-up (the first after sign-in touches the session)."""
    """The queries of one request after a warm-up (the first after sign-in touches the session)."""
    client.get(url)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured.captured_queries), response


def test_the_council_dashboard_runs_the_same_queries_and_lists_a_page_at_any_size(
    client, comms, django_assert_max_num_queries
):
    grow(directorates=6, services_each=1, accounts_each=5, tag="small")
    client.force_login(comms)
    small, _ = queries_for(client, reverse("dashboard"))

    grow(directorates=54, services_each=1, accounts_each=5, tag="large")  # 300 accounts, 60 services
    large, response = queries_for(client, reverse("dashboard"))
    with django_assert_max_num_queries(MAX_QUERIES):
        client.get(reverse("dashboard"))

    assert large == small
    context = response.context
    assert len(context["directorates"].rows) == SUMMARY_PAGE_SIZE
    assert context["directorates"].paginator.count == 60
    assert len(context["inactive"]) == LIST_LIMIT and context["inactive_total_text"] == "300"
    assert len(context["posting"]) == LIST_LIMIT and context["posting_total_text"] == "300"
    assert len(context["by_month"]) <= 12
    # The charts draw the council and the first directorates, and the first corporate accounts.
    assert len(context["response_chart"].series) == 1 + CHART_SERIES_LIMIT
    assert len(context["response_chart"].months) == 12
    assert len(context["posting_charts"]["charts"]) == CHART_SERIES_LIMIT
    assert context["posting_charts"]["more"]
    page = response.content.decode()
    assert "Next" in page and "the download lists them all" in page
    assert "Response times by service and month" not in page  # on each directorate's page instead


def test_a_directorate_page_runs_the_same_queries_and_lists_a_page_of_services(
    client, comms, django_assert_max_num_queries
):
    small = grow(directorates=1, services_each=3, accounts_each=1, tag="small")[0].directorate
    large = grow(directorates=1, services_each=60, accounts_each=1, tag="large")[0].directorate
    client.force_login(comms)
    few, _ = queries_for(client, reverse("directorate-dashboard", args=[small.pk]))

    many, response = queries_for(client, reverse("directorate-dashboard", args=[large.pk]))
    with django_assert_max_num_queries(MAX_QUERIES):
        client.get(reverse("directorate-dashboard", args=[large.pk]))

    assert many == few
    assert len(response.context["services"].rows) == SUMMARY_PAGE_SIZE
    chart = response.context["response_chart"]
    assert [series.name for series in chart.series[:2]] == [f"The whole of {large.name}", "large service 0-0"]
    assert len(chart.series) == 1 + CHART_SERIES_LIMIT
    assert chart.series[1].values == [75.0] * 12
    row = response.context["services"].rows[0]
    assert (row["received"], row["within"], row["judged"]) == (120, 72, 96)
    assert "75.0% (72 of 96)" in response.content.decode()


def test_a_download_streams_every_row(client, comms):
    grow(directorates=60, services_each=1, accounts_each=5, tag="large")
    client.force_login(comms)

    response = client.get(reverse("dashboard"), {"export": "inactive"})

    assert response.streaming
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert len(rows) == 1 + 300


def test_the_performance_download_lists_every_service_and_month(client, comms):
    grow(directorates=60, services_each=1, accounts_each=1, tag="large")
    client.force_login(comms)

    response = client.get(reverse("dashboard"), {"export": "performance"})

    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert len(rows) == 1 + 60 * 12


@pytest.mark.parametrize(("persona", "status"), [("comms", 200), ("director", 200), ("officer", 404)])
def test_a_directorate_page_is_for_communications_and_its_director(
    persona, status, client, request, directorate
):
    client.force_login(request.getfixturevalue(persona))

    assert client.get(reverse("directorate-dashboard", args=[directorate.pk])).status_code == status


def test_another_directorates_director_cannot_see_it(client, directorate):
    other = DirectorateFactory(name="Housing", corporate_director=UserFactory(username="housing-director"))
    client.force_login(other.corporate_director)

    assert client.get(reverse("directorate-dashboard", args=[directorate.pk])).status_code == 404


def test_past_the_count_limit_the_dashboard_says_more_than_without_counting_every_account(
    client, comms, monkeypatch
):
    monkeypatch.setattr("monitoring.dashboard.COUNT_LIMIT", 100)
    grow(directorates=6, services_each=10, accounts_each=5, tag="large")  # 300 silent corporate accounts
    client.force_login(comms)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("dashboard"))

    assert response.context["inactive_total"] == response.context["posting_total"] == 101
    page = " ".join(response.content.decode().split())
    assert f"Showing the {LIST_LIMIT} accounts silent longest, of more than 100; the download" in page
    assert f"Showing the first {LIST_LIMIT} of more than 100 accounts; the download" in page
    counts = [
        q["sql"] for q in queries.captured_queries if q["sql"].startswith("SELECT COUNT(*) FROM (SELECT")
    ]
    assert len(counts) == 2 and all("LIMIT 101" in sql for sql in counts)


def test_a_summary_row_is_worded_once_with_its_link():
    service = grow(directorates=1, services_each=1, accounts_each=1, tag="row")[0]
    figures = {"received": 12345, "judged": 1200, "within": 1140, "percent": 95.0}

    row = _summary_row(service, figures, reverse("service-dashboard", args=[service.pk]))

    assert row["received_text"] == "12,345"
    assert row["within_text"] == "95.0% (1,140 of 1,200)"
    assert row["url"] == f"/services/{service.pk}/dashboard/"
    assert _summary_row(service, {}, "/x/")["within_text"] == "–"
    assert _summary_row(service, {}, "/x/")["received_text"] == "0"


def test_a_pages_addresses_are_those_reverse_gives():
    for name in ("service-dashboard", "directorate-dashboard"):
        assert [_address_of(name)(pk) for pk in (1, 42, 987654321)] == [
            reverse(name, args=[pk]) for pk in (1, 42, 987654321)
        ]
