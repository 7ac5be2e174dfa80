"""Time the register's busiest pages on a council-sized register (issue 3, "Speed").

10,000 accounts with five authorised users each (50,000 access records), loaded with PostgreSQL COPY
into a database of its own, then the public JSON (``/register.json``), the public page and the
Communications register list (``/accounts/``) are each requested 50 times through Django's test
Client. Prints the median and 95th-percentile time in the server and the number of queries.
Target: at most 10 queries and under 150 ms at the 95th percentile on the 2-core machine.

Run:  .venv/bin/python bench/register.py            (loads the data on first run, then reuses it)
      .venv/bin/python bench/register.py --reload   (drops and loads the data again)
The database is ``cs_bench_register`` on the local PostgreSQL unless BENCH_DATABASE_URL says otherwise.
"""

from __future__ import annotations

import argparse
import csv
import io
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import configure, ensure_database, setup_django  # noqa: E402

DATABASE_URL = configure("cs_bench_register")

ACCOUNTS = 10_000
USERS_PER_ACCOUNT = 5
PEOPLE = 2_000
SERVICES = 40
REQUESTS = 50


def copy_rows(model, rows: list[dict]) -> None:
    """COPY ``rows`` into ``model``'s table; fields not given take their default (or NULL)."""
    from django.db import connection

    fields = [f for f in model._meta.concrete_fields if not f.primary_key or f.column in rows[0]]
    columns = [f.column for f in fields]
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    defaults = {}
    for f in fields:
        if f.column in rows[0] or f.attname in rows[0]:
            continue
        default = f.get_default() if f.has_default() else (None if f.null else "")
        if hasattr(default, "isoformat"):
            default = default.isoformat()
        defaults[f.column] = default
    for row in rows:
        values = []
        for f in fields:
            value = row.get(f.column, row.get(f.attname, defaults.get(f.column)))
            if value is None:
                values.append("\\N")
            elif isinstance(value, bool):
                values.append("t" if value else "f")
            elif isinstance(value, list | dict):
                import json

                values.append(json.dumps(value))
            else:
                values.append(value)
        writer.writerow(values)
    buffer.seek(0)
    with connection.cursor() as cursor:
        column_list = ", ".join(f'"{c}"' for c in columns)
        cursor.copy_expert(
            f"COPY \"{model._meta.db_table}\" ({column_list}) FROM STDIN WITH (FORMAT csv, NULL '\\N')",
            buffer,
        )


