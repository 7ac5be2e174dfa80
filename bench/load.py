"""Load test: the app under gunicorn, driven by Locust at 10, 50 and 100 users (issue 8 item 4).

Officers sign in through the real form and browse the register list, account pages and the inbox;
integrations post enquiries to ``POST /api/enquiries/`` with a token; a Corporate Director opens the
cases waiting for them and approves one. Target: no errors, 95th percentile under 300 ms at 50 users.

Run:  .venv/bin/python bench/load.py                  (about 3 minutes; uses every CPU)
      .venv/bin/python bench/load.py --levels 10 --run-time 10   (a quick try)
Needs Locust: ``.venv/bin/pip install -e ".[test,bench]"``.

It owns the PostgreSQL database ``cs_load`` (BENCH_DATABASE_URL to change it): migrated, the demo
council seeded, then 500 more accounts, 300 open enquiries and a pool of cases waiting for the
Director, all reset at each run. gunicorn (4 workers, DEBUG off, production-like settings over plain
HTTP on 127.0.0.1) is stopped at the end whatever happens. The sign-in (a deliberately slow password
hash) is reported on its own line; the table's "pages" figures are every other request.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DATABASE_URL = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/cs_load")
PASSWORD = "load-test-password-not-secret"  # noqa: S105 - the benchmark's own throwaway users
WORK = Path("/tmp/cs_load")  # noqa: S108 - scratch CSVs and mail for one benchmark run
SERVER_ENV = {
    "DATABASE_URL": DATABASE_URL,
    "DJANGO_SETTINGS_MODULE": "councilsocial.settings",
    "DEBUG": "false",
    "SECRET_KEY": "load-test-secret-key-not-used-anywhere-else-0123456789abcdef",
    "CONNECTION_KEYS": "ZGV2ZWxvcG1lbnQta2V5LW5vdC1zZWNyZXQtMDAwMDA=",
    "ALLOWED_HOSTS": "127.0.0.1",
    "SECURE_SSL_REDIRECT": "false",
    "SESSION_COOKIE_SECURE": "false",
    "CSRF_COOKIE_SECURE": "false",
    "CELERY_BROKER_URL": "redis://127.0.0.1:6379/11",
    "CELERY_TASK_ALWAYS_EAGER": "false",
    "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
    "EMAIL_FILE_PATH": str(WORK / "mail"),
    "LOG_LEVEL": "WARNING",
}
EXTRA_ACCOUNTS = 500
OPEN_ENQUIRIES = 300
CASES = 400
TARGET_USERS, TARGET_P95_MS = 50, 300
RAMP = 5  # seconds to start every user; measuring begins when all have started


def ensure_database() -> None:
    from urllib.parse import urlsplit

    import psycopg2
    from psycopg2 import sql
    from psycopg2.extensions import ISOLATION_LEVEL_AUTOCOMMIT

    parts = urlsplit(DATABASE_URL)
    name = parts.path.lstrip("/")
    connection = psycopg2.connect(
        host=parts.hostname,
        port=parts.port or 5432,
        user=parts.username,
        password=parts.password,
        dbname="postgres",
    )
    connection.set_isolation_level(ISOLATION_LEVEL_AUTOCOMMIT)
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if cursor.fetchone() is None:
            cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    connection.close()


def prepare() -> dict:
    """Migrate, seed, add the extra data; returns what the Locust users need."""
    os.environ.update(SERVER_ENV)
    import django

    django.setup()
    from io import StringIO

    from django.core.management import call_command
    from django.db import transaction
    from django.utils import timezone
    from rest_framework.authtoken.models import Token

    from accounts_register.models import AccountKind, AccountStatus, Service, SocialMediaAccount
    from accounts_register.platforms import Platform
    from business_cases.models import BusinessCase
    from monitoring.models import Enquiry
    from monitoring.services import enquiries_ingest

    call_command("migrate", "--noinput", verbosity=0)
    call_command("collectstatic", "--noinput", verbosity=0)
    call_command("seed_demo", "--password", PASSWORD, "--allow-production", stdout=StringIO())
    from django.contrib.auth import get_user_model

    users = get_user_model().objects
    officer, director = users.get(username="officer"), users.get(username="director")
    countryside = Service.objects.get(name="Countryside Service")
    now = timezone.now()
    with transaction.atomic():
        # Accounts: 500 more for the officer's service, added once (bulk, no per-row signals needed).
        have = SocialMediaAccount.objects.filter(handle__startswith="loadtest").count()
        SocialMediaAccount.objects.bulk_create(
            SocialMediaAccount(
                platform=Platform.X,
                handle=f"loadtest{n}",
                url=f"https://x.com/loadtest{n}",
                display_name=f"Countryside load test {n}",
                service=countryside,
                kind=AccountKind.DEPARTMENTAL,
                status=AccountStatus.ACTIVE,
                purpose="Load test account.",
                admin_mailbox="countryside@cannockchasedc.gov.uk",
                admin_mailbox_is_shared=True,
                comms_has_admin_access=True,
            )
            for n in range(have, EXTRA_ACCOUNTS)
        )
        accounts = list(
            SocialMediaAccount.objects.filter(service=countryside, handle__startswith="loadtest")
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        # Enquiries: what earlier runs posted is removed; 300 open ones for the inbox.
        Enquiry.objects.filter(platform_id__startswith="load-").delete()
        if not Enquiry.objects.filter(platform_id__startswith="loadseed-").exists():
            items = [
                {
                    "account": accounts[n % len(accounts)],
                    "platform_id": f"loadseed-{n}",
                    "received_at": now - timedelta(hours=n % 72),
                    "author": f"resident{n}",
                    "text": "When is the next guided walk?",
                    "channel": "comment",
                }
                for n in range(OPEN_ENQUIRIES)
            ]
            enquiries_ingest(items=items, now=now)
        # Cases waiting for the Director: a fresh pool each run (the status set directly, in bulk,
        # as a fixture; the app itself only changes it through the state machine).
        BusinessCase.objects.filter(handle__startswith="loadcase").delete()
        answers = {
            "purpose": "Promote guided walks; fits the visitor plan.",
            "audience": "Families and walkers.",
            "website_alternative": "The website cannot take questions.",
            "similar_presence": "The corporate account shares some walks.",
            "commitment": "Two posts a week.",
            "staffing": "Two rangers.",
            "negative_responses": "Reply with facts.",
            "risks": "Out-of-date events.",
            "success_measures": "500 followers.",
            "exit_strategy": "A closing post, then close.",
            "content_owner": "The service manager.",
        }
        BusinessCase.objects.bulk_create(
            BusinessCase(
                service=countryside,
                author=officer,
                title=f"Load test case {n}",
                platform=Platform.FACEBOOK,
                handle=f"loadcase{n}",
                kind=AccountKind.DEPARTMENTAL,
                state_entered_at=now,
                **answers,
            )
            for n in range(CASES)
        )
        cases = BusinessCase.objects.filter(handle__startswith="loadcase")
        cases.update(status="awaiting_director")
        case_ids = list(cases.order_by("pk").values_list("pk", flat=True))
        token, _ = Token.objects.get_or_create(user=officer)
    assert director.pk  # the Director of Place and Economy decides the Countryside Service's cases
    from django.db import connection, connections

    # Fresh planner statistics for the rows just loaded: without them PostgreSQL guesses a handful of
    # rows, picks nested loops, and the inbox's count alone took 45 ms instead of about 1 ms.
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")

    connections.close_all()
    return {"password": PASSWORD, "token": token.key, "accounts": accounts, "cases": case_ids}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until_up(url: str, seconds: int = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2):  # noqa: S310 - loopback http only
                return
        except OSError:
            time.sleep(0.5)
    raise SystemExit(f"gunicorn did not answer {url} within {seconds} s")


def percentile(values: list[float], fraction: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]


def run_level(users: int, host: str, run_time: int, fixture_path: Path) -> dict:
    """One Locust run, headless: every user started within RAMP seconds, then ``run_time`` measured."""
    spawn_rate = max(1, -(-users // RAMP))
    prefix = WORK / f"u{users}"
    result_path = WORK / f"u{users}.json"
    result_path.unlink(missing_ok=True)
    command = [
        str(ROOT / ".venv" / "bin" / "locust"),
        "-f",
        str(ROOT / "bench" / "load_users.py"),
        "--headless",
        "--host",
        host,
        "-u",
        str(users),
        "-r",
        str(spawn_rate),
        "--run-time",
        f"{run_time + 180}s",  # a cap: the users' file stops the run run_time s after all signed in
        "--stop-timeout",
        "5",
        "--csv",
        str(prefix),
        "--only-summary",
        "--loglevel",
        "WARNING",
    ]
    env = {
        **os.environ,
        "LOAD_FIXTURE": str(fixture_path),
        "LOAD_RESULT": str(result_path),
        "LOAD_SECONDS": str(run_time),
    }
    subprocess.run(  # noqa: S603
        command,
        env=env,
        check=False,
        timeout=run_time + 240,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    record = json.loads(result_path.read_text())
    pages, sign_in = record["pages"], record["sign_in"]
    seconds = max(record["stop"] - record["start"], 0.001)
    by_name = {row["Name"]: row for row in csv.DictReader(open(f"{prefix}_stats.csv"))}  # noqa: SIM115
    by_name.pop("Aggregated", None)
    failures = list(csv.DictReader(open(f"{prefix}_failures.csv")))  # noqa: SIM115
    return {
        "users": users,
        "rps": len(pages) / seconds,
        "requests": len(pages),
        "median": percentile(pages, 0.5),
        "p95": percentile(pages, 0.95),
        "errors": record["errors"],
        "sign_in_p95": percentile(sign_in, 0.95),
        "all_signed_in_after": record["started_after"],
        "pages": {name: float(row["95%"]) for name, row in by_name.items()},
        "failures": failures,
    }


def table(results: list[dict]) -> str:
    lines = [
        "| users | requests/s | median  | p95     | errors | requests | slowest request (p95, whole run)  "
        "| sign-in p95 |",
        "|-------|------------|---------|---------|--------|----------|-----------------------------------"
        "|-------------|",
    ]
    for r in results:
        name, p95 = max(
            ((n, v) for n, v in r["pages"].items() if not n.startswith("/sign-in/")), key=lambda i: i[1]
        )
        lines.append(
            f"| {r['users']:>5} | {r['rps']:>10.1f} | {r['median']:>4.0f} ms | {r['p95']:>4.0f} ms "
            f"| {r['errors']:>6} "
            f"| {r['requests']:>8} | {name} {p95:.0f} ms | {r['sign_in_p95']:.0f} ms "
            f"(all in after {r['all_signed_in_after']:.0f} s) |"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--levels", type=int, nargs="+", default=[10, 50, 100])
    parser.add_argument("--run-time", type=int, default=30, help="seconds measured at each level")
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument(
        "--no-readme", action="store_true", help="do not append the figures to bench/README.md"
    )
    args = parser.parse_args()

    WORK.mkdir(exist_ok=True)
    (WORK / "mail").mkdir(exist_ok=True)
    ensure_database()
    started = time.monotonic()
    fixture = prepare()
    fixture_path = WORK / "fixture.json"
    per_level = len(fixture["cases"]) // len(args.levels)
    print(f"prepared in {time.monotonic() - started:.0f} s: {len(fixture['accounts'])} accounts")

    port = free_port()
    host = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(  # noqa: S603
        [
            str(ROOT / ".venv" / "bin" / "gunicorn"),
            "councilsocial.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(args.workers),
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env={**os.environ, **SERVER_ENV},
        start_new_session=True,
    )
    results = []
    try:
        wait_until_up(f"{host}/healthz")
        for index, users in enumerate(args.levels):
            cases = fixture["cases"][index * per_level : (index + 1) * per_level]
            fixture_path.write_text(json.dumps({**fixture, "cases": cases}))
            print(f"{users} users for {args.run_time} s ...", flush=True)
            results.append(run_level(users, host, args.run_time, fixture_path))
            time.sleep(3)  # let the server settle between levels
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()

    report = table(results)
    print(report)
    for r in results:
        for failure in r["failures"][:5]:
            print(
                f"  {r['users']} users: {failure['Method']} {failure['Name']}: {failure['Error']} "
                f"×{failure['Occurrences']}"
            )
    at_target = [r for r in results if r["users"] == TARGET_USERS]
    verdict = ""
    if at_target:
        t = at_target[0]
        met = t["errors"] == 0 and t["p95"] < TARGET_P95_MS
        verdict = (
            f"Target (no errors, p95 < {TARGET_P95_MS} ms at {TARGET_USERS} users): "
            f"{'met' if met else 'NOT met'} — {t['errors']} errors, p95 {t['p95']:.0f} ms."
        )
        print(verdict)
    if not args.no_readme:
        per_page = ["", "Per request at each level (p95):", ""]
        for r in results:
            parts = ", ".join(f"{n} {v:.0f} ms" for n, v in sorted(r["pages"].items()))
            per_page.append(f"- {r['users']} users: {parts}")
        stamp = datetime.now(UTC).strftime("%d %B %Y, %H:%M UTC")
        with open(ROOT / "bench" / "README.md", "a") as readme:
            readme.write(
                f"\n### Load run, {stamp} ({args.workers} gunicorn workers, {args.run_time} s a level)\n\n"
                f"{report}\n\n{verdict}\n" + "\n".join(per_page) + "\n"
            )


if __name__ == "__main__":
    main()
