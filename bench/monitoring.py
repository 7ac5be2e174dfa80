"""Time monitoring at council scale (issue 6, "Speed").

1,000 accounts, 1,000,000 enquiries over a year (2% still open) and 3,000,000 posts, generated inside
PostgreSQL with ``INSERT … SELECT … FROM generate_series`` in a database of their own. Then:

* enquiries ingested per second through the list API (``POST /api/enquiries/``, 1,000 per request);
* the overdue-enquiry check on the whole table, next to the same work as one hand-written SQL
  statement run here (the floor; target within 1.5× of it and under 1 s);
* the inactivity check;
* the Communications dashboard's 95th-percentile time (target under 300 ms).

Run:  .venv/bin/python bench/monitoring.py            (loads the data on first run, then reuses it)
      .venv/bin/python bench/monitoring.py --reload   (drops and loads the data again)
The database is ``cs_bench_monitoring`` on the local PostgreSQL unless BENCH_DATABASE_URL says otherwise.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import configure, ensure_database, setup_django  # noqa: E402

DATABASE_URL = configure("cs_bench_monitoring")

ACCOUNTS = 1_000
SERVICES = 40
ENQUIRIES = 1_000_000
POSTS = 3_000_000
API_REQUESTS = int(os.environ.get("BENCH_API_REQUESTS", 10))
DASHBOARD_REQUESTS = 20


def timed(label: str, function, *args, **kwargs):
    start = time.perf_counter()
    result = function(*args, **kwargs)
    elapsed = time.perf_counter() - start
    print(f"{label}: {elapsed * 1000:,.0f} ms")
    return result, elapsed


def load(now) -> None:
    """The organisation with the ORM (1,000 accounts), then enquiries and posts inside PostgreSQL."""
    from django.db import connection, transaction

    from accounts_register.models import Directorate, Service, SocialMediaAccount
    from councilsocial.flags.models import GovernanceFlag
    from monitoring.models import Enquiry, Post, Response

    start = (now - timedelta(days=365)).isoformat()
    with transaction.atomic():
        with connection.cursor() as cursor:
            tables = [
                GovernanceFlag._meta.db_table,
                Response._meta.db_table,
                Enquiry._meta.db_table,
                Post._meta.db_table,
                SocialMediaAccount.history.model._meta.db_table,
                SocialMediaAccount._meta.db_table,
                Service._meta.db_table,
                Directorate._meta.db_table,
            ]
            cursor.execute("TRUNCATE " + ", ".join(f'"{t}"' for t in tables) + " RESTART IDENTITY CASCADE")
        directorates = Directorate.objects.bulk_create(Directorate(name=f"Directorate {i}") for i in range(5))
        services = Service.objects.bulk_create(
            Service(name=f"Service {i}", directorate=directorates[i % 5]) for i in range(SERVICES)
        )
        platforms = ["x", "facebook", "instagram", "youtube", "linkedin"]
        SocialMediaAccount.objects.bulk_create(
            SocialMediaAccount(
                platform=platforms[i % 5],
                handle=f"bench_account_{i}",
                url=f"https://example.org/bench_account_{i}",
                display_name=f"Bench account {i}",
                service=services[i % SERVICES],
                kind="corporate" if i % 10 == 0 else "departmental",
                status="active",
                admin_mailbox="socialmedia@example.gov.uk",
                password_changed_on=(now - timedelta(days=i % 120)).date(),
            )
            for i in range(ACCOUNTS)
        )
    enquiry, post = Enquiry._meta.db_table, Post._meta.db_table
    with connection.cursor() as cursor:
        # A year of enquiries, one every ~31.5 s; every 50th (2%) is still open, the rest answered.
        # Deadlines: 17:00 the same day when received before 17:00, else 17:00 the next day (UTC,
        # weekends ignored: the shape of the data, not the rule, matters here).
        print("Generating 1,000,000 enquiries…")
        cursor.execute(
            f"""
            INSERT INTO "{enquiry}" (account_id, platform_id, received_at, author, text, channel,
                response_due_at, response_policy, status, first_response_at, first_response_working_seconds,
                met_deadline, closed_at, no_response_reason, recorded_at)
            SELECT 1 + mod(i, {ACCOUNTS}), 'e' || i, r, 'resident' || mod(i, 5000), 'A question', 'comment',
                   due, 'working_day',
                   CASE WHEN mod(i, 50) = 0 THEN 'open' ELSE 'answered' END,
                   CASE WHEN mod(i, 50) = 0 THEN NULL ELSE r + (mod(i, 600) * interval '1 minute') END,
                   CASE WHEN mod(i, 50) = 0 THEN NULL ELSE mod(i, 600) * 60 END,
                   CASE WHEN mod(i, 50) = 0 THEN NULL ELSE r + (mod(i, 600) * interval '1 minute') <= due END,
                   CASE WHEN mod(i, 50) = 0 THEN NULL ELSE r + (mod(i, 600) * interval '1 minute') END,
                   '', r
            FROM (
                SELECT i, r,
                       date_trunc('day', r) + interval '17 hours'
                         + CASE WHEN r::time >= '17:00' THEN interval '1 day' ELSE interval '0' END AS due
                FROM (SELECT i, %s::timestamptz + i * interval '31.5 seconds' AS r
                      FROM generate_series(1, {ENQUIRIES}) AS i) g
            ) s
            """,  # noqa: S608 - constants and our own table names only
            [start],
        )
        print("Generating 3,000,000 posts…")
        cursor.execute(
            f"""
            INSERT INTO "{post}" (account_id, platform_id, posted_at, kind, recorded_at)
            SELECT 1 + mod(i, {ACCOUNTS}), 'p' || i, %s::timestamptz + i * interval '10.5 seconds',
                   CASE WHEN mod(i, 4) = 0 THEN 'reply' ELSE 'original' END, now()
            FROM generate_series(1, {POSTS}) AS i
            WHERE mod(i, {ACCOUNTS}) NOT IN (7, 77, 777)
            """,  # noqa: S608 - constants and our own table names only
            [start],
        )
        # Three accounts never post: the inactivity check has something to find.
        cursor.execute(
            f'UPDATE "{SocialMediaAccount._meta.db_table}" a SET last_activity_at = p.latest '  # noqa: S608
            f'FROM (SELECT account_id, max(posted_at) AS latest FROM "{post}" GROUP BY account_id) p '
            "WHERE a.id = p.account_id"
        )
        cursor.execute(
            f'UPDATE "{SocialMediaAccount._meta.db_table}" SET created_at = %s',  # noqa: S608
            [now - timedelta(days=400)],
        )
        cursor.execute("ANALYZE")


def overdue_floor_sql(now) -> tuple[str, list]:
    """The overdue check as one hand-written statement: resolve cleared flags and raise new ones."""
    from django.contrib.contenttypes.models import ContentType

    from councilsocial.flags.models import GovernanceFlag
    from monitoring.models import Enquiry

    flag, enquiry = GovernanceFlag._meta.db_table, Enquiry._meta.db_table
    ct = ContentType.objects.get_for_model(Enquiry).pk
    sql = f"""
        WITH resolved AS (
            UPDATE "{flag}" f SET resolved_at = %(now)s
            WHERE f.kind = 'overdue_enquiry' AND f.subject_type_id = %(ct)s AND f.resolved_at IS NULL
              AND NOT EXISTS (SELECT 1 FROM "{enquiry}" e WHERE e.id = f.subject_id
                              AND e.status = 'open' AND e.response_due_at < %(now)s)
            RETURNING 1
        )
        INSERT INTO "{flag}" (kind, subject_type_id, subject_id, account_id, service_id, raised_at)
        SELECT 'overdue_enquiry', %(ct)s, e.id, e.account_id, a.service_id, %(now)s
        FROM "{enquiry}" e JOIN accounts_register_socialmediaaccount a ON a.id = e.account_id
        WHERE e.status = 'open' AND e.response_due_at < %(now)s
        ON CONFLICT DO NOTHING
    """  # noqa: S608 - our own table names only
    return sql, {"now": now, "ct": ct}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--reload", action="store_true")
    args = parser.parse_args()
    ensure_database()
    setup_django()
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django.db import connection
    from django.test import Client
    from django.utils import timezone

    from councilsocial.flags.models import GovernanceFlag
    from councilsocial.permissions import COMMUNICATIONS
    from monitoring import checks
    from monitoring.models import Enquiry

    now = timezone.now()
    if args.reload or Enquiry.objects.count() < ENQUIRIES:
        timed("Load (organisation, 1M enquiries, 3M posts)", load, now)
    print(f"{Enquiry.objects.count():,} enquiries, {Enquiry.objects.open().count():,} open")

    User = get_user_model()
    user, _ = User.objects.get_or_create(username="bench-comms", defaults={"email": "comms@example.gov.uk"})
    user.groups.add(Group.objects.get_or_create(name=COMMUNICATIONS)[0])
    client = Client()
    client.force_login(user)

    # --- Ingest through the list API ---------------------------------------------------------------
    tag = int(time.time())
    timings = []
    for request_number in range(API_REQUESTS):
        items = [
            {
                "account": 1 + (n % ACCOUNTS),
                "platform_id": f"api-{tag}-{request_number}-{n}",
                "received_at": (now - timedelta(minutes=n)).isoformat(),
                "author": "resident",
                "text": "Bench enquiry",
                "channel": "comment",
            }
            for n in range(1000)
        ]
        start = time.perf_counter()
        response = client.post("/api/enquiries/", items, content_type="application/json")
        timings.append(time.perf_counter() - start)
        assert response.status_code == 201, response.content[:500]
    rate = 1000 * API_REQUESTS / sum(timings)
    print(
        f"List API: {API_REQUESTS} × 1,000 enquiries, median {statistics.median(timings) * 1000:,.0f} ms "
        f"per request, {rate:,.0f} enquiries/s"
    )

    # --- The overdue check against the floor -------------------------------------------------------
    GovernanceFlag.objects.filter(kind="overdue_enquiry").delete()
    changes, _ = timed(
        "Overdue check, first run (raises every flag)", checks.check_overdue_enquiries, now=now
    )
    print(f"  raised {len(changes.raised):,}")
    check_runs = [
        timed("Overdue check, steady state", checks.check_overdue_enquiries, now=now)[1] for _ in range(3)
    ]
    sql, params = overdue_floor_sql(now)

    def floor():
        with connection.cursor() as cursor:
            cursor.execute(sql, params)

    floor_runs = [timed("Hand-written SQL, steady state", floor)[1] for _ in range(3)]
    GovernanceFlag.objects.filter(kind="overdue_enquiry").delete()
    _, floor_cold = timed("Hand-written SQL, first run (raises every flag)", floor)
    GovernanceFlag.objects.filter(kind="overdue_enquiry").delete()
    _, check_cold = timed("Overdue check, first run again", checks.check_overdue_enquiries, now=now)
    print(
        f"Overdue check / floor: steady {min(check_runs) * 1000:,.0f} / {min(floor_runs) * 1000:,.0f} ms "
        f"({min(check_runs) / min(floor_runs):.2f}×); first run {check_cold * 1000:,.0f} / "
        f"{floor_cold * 1000:,.0f} ms ({check_cold / floor_cold:.2f}×)"
    )

    # --- Inactivity ------------------------------------------------------------------------------
    changes, _ = timed("Inactivity check", checks.check_inactive_accounts, now=now)
    open_inactive = GovernanceFlag.objects.open().filter(kind="account_inactive").count()
    print(f"  raised {len(changes.raised)}; {open_inactive} open (the accounts that never post)")
    timed("Posting-guideline check", checks.check_posting_guideline, now=now)

    # --- Dashboard -------------------------------------------------------------------------------
    from monitoring.services import response_stats_refresh

    timed("Dashboard figures refresh, whole year (nightly job)", response_stats_refresh, now=now, months=13)
    timed("Dashboard figures refresh, two months (every 15 min)", response_stats_refresh, now=now, months=2)
    timings = []
    for _ in range(DASHBOARD_REQUESTS):
        start = time.perf_counter()
        response = client.get("/dashboard/")
        timings.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200
    timings.sort()
    p95 = timings[int(len(timings) * 0.95) - 1]
    print(
        f"Dashboard: median {statistics.median(timings):,.0f} ms, p95 {p95:,.0f} ms "
        f"over {DASHBOARD_REQUESTS} requests"
    )


if __name__ == "__main__":
    main()
