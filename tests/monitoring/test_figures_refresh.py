"""The dashboard figures refresh recomputes only the months that changed since its last run (issue 16).

Whatever happens between runs (enquiries arriving for any month of the window or before it,
responses recorded late or on time, deadlines passing unanswered, months turning over), the
incremental refresh leaves the same figures as a full recomputation.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from monitoring.dashboard import first_month, response_performance
from monitoring.models import Enquiry, EnquiryStatus, ResponseTimeMonth
from monitoring.services import enquiries_ingest, enquiry_record_response, response_stats_refresh
from tests.factories import AccountFactory, ServiceFactory

pytestmark = pytest.mark.django_db

START = datetime(2025, 3, 10, 12, 0, tzinfo=UTC)
MONTHS = 13


def stored(now) -> set[tuple]:
    return {
        (
            r.service_id,
            r.month,
            r.received,
            r.judged,
            r.within,
            _round(r.median_seconds),
            _round(r.p90_seconds),
        )
        for r in ResponseTimeMonth.objects.filter(month__gte=first_month(now, MONTHS))
    }


def recomputed(now) -> set[tuple]:
    return {
        (
            r["service_id"],
            r["month"].date(),
            r["received"],
            r["judged"],
            r["within"],
            _round(r["median_seconds"]),
            _round(r["p90_seconds"]),
        )
        for r in response_performance(now=now, months=MONTHS)
    }


def _round(value):
    return None if value is None else round(value, 3)


@pytest.fixture
def accounts():
    return [AccountFactory(service=ServiceFactory()) for _ in range(2)]


class Rollback(Exception):
    pass


operations = st.lists(
    st.one_of(
        st.tuples(st.just("wait"), st.integers(min_value=1, max_value=60 * 24 * 40)),
        st.tuples(
            st.just("enquiry"),
            st.integers(min_value=0, max_value=1),
            st.integers(min_value=0, max_value=60 * 24 * 420),
        ),
        st.tuples(
            st.just("respond"),
            st.integers(min_value=0, max_value=50),
            st.sampled_from(["holding", "full", "no_response_needed"]),
            st.integers(min_value=0, max_value=60 * 24 * 5),
        ),
        st.tuples(st.just("refresh")),
    ),
    max_size=25,
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=operations)
def test_the_incremental_refresh_gives_the_figures_of_a_full_recomputation(accounts, steps):
    try:
        with transaction.atomic():
            now = START
            response_stats_refresh(now=now, months=MONTHS)
            made = 0
            for step in steps:
                if step[0] == "wait":
                    now += timedelta(minutes=step[1])
                elif step[0] == "enquiry":
                    made += 1
                    enquiries_ingest(
                        items=[
                            {
                                "account": accounts[step[1]].pk,
                                "platform_id": f"p{made}",
                                "received_at": now - timedelta(minutes=step[2]),
                                "channel": "comment",
                            }
                        ],
                        now=now,
                    )
                elif step[0] == "respond":
                    open_ = list(Enquiry.objects.open().order_by("pk"))
                    if open_:
                        enquiry = open_[step[1] % len(open_)]
                        if step[2] == "holding" and enquiry.status != EnquiryStatus.OPEN:
                            continue
                        enquiry_record_response(
                            enquiry=enquiry,
                            kind=step[2],
                            responded_at=min(enquiry.received_at + timedelta(minutes=step[3]), now),
                            reason="spam" if step[2] == "no_response_needed" else "",
                            now=now,
                        )
                else:
                    response_stats_refresh(now=now, months=MONTHS)
            now += timedelta(minutes=1)
            response_stats_refresh(now=now, months=MONTHS)

            assert stored(now) == recomputed(now)
            raise Rollback
    except Rollback:
        pass


def test_a_run_with_nothing_changed_recomputes_nothing(accounts):
    enquiries_ingest(
        items=[{"account": accounts[0].pk, "platform_id": "a", "received_at": START, "channel": "comment"}],
        now=START,
    )
    response_stats_refresh(now=START, months=MONTHS)
    response_stats_refresh(now=START + timedelta(minutes=30), months=MONTHS)  # past the overlap

    with CaptureQueriesContext(connection) as captured:
        written = response_stats_refresh(now=START + timedelta(hours=1), months=MONTHS)

    assert written == 0
    assert not any("percentile_cont" in q["sql"] for q in captured.captured_queries)
    assert ResponseTimeMonth.objects.count() == 1


def test_a_response_recomputes_only_its_enquirys_month(accounts):
    old, recent = enquiries_ingest(
        items=[
            {
                "account": accounts[0].pk,
                "platform_id": "old",
                "received_at": START - timedelta(days=120),
                "channel": "comment",
            },
            {"account": accounts[0].pk, "platform_id": "new", "received_at": START, "channel": "comment"},
        ],
        now=START,
    ).records
    response_stats_refresh(now=START, months=MONTHS)
    response_stats_refresh(now=START + timedelta(minutes=30), months=MONTHS)  # past the overlap
    later = START + timedelta(hours=1)
    enquiry_record_response(enquiry=old, kind="full", responded_at=later, now=later)

    written = response_stats_refresh(now=later, months=MONTHS)

    assert written == 1
    rows = {r.month: r for r in ResponseTimeMonth.objects.all()}
    assert rows[first_month(old.received_at, 1)].computed_at == later
    assert rows[first_month(recent.received_at, 1)].computed_at == START + timedelta(minutes=30)
