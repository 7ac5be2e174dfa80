"""The dashboard's figures against a hand-computed fixture, its charts, CSV exports and access."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime

import pytest
import time_machine
from django.urls import reverse

from monitoring import dashboard
from monitoring.checks import check_overdue_enquiries
from monitoring.services import enquiries_ingest, enquiry_record_response
from tests.factories import AccountFactory

NOW = datetime(2025, 2, 10, 12, 0, tzinfo=UTC)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def t(day, hour, minute=0, month=1):
    return datetime(2025, month, day, hour, minute, tzinfo=UTC)


@pytest.fixture
def fixture(service, other_service):
    """Hand-computed (all January 2025 in GMT, so UTC is UK time):

    e1 Tue 14 Jan 10:00, full answer 11:00: within, 1 working hour.
    e2 Tue 14 Jan 16:00 (due 17:00), full answer Wed 10:00: late, 2 working hours.
    e3 Wed 15 Jan 09:00, never answered: late (judged, not within).
    e4 Thu 16 Jan 10:00, no response needed (spam): not judged.
    e5 Mon 3 Feb 10:00, holding reply 10:30: within, 0.5 working hours.
    January: 4 received, 1 of 3 within = 33.3%; median of 1 h and 2 h = 1.5 h; p90 = 1.9 h.
    February: 1 received, 1 of 1 = 100%; median and p90 0.5 h.
    Another service's enquiry (answered late) must not appear on this service's dashboard.
    """
    account = AccountFactory(service=service, platform="facebook")
    theirs = AccountFactory(service=other_service, platform="x")
    items = [
        {"account": account.pk, "platform_id": f"e{n}", "received_at": at, "channel": "comment"}
        for n, at in [
            (1, t(14, 10)),
            (2, t(14, 16)),
            (3, t(15, 9)),
            (4, t(16, 10)),
            (5, t(3, 10, month=2)),
        ]
    ]
    items.append({"account": theirs.pk, "platform_id": "t1", "received_at": t(14, 10), "channel": "mention"})
    e = {r.platform_id: r for r in enquiries_ingest(items=items, now=NOW).records}
    for key, kind, at, reason in [
        ("e1", "full", t(14, 11), ""),
        ("e2", "full", t(15, 10), ""),
        ("e4", "no_response_needed", t(16, 11), "spam"),
        ("e5", "holding", t(3, 10, 30, month=2), ""),
        ("t1", "full", t(20, 10), ""),
    ]:
        enquiry_record_response(enquiry=e[key], kind=kind, responded_at=at, reason=reason, now=NOW)
    check_overdue_enquiries(now=NOW)
    return account


def test_response_performance_by_service_and_month(fixture, service):
    rows = dashboard.response_performance(now=NOW, service=service)

    assert [(r["month"].month, r["received"], r["judged"], r["within"], r["percent"]) for r in rows] == [
        (1, 4, 3, 1, 33.3),
        (2, 1, 1, 1, 100.0),
    ]
    assert [(r["median_hours"], r["p90_hours"]) for r in rows] == [(1.5, 1.9), (0.5, 0.5)]


def test_the_council_figures_include_every_service(fixture):
    rows = dashboard.response_performance(now=NOW)

    assert sorted({r["service"] for r in rows}) == ["Community Safety", "Countryside Service"]


def test_open_flags_by_kind(fixture, service):
    counts = {row["kind"]: row["count"] for row in dashboard.flags_by_kind(service)}

    assert counts["overdue_enquiry"] == 1
    assert sum(counts.values()) == 1


def test_accounts_by_platform_and_status(fixture):
    assert dashboard.accounts_by_platform_and_status() == [
        {"platform": "Facebook", "status": "Active", "count": 1},
        {"platform": "X (Twitter)", "status": "Active", "count": 1},
    ]


def test_a_bar_chart_scales_to_its_largest_value():
    chart = dashboard.bar_chart("T", "D", [("a", 2), ("b", 4), ("c", None)])

    assert [bar.width for bar in chart.bars] == [190.0, 380.0, 0]
    assert [bar.text for bar in chart.bars] == ["2", "4", "no data"]


def test_a_bar_label_is_wrapped_onto_more_lines_never_cut_off():
    label = "Business case waiting too long for a decision at the Corporate Director's stage"
    chart = dashboard.bar_chart("T", "D", [(label, 3), ("Short", 1)])

    long, short = chart.bars
    assert len(long.lines) == 3 and " ".join(long.lines) == label
    assert short.y == long.y + long.row_height  # the next bar starts below the wrapped label
    assert chart.height >= short.y + short.row_height


def test_the_council_dashboard_shows_charts_with_table_alternatives(fixture, client, comms):
    client.force_login(comms)

    page = client.get(reverse("dashboard")).content.decode()

    assert page.count('role="img"') == 3
    assert "25.0% (1 of 4)" in page  # January, every service: the summary, not a row per service
    assert "50.0% (2 of 4)" in page  # the Countryside Service's directorate over the year
    assert "Enquiries answered within their deadline, by month" in page


def test_a_services_dashboard_shows_its_months(fixture, service, client, comms):
    client.force_login(comms)

    page = client.get(reverse("service-dashboard", args=[service.pk])).content.decode()

    assert "33.3% (1 of 3)" in page


def test_each_dashboard_table_exports_to_csv(fixture, client, comms):
    client.force_login(comms)

    response = client.get(reverse("dashboard"), {"export": "performance"})

    assert response.streaming  # streamed: a worker's memory does not grow with the council
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert response["Content-Type"].startswith("text/csv")
    assert rows[0][:3] == ["Service", "Month", "Received"]
    assert ["Countryside Service", "2025-01", "4", "3", "1", "33.3", "1.5", "1.9"] in rows


@pytest.mark.parametrize("table", ["flags", "accounts", "inactive", "posting"])
def test_every_table_downloads(table, fixture, client, comms):
    client.force_login(comms)

    assert client.get(reverse("dashboard"), {"export": table}).status_code == 200


@pytest.mark.parametrize(
    ("persona", "status"), [("comms", 200), ("officer", 403), ("director", 403), ("outsider", 403)]
)
def test_only_communications_sees_the_council_dashboard(persona, status, client, request):
    client.force_login(request.getfixturevalue(persona))

    assert client.get(reverse("dashboard")).status_code == status


@pytest.mark.parametrize(
    ("persona", "status"), [("officer", 200), ("director", 200), ("comms", 200), ("outsider", 404)]
)
def test_a_services_dashboard_is_for_those_who_may_see_the_service(
    persona, status, fixture, service, client, request
):
    client.force_login(request.getfixturevalue(persona))

    response = client.get(reverse("service-dashboard", args=[service.pk]))

    assert response.status_code == status
    if status == 200:
        assert "Community Safety" not in response.content.decode()


def test_the_stored_figures_match_the_live_ones_and_the_dashboard_reads_them(fixture, service, client, comms):
    from monitoring.services import response_stats_refresh

    written = response_stats_refresh(now=NOW, months=12)

    stored, computed_at = dashboard.stored_response_performance(now=NOW, service=service)
    live = dashboard.response_performance(now=NOW, service=service)
    keys = ["service", "received", "judged", "within", "percent", "median_hours", "p90_hours"]
    assert written == 3 and computed_at == NOW
    assert [[r[k] for k in keys] for r in stored] == [[r[k] for k in keys] for r in live]
    client.force_login(comms)
    with_stored = client.get(reverse("service-dashboard", args=[service.pk])).content.decode()
    assert "33.3% (1 of 3)" in with_stored


def test_refreshing_twice_keeps_one_row_per_service_and_month(fixture):
    from monitoring.models import ResponseTimeMonth
    from monitoring.services import response_stats_refresh

    response_stats_refresh(now=NOW, months=12)
    response_stats_refresh(now=NOW, months=12)

    assert ResponseTimeMonth.objects.count() == 3


@pytest.mark.parametrize(
    ("values", "fraction", "expected"),
    [([3600, 7200], 0.5, 5400), ([3600, 7200], 0.9, 6840), ([1800], 0.9, 1800), ([], 0.5, None)],
)
def test_the_python_percentile_matches_postgresqls_percentile_cont(values, fraction, expected):
    assert dashboard._percentile(values, fraction) == expected


# The Director does not see flags about an overdue enquiry: enquiries are the service's own work
# (000 §25; tests/councilsocial/test_access_table.py).
@pytest.mark.parametrize(("persona", "count"), [("comms", 1), ("officer", 1), ("director", 0)])
def test_the_flag_list_shows_the_open_flags_a_person_may_see(persona, count, fixture, client, request):
    client.force_login(request.getfixturevalue(persona))

    response = client.get(reverse("flag-list"), {"kind": "overdue_enquiry"})

    assert response.status_code == 200
    assert response.context["page"].paginator.count == count


def test_another_services_people_do_not_see_its_flags(fixture, client, other_service):
    client.force_login(other_service.officers.get())

    response = client.get(reverse("flag-list"))

    assert response.context["page"].paginator.count == 0


def test_the_flag_list_needs_a_fixed_number_of_queries(fixture, client, comms, django_assert_max_num_queries):
    from accounts_register.checks import check_credentials_not_rotated
    from tests.factories import AccountFactory

    for _ in range(30):
        AccountFactory(password_changed_on=None)
    check_credentials_not_rotated(now=NOW)
    client.force_login(comms)

    # 12: the filters' services and people (issue 13) are one query each.
    with django_assert_max_num_queries(12):
        assert client.get(reverse("flag-list")).status_code == 200


def test_outsiders_have_no_flag_list(client, outsider):
    client.force_login(outsider)

    assert client.get(reverse("flag-list")).status_code == 403