def load() -> None:
    """Load the organisation, 2,000 people, 10,000 accounts and 50,000 access records with COPY."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django.db import connection, transaction
    from django.utils import timezone

    from accounts_register.models import AuthorisedUser, Directorate, Service, SocialMediaAccount
    from accounts_register.platforms import Platform
    from councilsocial.permissions import COMMUNICATIONS

    User = get_user_model()
    now = timezone.now().isoformat()
    with transaction.atomic():
        with connection.cursor() as cursor:
            tables = [
                AuthorisedUser._meta.db_table,
                AuthorisedUser.history.model._meta.db_table,
                SocialMediaAccount.history.model._meta.db_table,
                SocialMediaAccount._meta.db_table,
                Service._meta.db_table,
                Directorate._meta.db_table,
                User._meta.db_table,
            ]
            cursor.execute("TRUNCATE " + ", ".join(f'"{t}"' for t in tables) + " RESTART IDENTITY CASCADE")
        directorates = [Directorate.objects.create(name=f"Directorate {i}") for i in range(5)]
        services = [
            Service.objects.create(name=f"Service {i}", directorate=directorates[i % 5])
            for i in range(SERVICES)
        ]
        copy_rows(
            User,
            [
                {
                    "password": "!",
                    "username": f"person{i}",
                    "first_name": f"First{i}",
                    "last_name": f"Last{i}",
                    "email": f"person{i}@cannockchasedc.gov.uk",
                    "is_superuser": False,
                    "is_staff": False,
                    "is_active": True,
                    "date_joined": now,
                }
                for i in range(PEOPLE)
            ],
        )
        comms = User.objects.create_user("bench-comms", "comms@cannockchasedc.gov.uk", "bench")
        comms.groups.add(Group.objects.get_or_create(name=COMMUNICATIONS)[0])
        people = list(User.objects.filter(username__startswith="person").values_list("pk", flat=True))

        platforms = [Platform.X, Platform.INSTAGRAM, Platform.TIKTOK, Platform.THREADS]
        templates = {
            Platform.X: "https://x.com/{}",
            Platform.INSTAGRAM: "https://www.instagram.com/{}",
            Platform.TIKTOK: "https://www.tiktok.com/@{}",
            Platform.THREADS: "https://www.threads.net/@{}",
        }
        accounts = []
        for i in range(ACCOUNTS):
            platform = platforms[i % len(platforms)]
            handle = f"ccdc_{i:05d}"
            accounts.append(
                {
                    "platform": platform.value,
                    "handle": handle,
                    "url": templates[platform].format(handle),
                    "display_name": f"Cannock Chase account {i}",
                    "service_id": services[i % SERVICES].pk,
                    "kind": ["corporate", "departmental", "campaign"][i % 3],
                    "admin_mailbox": "socialmedia@cannockchasedc.gov.uk",
                    "admin_mailbox_is_shared": True,
                    "comms_has_admin_access": True,
                    "mfa_enabled": i % 7 != 0,
                    "status": "active" if i % 10 else "suspended",
                    "created_at": now,
                    "updated_at": now,
                }
            )
        copy_rows(SocialMediaAccount, accounts)
        account_ids = list(SocialMediaAccount.objects.order_by("pk").values_list("pk", flat=True))
        access = []
        for n, account_id in enumerate(account_ids):
            for k in range(USERS_PER_ACCOUNT):
                access.append(
                    {
                        "account_id": account_id,
                        "person_id": people[(n * USERS_PER_ACCOUNT + k) % len(people)],
                        "role": "owner" if k == 0 else "editor",
                        "granted_by_id": comms.pk,
                        "granted_at": now,
                    }
                )
        copy_rows(AuthorisedUser, access)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def measure(client, path: str, *, cold: bool = False) -> tuple[float, float, int, int]:
    """(median ms, p95 ms, queries, bytes) over ``REQUESTS`` requests after three warm-ups.

    ``cold`` empties the cache before each request, so the public register is built every time.
    """
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(3):
        response = client.get(path)
        assert response.status_code == 200, (path, response.status_code)
    timings = []
    for _ in range(REQUESTS):
        if cold:
            cache.clear()
        start = time.perf_counter()
        response = client.get(path)
        body = b"".join(response.streaming_content) if response.streaming else response.content
        timings.append((time.perf_counter() - start) * 1000)
    if cold:
        cache.clear()
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
        if response.streaming:
            b"".join(response.streaming_content)
    timings.sort()
    p95 = timings[max(0, int(len(timings) * 0.95) - 1)]
    return statistics.median(timings), p95, len(captured.captured_queries), len(body)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--reload", action="store_true", help="drop and load the data again")
    args = parser.parse_args()

    ensure_database()
    setup_django()
    from django.contrib.auth import get_user_model
    from django.test import Client
    from django.urls import NoReverseMatch, reverse

    from accounts_register.models import AuthorisedUser, SocialMediaAccount

    if args.reload or SocialMediaAccount.objects.count() != ACCOUNTS:
        started = time.perf_counter()
        load()
        print(f"loaded {ACCOUNTS:,} accounts in {time.perf_counter() - started:.1f} s")
    print(
        f"{SocialMediaAccount.objects.count():,} accounts "
        f"({SocialMediaAccount.objects.public().count():,} active), "
        f"{AuthorisedUser.objects.count():,} authorised users; {REQUESTS} requests each"
    )

    public = Client()
    pages = []
    for label, name in [
        ("JSON", "public-register-json"),
        ("CSV", "public-register-csv"),
        ("page", "public-register"),
    ]:
        pages.append((f"public {label} {reverse(name)} (cached)", public, reverse(name), False))
        pages.append((f"public {label} {reverse(name)} (built each time)", public, reverse(name), True))
    comms = Client()
    comms.force_login(get_user_model().objects.get(username="bench-comms"))
    pages.append(("API list /api/accounts/ (100 a page)", comms, "/api/accounts/", False))
    try:
        pages.append(("register list /accounts/ (Communications)", comms, reverse("register-list"), False))
        pages.append(
            (
                "register list, filtered and sorted",
                comms,
                reverse("register-list") + "?platform=x&sort=-service",
                False,
            )
        )
    except NoReverseMatch:
        print("the register list page is not there yet")
    print(f"{'page':50} {'median':>9} {'p95':>9} {'queries':>8} {'size':>10}")
    for label, client, path, cold in pages:
        median, p95, queries, size = measure(client, path, cold=cold)
        print(f"{label:50} {median:7.1f}ms {p95:7.1f}ms {queries:8d} {size / 1024:8.0f}kB")


if __name__ == "__main__":
    main()
