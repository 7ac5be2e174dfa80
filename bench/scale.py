# ruff: noqa: E501, S608 - the loader's SQL: constants and our own table names only
"""Cost that follows the work, not the history or the size of the council (issue 16).

Three databases of their own, each loaded once inside PostgreSQL (``INSERT … SELECT … FROM
generate_series``, indexes and foreign keys dropped during the load and built once after it) and
reused by later runs:

* ``cs_bench_scale_1m``: 1,000 accounts in 40 services, 1,000,000 enquiries (a year, one every
  31.5 s) and 3,000,000 posts; 20,000 enquiries still open (as ``bench/monitoring.py``);
* ``cs_bench_scale``: the same organisation with 10,000,000 enquiries (ten years at the same rate)
  and 30,000,000 posts; the same 20,000 open;
* ``cs_bench_scale_org``: an organisation the size of a deployment serving many councils: 200
  directorates, 16,000 services, 100,000 accounts, 13 months of stored response-time figures for
  every service (208,000 rows), 1,000,000 posts and 60,000 governance flags (10,000 open).

Each size is measured in a process of its own (``--measure``), so each has its own Django and its
own peak memory; the parent prints every job and page at both sizes, their ratio and, where there
is one, the hand-written SQL floor. Targets: within 1.2× between sizes; ingest at least 3,000
enquiries/s at 10M through the list API; the overdue check within 1.0× of its floor; the council
dashboard and register list at 100,000 accounts p95 under 500 ms and the page under 1 MB.

Run:  .venv/bin/python bench/scale.py                 (loads what is missing, then measures)
      .venv/bin/python bench/scale.py --reload        (loads every database again)
      .venv/bin/python bench/scale.py --only 1m,org   (some sizes only: 1m, 10m, org)
PostgreSQL is the local one unless BENCH_DATABASE_HOST_URL (``postgres://user@host:port``) says otherwise.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess  # nosec B404 - runs this script again, nothing else
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

import redis

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from measure_scale import LIKE_FOR_LIKE_DIRECTORATE  # noqa: E402 - beside this script

HOST_URL = os.environ.get("BENCH_DATABASE_HOST_URL", "postgres://postgres@127.0.0.1:5432")
BENCH_BROKER_URL = os.environ.get("BENCH_BROKER_URL", "redis://127.0.0.1:6379/15")
SIZES = {
    "1m": {"database": "cs_bench_scale_1m", "kind": "history", "enquiries": 1_000_000},
    "10m": {"database": "cs_bench_scale", "kind": "history", "enquiries": 10_000_000},
    "org": {"database": "cs_bench_scale_org", "kind": "org"},
}
ACCOUNTS = 1_000
SERVICES = 40
OPEN = 20_000  # open enquiries at every size, as bench/monitoring.py
SECONDS_BETWEEN_ENQUIRIES = 31.5
POSTS_PER_ENQUIRY = 3
CHUNK = 1_000_000  # rows per INSERT statement while loading (one transaction each)
ORG_DIRECTORATES = 200
ORG_SERVICES = 16_000
ORG_ACCOUNTS = 100_000
ORG_POSTS = 1_000_000
API_REQUESTS = int(os.environ.get("BENCH_API_REQUESTS", 10))
PAGE_REQUESTS = int(os.environ.get("BENCH_PAGE_REQUESTS", 20))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", 3))


# --- Loading -------------------------------------------------------------------------------------
class BulkLoad:
    """Drop a table's secondary indexes and its unique and foreign-key constraints for a bulk load,
    and build them again afterwards (one sorted build each instead of ten million insertions)."""

    def __init__(self, cursor, table: str):
        self.cursor, self.table = cursor, table

    def __enter__(self):
        c, t = self.cursor, self.table
        c.execute(
            "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE conrelid = %s::regclass AND contype IN ('u', 'f') ORDER BY contype DESC",
            [t],
        )
        self.constraints = c.fetchall()
        c.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s AND indexname NOT IN "
            "(SELECT conname FROM pg_constraint WHERE conrelid = %s::regclass)",
            [t, t],
        )
        self.indexes = c.fetchall()
        for name, _ in self.constraints:
            c.execute(f'ALTER TABLE "{t}" DROP CONSTRAINT "{name}"')
        for name, _ in self.indexes:
            c.execute(f'DROP INDEX "{name}"')
        return self

    def __exit__(self, *exc):
        c, t = self.cursor, self.table
        for _, definition in self.indexes:
            c.execute(definition)
        for name, definition in self.constraints:
            c.execute(f'ALTER TABLE "{t}" ADD CONSTRAINT "{name}" {definition}')
        return False


def say(text: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {text}", flush=True)


def truncate(cursor, models) -> None:
    tables = ", ".join(f'"{m._meta.db_table}"' for m in models)
    cursor.execute(f"TRUNCATE {tables} RESTART IDENTITY CASCADE")


def mark_loaded(cursor, label: str) -> None:
    cursor.execute("CREATE TABLE IF NOT EXISTS bench_scale_loaded (label text PRIMARY KEY, at timestamptz)")
    cursor.execute("DELETE FROM bench_scale_loaded")
    cursor.execute("INSERT INTO bench_scale_loaded VALUES (%s, now())", [label])


def loaded(cursor, label: str) -> bool:
    cursor.execute("SELECT to_regclass('bench_scale_loaded') IS NOT NULL")
    if not cursor.fetchone()[0]:
        return False
    cursor.execute("SELECT 1 FROM bench_scale_loaded WHERE label = %s", [label])
    return cursor.fetchone() is not None


def organisation(now, *, directorates: int, services: int, accounts: int) -> None:
    """Directorates, services and accounts, inserted in SQL (every fifth account corporate)."""
    from django.db import connection

    from accounts_register.models import Directorate, Service, SocialMediaAccount

    a = SocialMediaAccount._meta.db_table
    made = Directorate.objects.bulk_create(
        Directorate(name=f"Directorate {i}") for i in range(1, directorates + 1)
    )
    Service.objects.bulk_create(
        (
            Service(name=f"Service {i}", directorate=made[(i - 1) % directorates])
            for i in range(1, services + 1)
        ),
        batch_size=5000,
    )
    first_service = Service.objects.order_by("pk").values_list("pk", flat=True).first()
    # Every other column takes the model's default: one account built by the ORM gives them.
    template = SocialMediaAccount(
        platform="x",
        handle="t",
        url="https://x.com/t",
        display_name="t",
        service_id=1,
        status="active",
        admin_mailbox="socialmedia@example.gov.uk",
    )
    fixed = {}
    for field in SocialMediaAccount._meta.concrete_fields:
        if field.primary_key or field.column in {
            "platform",
            "handle",
            "url",
            "display_name",
            "service_id",
            "kind",
            "status",
            "admin_mailbox",
            "password_changed_on",
            "created_at",
            "updated_at",
        }:
            continue
        value = field.get_db_prep_save(getattr(template, field.attname), connection)
        if value is None and not field.null:
            continue
        fixed[field.column] = value
    columns = ", ".join(f'"{c}"' for c in fixed)
    placeholders = ", ".join(["%s"] * len(fixed))
    platforms = ["x", "facebook", "instagram", "youtube", "linkedin"]
    with connection.cursor() as c:
        c.execute(
            f'INSERT INTO "{a}" (platform, handle, url, display_name, service_id, kind, status, '
            f"admin_mailbox, password_changed_on, created_at, updated_at{', ' if fixed else ''}{columns}) "
            f"SELECT (%s::text[])[1 + mod(i - 1, 5)], 'bench_account_' || i, "
            f"'https://example.org/bench_account_' || i, 'Bench account ' || i, "
            f"%s + mod(i - 1, %s), CASE WHEN mod(i, 10) = 1 THEN 'corporate' ELSE 'departmental' END, "
            f"'active', 'socialmedia@example.gov.uk', (%s::date - mod(i, 120)), %s, %s"
            f"{', ' if fixed else ''}{placeholders} FROM generate_series(1, %s) i",
            [
                platforms,
                first_service,
                services,
                now.date(),
                now - timedelta(days=400),
                now - timedelta(days=400),
                *fixed.values(),
                accounts,
            ],
        )  # noqa: S608 - constants and our own table names only


def load_history(size: dict, now) -> None:
    """1,000 accounts, ``enquiries`` enquiries ending now (20,000 open) and three posts for each."""
    from django.db import connection

    from accounts_register.models import Directorate, Service, SocialMediaAccount
    from councilsocial.flags.models import GovernanceFlag
    from monitoring.models import (
        Enquiry,
        Post,
        Response,
        ResponseTimeMonth,
        ResponseTimeRefresh,
    )

    total = size["enquiries"]
    every = total // OPEN
    start = now - timedelta(seconds=total * SECONDS_BETWEEN_ENQUIRIES)
    with connection.cursor() as c:
        truncate(
            c,
            [
                GovernanceFlag,
                Response,
                Enquiry,
                Post,
                ResponseTimeMonth,
                ResponseTimeRefresh,
                SocialMediaAccount.history.model,
                SocialMediaAccount,
                Service,
                Directorate,
            ],
        )
        c.execute("SET maintenance_work_mem = '512MB'")
        c.execute("SET synchronous_commit = off")
        organisation(now, directorates=5, services=SERVICES, accounts=ACCOUNTS)
        e, p = Enquiry._meta.db_table, Post._meta.db_table
        with BulkLoad(c, e):
            for first in range(1, total + 1, CHUNK):
                last = min(first + CHUNK - 1, total)
                say(f"enquiries {first:,}–{last:,}")
                # Deadlines: 17:00 the same day when received before 17:00, else 17:00 the next day
                # (UTC, weekends ignored: the shape of the data, not the rule, matters here).
                c.execute(
                    f"""
                    INSERT INTO "{e}" (account_id, platform_id, received_at, author, text, channel,
                        response_due_at, response_policy, status, first_response_at,
                        first_response_working_seconds, met_deadline, closed_at, no_response_reason,
                        recorded_at)
                    SELECT 1 + mod(i, {ACCOUNTS}), 'e' || i, r, 'resident' || mod(i, 5000), 'A question',
                           'comment', due, 'working_day',
                           CASE WHEN mod(i, {every}) = 0 THEN 'open' ELSE 'answered' END,
                           CASE WHEN mod(i, {every}) = 0 THEN NULL ELSE r + mod(i, 600) * interval '1 minute' END,
                           CASE WHEN mod(i, {every}) = 0 THEN NULL ELSE mod(i, 600) * 60 END,
                           CASE WHEN mod(i, {every}) = 0 THEN NULL ELSE r + mod(i, 600) * interval '1 minute' <= due END,
                           CASE WHEN mod(i, {every}) = 0 THEN NULL ELSE r + mod(i, 600) * interval '1 minute' END,
                           '', r
                    FROM (
                        SELECT i, r, date_trunc('day', r) + interval '17 hours'
                                 + CASE WHEN r::time >= '17:00' THEN interval '1 day' ELSE interval '0' END AS due
                        FROM (SELECT i, %s::timestamptz + i * interval '{SECONDS_BETWEEN_ENQUIRIES} seconds' AS r
                              FROM generate_series(%s, %s) AS i) g
                    ) s
                    """,  # noqa: S608 - constants and our own table names only
                    [start, first, last],
                )
            say("enquiry indexes")
        posts = total * POSTS_PER_ENQUIRY
        step = SECONDS_BETWEEN_ENQUIRIES / POSTS_PER_ENQUIRY
        with BulkLoad(c, p):
            for first in range(1, posts + 1, CHUNK):
                last = min(first + CHUNK - 1, posts)
                say(f"posts {first:,}–{last:,}")
                # Three accounts never post: the inactivity check has something to find.
                c.execute(
                    f"""
                    INSERT INTO "{p}" (account_id, platform_id, posted_at, kind, recorded_at)
                    SELECT 1 + mod(i, {ACCOUNTS}), 'p' || i, %s::timestamptz + i * interval '{step} seconds',
                           CASE WHEN mod(i, 4) = 0 THEN 'reply' ELSE 'original' END,
                           %s::timestamptz + i * interval '{step} seconds'
                    FROM generate_series(%s, %s) AS i
                    WHERE mod(i, {ACCOUNTS}) NOT IN (7, 77, 777)
                    """,  # noqa: S608 - constants and our own table names only
                    [start, start, first, last],
                )
            say("post indexes")
        a = SocialMediaAccount._meta.db_table
        c.execute(
            f'UPDATE "{a}" a SET last_activity_at = p.latest FROM (SELECT account_id, max(posted_at) AS latest '  # noqa: S608
            f'FROM "{p}" GROUP BY account_id) p WHERE a.id = p.account_id'
        )
        say("VACUUM ANALYZE")
        c.execute("VACUUM ANALYZE")
        mark_loaded(c, f"history:{total}")


def load_org(now) -> None:
    """200 directorates, 16,000 services, 100,000 accounts, their stored figures, posts and flags."""
    from django.contrib.contenttypes.models import ContentType
    from django.db import connection

    from accounts_register.models import Directorate, Service, SocialMediaAccount
    from councilsocial.flags.models import GovernanceFlag
    from monitoring.dashboard import first_month
    from monitoring.models import (
        Post,
        ResponseTimeMonth,
        ResponseTimeRefresh,
    )

    with connection.cursor() as c:
        truncate(
            c,
            [
                GovernanceFlag,
                Post,
                ResponseTimeMonth,
                ResponseTimeRefresh,
                SocialMediaAccount.history.model,
                SocialMediaAccount,
                Service,
                Directorate,
            ],
        )
        c.execute("SET maintenance_work_mem = '512MB'")
        say("organisation")
        organisation(now, directorates=ORG_DIRECTORATES, services=ORG_SERVICES, accounts=ORG_ACCOUNTS)
        # One more directorate the size of the small organisation's (8 services), so that its page
        # is compared like for like; "Directorate 1", with 80 services, is measured as well.
        smaller = Directorate.objects.create(name=LIKE_FOR_LIKE_DIRECTORATE)
        last_eight = Service.objects.order_by("-pk").values_list("pk", flat=True)[:8]
        Service.objects.filter(pk__in=list(last_eight)).update(directorate=smaller)
        say("stored response-time figures")
        c.execute(
            f'INSERT INTO "{ResponseTimeMonth._meta.db_table}" (service_id, month, received, judged, within, '
            "median_seconds, p90_seconds, computed_at) "
            "SELECT s, (%s::date + m * interval '1 month')::date, 60 + mod(s * m, 40), 55 + mod(s * m, 40), "
            "50 + mod(s, 5), 3600 + mod(s, 600), 20000 + mod(s, 3000), %s "
            "FROM generate_series(1, %s) s, generate_series(0, 12) m",
            [first_month(now, 13), now, ORG_SERVICES],
        )  # noqa: S608
        c.execute(
            f'INSERT INTO "{ResponseTimeRefresh._meta.db_table}" (months, refreshed_at) VALUES (2, %s), (13, %s)',
            [now, now],
        )  # noqa: S608
        say("posts")
        p = Post._meta.db_table
        with BulkLoad(c, p):
            c.execute(
                f'INSERT INTO "{p}" (account_id, platform_id, posted_at, kind, recorded_at) '
                f"SELECT 1 + mod(i, {ORG_ACCOUNTS}), 'p' || i, %s::timestamptz - i * interval '5 seconds', "
                "CASE WHEN mod(i, 4) = 0 THEN 'reply' ELSE 'original' END, %s "
                f"FROM generate_series(1, {ORG_POSTS}) i",
                [now, now],
            )  # noqa: S608
        a = SocialMediaAccount._meta.db_table
        c.execute(
            f'UPDATE "{a}" a SET last_activity_at = p.latest FROM (SELECT account_id, max(posted_at) AS latest '  # noqa: S608
            f'FROM "{p}" GROUP BY account_id) p WHERE a.id = p.account_id AND mod(a.id, 10) <> 3'
        )
        say("flags")
        ct = ContentType.objects.get_for_model(SocialMediaAccount).pk
        f = GovernanceFlag._meta.db_table
        c.execute(
            f'INSERT INTO "{f}" (kind, subject_type_id, subject_id, account_id, service_id, raised_at, '
            "resolved_at, notified_at) "
            "SELECT 'credentials_not_rotated', %s, a.id, a.id, a.service_id, %s, "
            "CASE WHEN k = 0 AND mod(a.id, 10) = 0 THEN NULL ELSE %s END, %s "
            f'FROM "{a}" a, generate_series(0, 5) k WHERE mod(a.id, 10) = 0',
            [ct, now - timedelta(days=30), now - timedelta(days=1), now],
        )  # noqa: S608
        say("VACUUM ANALYZE")
        c.execute("VACUUM ANALYZE")
        mark_loaded(c, "org")


def child_setup(size_name: str):
    from _common import configure, ensure_database, setup_django

    size = SIZES[size_name]
    os.environ["BENCH_DATABASE_URL"] = f"{HOST_URL}/{size['database']}"
    # As in production, a request only queues its background work (a Redis broker of its own, no
    # worker, emptied first): the ingest's overdue check is measured as the job it is, not inside
    # every request.
    os.environ["CELERY_BROKER_URL"] = BENCH_BROKER_URL
    os.environ["CELERY_TASK_ALWAYS_EAGER"] = "false"
    redis.Redis.from_url(BENCH_BROKER_URL).flushdb()
    configure(size["database"])
    ensure_database()
    setup_django()
    return size


def child_load(size_name: str, reload: bool) -> None:
    from django.db import connection
    from django.utils import timezone

    size = child_setup(size_name)
    label = f"history:{size['enquiries']}" if size["kind"] == "history" else "org"
    with connection.cursor() as c:
        if loaded(c, label) and not reload:
            say(f"{size['database']}: already loaded")
            return
    started = time.perf_counter()
    now = timezone.now()
    if size["kind"] == "history":
        load_history(size, now)
    else:
        load_org(now)
    say(f"{size['database']}: loaded in {time.perf_counter() - started:,.0f} s")


# --- Measuring ---------------------------------------------------------------------------------
def child_measure(size_name: str, part: str, out: str) -> None:
    from measure_scale import measure

    size = child_setup(size_name)
    results = measure(size_name, size, part)
    results["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    Path(out).write_text(json.dumps(results, indent=1))


def _result_file(size: str) -> Path:
    return Path(tempfile.gettempdir()) / f"bench_scale_{size}.json"


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--reload", action="store_true", help="load every database again")
    parser.add_argument("--only", default="1m,10m,org", help="sizes to load and measure")
    parser.add_argument("--load-only", action="store_true", help="load what is missing and stop")
    parser.add_argument("--report-only", action="store_true", help="print the last run's figures again")
    parser.add_argument("--child-load", help=argparse.SUPPRESS)
    parser.add_argument(
        "--rounds", type=int, default=ROUNDS, help="rounds of jobs and pages, the sizes taking turns"
    )
    parser.add_argument("--child-measure", help=argparse.SUPPRESS)
    parser.add_argument("--part", help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child_load:
        return child_load(args.child_load, args.reload)
    if args.child_measure:
        return child_measure(args.child_measure, args.part, args.out)
    sizes = [s for s in args.only.split(",") if s]
    if args.report_only:
        from measure_scale import report

        return report({size: json.loads(_result_file(size).read_text()) for size in sizes})
    for size in sizes:
        subprocess.run(  # noqa: S603 - this script, with our own arguments
            [sys.executable, __file__, "--child-load", size] + (["--reload"] if args.reload else []),
            check=True,
        )
    if args.load_only:
        return
    from measure_scale import combine, report

    rounds: dict[str, list[dict]] = {size: [] for size in sizes}
    # The sizes take turns, round after round, so that a busy moment of the machine falls on all
    # of them alike; the downloads (seconds each at the large size) run once.
    plan = [(part, number) for part in ("jobs", "pages") for number in range(args.rounds)]
    for part, _ in [*plan, ("downloads", 0)]:
        for size in sizes:
            with tempfile.NamedTemporaryFile(suffix=".json") as out:
                subprocess.run(  # noqa: S603 - this script, with our own arguments
                    [sys.executable, __file__, "--child-measure", size, "--part", part, "--out", out.name],
                    check=True,
                )
                rounds[size].append(json.loads(Path(out.name).read_text()))
    results = {}
    for size in sizes:
        results[size] = combine(rounds[size])
        _result_file(size).write_text(json.dumps(results[size], indent=1))
    report(results)


if __name__ == "__main__":
    main()
