"""Cost that follows the work, not the size of the history (issue 16).

The plans are read with EXPLAIN on tables with tens of thousands of rows, analysed, so the planner
chooses as it would in production: a lookup that is not by pairs gets a sequential scan here.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts_register.models import SocialMediaAccount
from councilsocial.flags.models import FlagKind, GovernanceFlag
from councilsocial.flags.services import flags_reconcile
from monitoring.models import Enquiry, Post
from monitoring.services import enquiries_ingest, posts_ingest
from tests.factories import AccountFactory

pytestmark = pytest.mark.django_db

NOW = datetime(2025, 1, 14, 10, 30, tzinfo=UTC)
HISTORY = 50_000
OPEN_FLAG_INDEXES = (
    "flag_open_resolve_idx",
    "flag_one_open_per_kind_and_subject",
    "flag_open_by_account_idx",
)


def explain(sql: str, params=None) -> str:
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN " + sql, params)
        return "\n".join(row[0] for row in cursor.fetchall())


@pytest.fixture
def accounts():
    return AccountFactory.create_batch(40)


@pytest.fixture
def history(accounts):
    """50,000 enquiries and 50,000 posts across the accounts, analysed."""
    first = min(a.pk for a in accounts)
    with connection.cursor() as cursor:
        cursor.execute(
            f'INSERT INTO "{Enquiry._meta.db_table}" (account_id, platform_id, received_at, author, text, '  # noqa: S608
            "channel, response_due_at, response_policy, status, no_response_reason, recorded_at, url, "
            "conversation_id) "
            "SELECT %s + mod(i, 40), 'h' || i, %s - i * interval '1 minute', 'resident', 'A question', "
            "'comment', %s - i * interval '1 minute', 'working_day', 'answered', '', %s, '', '' "
            "FROM generate_series(1, %s) i",
            [first, NOW, NOW, NOW, HISTORY],
        )
        cursor.execute(
            f'INSERT INTO "{Post._meta.db_table}" (account_id, platform_id, posted_at, kind, recorded_at, '  # noqa: S608
            "text, url, published_by) "
            "SELECT %s + mod(i, 40), 'h' || i, %s - i * interval '1 minute', 'original', %s, '', '', '' "
            "FROM generate_series(1, %s) i",
            [first, NOW, NOW, HISTORY],
        )
        cursor.execute(f'ANALYZE "{Enquiry._meta.db_table}", "{Post._meta.db_table}"')
    return accounts


def lookups_of(captured, table: str) -> list[str]:
    """The SELECTs on ``table`` that look rows up by platform id."""
    return [
        q["sql"]
        for q in captured.captured_queries
        if q["sql"].lstrip().upper().startswith("SELECT")
        and f'"{table}"' in q["sql"]
        and "platform_id" in q["sql"]
    ]


def batch(accounts, *, field: str) -> list[dict]:
    """1,000 items: half already stored (from the history), half new."""
    first = min(a.pk for a in accounts)
    items = []
    for n in range(1000):
        if n % 2:  # stored by the ``history`` fixture: 'h' || i on account first + i mod 40
            i = n * 37 + 1
            account_id, platform_id = first + i % 40, f"h{i}"
        else:
            account_id, platform_id = first + n % 40, f"new-{n}"
        item = {"account": account_id, "platform_id": platform_id, field: NOW - timedelta(minutes=n)}
        if field == "received_at":
            item.update(author="resident", text="Hello", channel="comment")
        items.append(item)
    return items


def test_the_enquiry_ingest_looks_rows_up_by_pairs_through_the_unique_index(history):
    with CaptureQueriesContext(connection) as captured:
        result = enquiries_ingest(items=batch(history, field="received_at"), now=NOW)

    assert result.created == 500
    lookups = lookups_of(captured, Enquiry._meta.db_table)
    assert lookups, "the ingest looked nothing up"
    for sql in lookups:
        plan = explain(sql)
        assert "enquiry_unique_platform_id" in plan, plan
        assert "Seq Scan on monitoring_enquiry" not in plan, plan


def test_the_post_ingest_looks_rows_up_by_pairs_through_the_unique_index(history):
    with CaptureQueriesContext(connection) as captured:
        result = posts_ingest(items=batch(history, field="posted_at"), now=NOW)

    assert result.created == 500
    lookups = lookups_of(captured, Post._meta.db_table)
    assert lookups, "the ingest looked nothing up"
    for sql in lookups:
        plan = explain(sql)
        assert "post_unique_platform_id" in plan, plan
        assert "Seq Scan on monitoring_post" not in plan, plan


def test_the_pair_lookup_finds_only_the_pairs_asked_for(accounts):
    """Account A's id with account B's platform id is not a match (the old lookup's cross product)."""
    a, b = accounts[0], accounts[1]
    enquiries_ingest(
        items=[
            {"account": a.pk, "platform_id": "1", "received_at": NOW, "channel": "comment"},
            {"account": b.pk, "platform_id": "2", "received_at": NOW, "channel": "comment"},
        ],
        now=NOW,
    )

    result = enquiries_ingest(
        items=[
            {"account": a.pk, "platform_id": "2", "received_at": NOW, "channel": "comment"},
            {"account": b.pk, "platform_id": "2", "received_at": NOW, "channel": "comment"},
        ],
        now=NOW,
    )

    assert result.created == 1
    assert [(e.account_id, e.platform_id) for e in result.records] == [(a.pk, "2"), (b.pk, "2")]
    assert Enquiry.objects.count() == 3


# --- Flags: the resolve step reads only open flags ---------------------------------------------------
def test_resolving_flags_reads_only_the_open_ones_whatever_the_number_resolved(accounts):
    """``flags_reconcile``'s resolve UPDATE goes through ``flag_open_resolve_idx``, not the history."""
    subject_type = ContentType.objects.get_for_model(SocialMediaAccount)
    first = min(a.pk for a in accounts)
    with connection.cursor() as cursor:
        # 50,000 resolved flags of this kind, 5,000 open ones of another kind, 20 open of this kind.
        cursor.execute(
            f'INSERT INTO "{GovernanceFlag._meta.db_table}" (kind, subject_type_id, subject_id, account_id, '  # noqa: S608
            "raised_at, resolved_at) "
            "SELECT %s, %s, %s + mod(i, 40), %s + mod(i, 40), %s, CASE WHEN i <= 20 THEN NULL ELSE %s END "
            "FROM generate_series(1, 50020) i",
            [FlagKind.CREDENTIALS_NOT_ROTATED, subject_type.pk, first, first, NOW, NOW],
        )
        # Only the first 20 can be open (one open flag per subject): give them their own subjects.
        cursor.execute(
            f'UPDATE "{GovernanceFlag._meta.db_table}" '  # noqa: S608
            "SET subject_id = 1000000 + id WHERE resolved_at IS NULL"
        )
        cursor.execute(
            f'INSERT INTO "{GovernanceFlag._meta.db_table}" (kind, subject_type_id, subject_id, account_id, '  # noqa: S608
            "raised_at) SELECT %s, %s, i, %s, %s FROM generate_series(1, 5000) i",
            [FlagKind.ACCOUNT_INACTIVE, subject_type.pk, first, NOW],
        )
        cursor.execute(f'ANALYZE "{GovernanceFlag._meta.db_table}"')

    with CaptureQueriesContext(connection) as captured:
        changes = flags_reconcile(
            kind=FlagKind.CREDENTIALS_NOT_ROTATED,
            subjects=SocialMediaAccount.objects.filter(mfa_enabled=False),
            now=NOW,
            account_field="pk",
            service_field="service_id",
        )

    assert changes.resolved == 20
    updates = [q["sql"] for q in captured.captured_queries if q["sql"].startswith("UPDATE")]
    assert len(updates) == 1
    plan = explain(updates[0])
    # The planner picks among the partial indexes over open flags by its estimates (with one kind
    # dominating the open flags, ``flag_open_resolve_idx``); each reads open flags only.
    assert any(f"on {name}" in plan for name in OPEN_FLAG_INDEXES), plan
    assert "Seq Scan on monitoring_governanceflag" not in plan, plan


def test_the_resolve_step_of_a_kind_uses_the_index_named_for_it(accounts):
    """With the open flags mostly of another kind, the resolve reads its kind's through
    ``flag_open_resolve_idx`` (kind first), not every open flag."""
    subject_type = ContentType.objects.get_for_model(SocialMediaAccount)
    first = min(a.pk for a in accounts)
    table = GovernanceFlag._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f'INSERT INTO "{table}" (kind, subject_type_id, subject_id, account_id, raised_at, resolved_at) '  # noqa: S608
            "SELECT %s, %s, i, %s, %s, %s FROM generate_series(1, 50000) i",
            [FlagKind.OVERDUE_ENQUIRY, subject_type.pk, first, NOW, NOW],
        )
        cursor.execute(
            f'INSERT INTO "{table}" (kind, subject_type_id, subject_id, account_id, raised_at) '  # noqa: S608
            "SELECT %s, %s, 100000 + i, %s + mod(i, 40), %s FROM generate_series(1, 20000) i",
            [FlagKind.OVERDUE_ENQUIRY, subject_type.pk, first, NOW],
        )
        cursor.execute(
            f'INSERT INTO "{table}" (kind, subject_type_id, subject_id, account_id, raised_at) '  # noqa: S608
            "SELECT %s, %s, i, %s, %s FROM generate_series(1, 300) i",
            [FlagKind.ACCOUNT_INACTIVE, subject_type.pk, first, NOW],
        )
        cursor.execute(f'ANALYZE "{table}"')

    with CaptureQueriesContext(connection) as captured:
        flags_reconcile(
            kind=FlagKind.ACCOUNT_INACTIVE,
            subjects=SocialMediaAccount.objects.none(),
            now=NOW,
            account_field="pk",
            service_field="service_id",
        )

    updates = [q["sql"] for q in captured.captured_queries if q["sql"].startswith("UPDATE")]
    plan = explain(updates[0])
    assert "flag_open_resolve_idx" in plan, plan
    assert "Seq Scan on monitoring_governanceflag" not in plan, plan


def test_the_inbox_reads_a_page_of_open_enquiries_by_deadline_from_its_index(history, comms):
    """Communications' inbox (every account) takes its 50 soonest deadlines from
    ``enquiry_inbox_due_idx``, not every open enquiry scattered through the history."""
    from monitoring.selectors import inbox_enquiries

    with connection.cursor() as cursor:
        cursor.execute(
            f'UPDATE "{Enquiry._meta.db_table}" SET status = %s WHERE mod(id, 25) = 0',  # noqa: S608
            ["open"],
        )
        cursor.execute(f'ANALYZE "{Enquiry._meta.db_table}"')
    sql, params = inbox_enquiries(comms)[:50].query.sql_with_params()

    plan = explain(sql, params)

    assert "enquiry_inbox_due_idx" in plan, plan
    assert "Seq Scan on monitoring_enquiry" not in plan, plan


def test_a_long_overdue_deadline_is_given_as_its_date():
    """Weeks late, the inbox says since when, without counting working hours day by day."""
    from councilsocial.calendar.rules import deadline_in_words

    due = datetime(2016, 3, 14, 17, 0, tzinfo=UTC)

    assert deadline_in_words(due, NOW) == "overdue since 14 March 2016"
    assert deadline_in_words(NOW - timedelta(days=13), NOW).startswith("overdue by ")


def test_the_inbox_lists_a_bounded_number_of_services_to_narrow_to(client, comms):
    """With more services than the filter lists, Communications' inbox page does not list them all."""
    from accounts_register.models import Directorate, Service
    from accounts_register.selectors import SERVICE_CHOICES_LIMIT

    directorate = Directorate.objects.create(name="Everything")
    Service.objects.bulk_create(
        Service(name=f"Service {n:03d}", directorate=directorate) for n in range(SERVICE_CHOICES_LIMIT + 20)
    )
    client.force_login(comms)

    page = client.get("/inbox/").content.decode()

    assert "Service 000" not in page
