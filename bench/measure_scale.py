"""The measurements of ``bench/scale.py``: one size in one process (``measure``), and the report of
every size side by side (``report``). Imported after Django is set up on the size's database."""

from __future__ import annotations

import os
import resource
import statistics
import time
from datetime import timedelta

API_REQUESTS = int(os.environ.get("BENCH_API_REQUESTS", 10))
PAGE_REQUESTS = int(os.environ.get("BENCH_PAGE_REQUESTS", 20))
RUNS = 3
# The large organisation's directorate the size of the small organisation's first (8 services).
LIKE_FOR_LIKE_DIRECTORATE = "Directorate of eight services"


def _best(function, runs: int = RUNS) -> float:
    """The fastest of ``runs`` runs, in ms (the floor of a busy shared machine's noise)."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        function()
        times.append((time.perf_counter() - start) * 1000)
    return min(times)


def _p95(timings: list[float]) -> float:
    ordered = sorted(timings)
    return ordered[max(0, int(len(ordered) * 0.95) - 1)]


def _once(function) -> float:
    start = time.perf_counter()
    function()
    return (time.perf_counter() - start) * 1000


def _comms_client():
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django.test import Client

    from councilsocial.permissions import COMMUNICATIONS

    user, _ = get_user_model().objects.get_or_create(
        username="bench-comms", defaults={"email": "comms@example.gov.uk"}
    )
    user.groups.add(Group.objects.get_or_create(name=COMMUNICATIONS)[0])
    client = Client()
    client.force_login(user)
    return client


def _rss_mb() -> float:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def page(client, path: str) -> dict:
    """Median and p95 over ``PAGE_REQUESTS`` requests after two warm-ups; queries, bytes, memory."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def get():
        response = client.get(path)
        assert response.status_code == 200, (path, response.status_code)
        body = b"".join(response.streaming_content) if response.streaming else response.content
        return body

    for _ in range(2):
        get()
    before = _rss_mb()
    timings = []
    for _ in range(PAGE_REQUESTS):
        start = time.perf_counter()
        body = get()
        timings.append((time.perf_counter() - start) * 1000)
    with CaptureQueriesContext(connection) as captured:
        get()
    return {
        "median": statistics.median(timings),
        "p95": _p95(timings),
        "timings": timings,
        "queries": len(captured.captured_queries),
        "bytes": len(body),
        "rss_growth_mb": max(0.0, _rss_mb() - before),
    }


def download(client, path: str) -> dict:
    """One streamed download, whole: time, size, and how much the process grew meanwhile."""
    client.get(path)
    before = _rss_mb()
    start = time.perf_counter()
    response = client.get(path)
    assert response.streaming, path
    size = sum(len(chunk) for chunk in response.streaming_content)
    return {
        "time": (time.perf_counter() - start) * 1000,
        "bytes": size,
        "rss_growth_mb": max(0.0, _rss_mb() - before),
    }


PAGES = {
    "home page": "/",
    "council dashboard": "/dashboard/",
    "directorate page (8 services)": "/dashboard/directorates/{directorate}/",
    "directorate page, the largest directorate": "/dashboard/directorates/{largest}/",
    "service dashboard": "/services/{service}/dashboard/",
    "register list": "/accounts/",
    "register list, by service": "/accounts/?sort=-service",
    "register list, one directorate": "/accounts/?directorate={directorate}",
    "inbox": "/inbox/",
}
DOWNLOADS = {
    "dashboard download, response times": "/dashboard/?export=performance",
    "dashboard download, inactive accounts": "/dashboard/?export=inactive",
    "register download (CSV)": "/accounts/export.csv",
}


def pages_for(client, table: dict, measure) -> dict:
    """Each page (or download) of ``table``, for the first directorate and service."""
    from accounts_register.models import Directorate, Service

    largest = Directorate.objects.order_by("pk").first()
    # The large organisation's directorate of 8 services, as the small organisation's first one.
    directorate = Directorate.objects.filter(name=LIKE_FOR_LIKE_DIRECTORATE).first() or largest
    service = Service.objects.order_by("pk").first()
    results = {}
    for label, path in table.items():
        url = path.format(directorate=directorate.pk, largest=largest.pk, service=service.pk)
        results[label] = measure(client, url)
    return results


# --- History: jobs at 1M and 10M enquiries -------------------------------------------------------
def overdue_floor_sql(now):
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


def ingest_floor(tag: str, accounts: int) -> float:
    """1,000 enquiries by hand: one INSERT from arrays (deadlines precomputed), ON CONFLICT DO
    NOTHING, and the rows read back by pairs. Milliseconds."""
    from django.db import connection
    from django.utils import timezone

    from monitoring.models import Enquiry

    table = Enquiry._meta.db_table
    now = timezone.now()
    account_ids = [1 + n % accounts for n in range(1000)]
    platform_ids = [f"floor-{tag}-{n}" for n in range(1000)]
    received = [now - timedelta(minutes=n) for n in range(1000)]

    def run():
        with connection.cursor() as cursor:
            cursor.execute(
                f'INSERT INTO "{table}" (account_id, platform_id, received_at, author, text, channel, '  # noqa: S608
                "response_due_at, response_policy, status, no_response_reason, recorded_at) "
                "SELECT a, p, r, 'resident', 'Bench enquiry', 'comment', r + interval '8 hours', "
                "'working_day', 'open', '', %s "
                "FROM unnest(%s::bigint[], %s::text[], %s::timestamptz[]) AS k(a, p, r) "
                "ON CONFLICT DO NOTHING",
                [now, account_ids, platform_ids, received],
            )
            cursor.execute(
                "SELECT t.* FROM unnest(%s::bigint[], %s::text[]) AS k(a, p) "  # noqa: S608
                f'CROSS JOIN LATERAL (SELECT * FROM "{table}" s WHERE s.account_id = k.a '
                "AND s.platform_id = k.p LIMIT 1) t",
                [account_ids, platform_ids],
            )
            cursor.fetchall()

    return _once(run)


def api_ingest(client, kind: str, tag: str, accounts: int) -> dict:
    """``API_REQUESTS`` requests of 1,000 new items each through the list API (after one warm-up)."""
    from django.utils import timezone

    now = timezone.now()
    field = "received_at" if kind == "enquiries" else "posted_at"
    timings = []
    for number in range(API_REQUESTS + 1):
        items = []
        for n in range(1000):
            item = {
                "account": 1 + (n * 7 + number) % accounts,
                "platform_id": f"api-{tag}-{number}-{n}",
                field: (now - timedelta(minutes=n)).isoformat(),
            }
            if kind == "enquiries":
                item.update(author="resident", text="Bench enquiry", channel="comment")
            items.append(item)
        start = time.perf_counter()
        response = client.post(f"/api/{kind}/", items, content_type="application/json")
        elapsed = time.perf_counter() - start
        assert response.status_code == 201, response.content[:500]
        if number:  # the first request warms up
            timings.append(elapsed)
    return {
        "rate": 1000 * len(timings) / sum(timings),
        "median_ms": statistics.median(timings) * 1000,
    }


def forget_earlier_runs() -> None:
    """Back to the loaded history: delete what earlier runs ingested (their platform ids are not
    the loader's ``e…`` and ``p…``), so every run starts from the same 20,000 open enquiries."""
    from django.db import connection

    from councilsocial.flags.models import GovernanceFlag
    from monitoring.models import Enquiry, Post, Response

    with connection.cursor() as cursor:
        cursor.execute(f'DELETE FROM "{GovernanceFlag._meta.db_table}"')  # noqa: S608
        cursor.execute(f'DELETE FROM "{Response._meta.db_table}"')  # noqa: S608
        for model, prefix in [(Enquiry, "e"), (Post, "p")]:
            table = model._meta.db_table
            cursor.execute(f"DELETE FROM \"{table}\" WHERE platform_id !~ '^{prefix}[0-9]+$'")  # noqa: S608
            cursor.execute(f'VACUUM ANALYZE "{table}"')


def measure_history(size_name: str) -> dict:
    from django.db import connection
    from django.utils import timezone

    from councilsocial.flags.models import GovernanceFlag
    from monitoring import checks
    from monitoring.models import Enquiry
    from monitoring.services import response_stats_refresh

    forget_earlier_runs()
    client = _comms_client()
    results: dict = {
        "enquiries": Enquiry.objects.count(),
        "open": Enquiry.objects.open().count(),
    }
    print(f"{size_name}: {results['enquiries']:,} enquiries, {results['open']:,} open", flush=True)
    tag = f"{size_name}-{int(time.time())}"
    now = timezone.now()

    # The nightly refresh before the day's changes: the whole window, as the first run does.
    results["figures refresh, whole window (13 months)"] = _best(
        lambda: response_stats_refresh(now=timezone.now(), months=13, full=True), runs=2
    )
    response_stats_refresh(now=timezone.now(), months=2, full=True)
    time.sleep(1)
    refreshed_at = timezone.now()

    results["ingest, enquiries"] = api_ingest(client, "enquiries", tag, 1000)
    results["ingest, posts"] = api_ingest(client, "posts", tag, 1000)
    results["ingest floor, 1,000 enquiries (ms)"] = min(ingest_floor(f"{tag}-{n}", 1000) for n in range(RUNS))
    print(f"  ingest {results['ingest, enquiries']['rate']:,.0f} enquiries/s", flush=True)

    # The day's changes are in (11,000 enquiries just recorded): the nightly run after them.
    from monitoring.models import ResponseTimeRefresh

    def incremental(months):
        ResponseTimeRefresh.objects.filter(months=months).update(refreshed_at=refreshed_at)
        response_stats_refresh(now=refreshed_at + timedelta(minutes=20), months=months)

    results["figures refresh, nightly after the day's changes"] = _best(lambda: incremental(13))
    results["figures refresh, every 15 minutes (2 months)"] = _best(lambda: incremental(2))

    GovernanceFlag.objects.filter(kind="overdue_enquiry").delete()
    results["overdue check, first run"] = _once(lambda: checks.check_overdue_enquiries(now=now))
    results["overdue check"] = _best(lambda: checks.check_overdue_enquiries(now=now))
    sql, params = overdue_floor_sql(now)

    def floor():
        with connection.cursor() as cursor:
            cursor.execute(sql, params)

    results["overdue check floor"] = _best(floor)
    GovernanceFlag.objects.filter(kind="overdue_enquiry").delete()
    results["overdue check floor, first run"] = _once(floor)
    GovernanceFlag.objects.filter(kind="overdue_enquiry").delete()
    checks.check_overdue_enquiries(now=now)
    with connection.cursor() as cursor:
        cursor.execute(f'SELECT count(*) FROM "{GovernanceFlag._meta.db_table}"')  # noqa: S608
        results["flags in the table"] = cursor.fetchone()[0]
    results["inactivity check"] = _best(lambda: checks.check_inactive_accounts(now=now))
    results["posting-guideline check"] = _best(lambda: checks.check_posting_guideline(now=now))
    print(f"  overdue check {results['overdue check']:,.0f} ms", flush=True)
    return results


def measure_org() -> dict:
    from django.utils import timezone

    from accounts_register.models import Service, SocialMediaAccount
    from monitoring import checks

    results = {
        "accounts": SocialMediaAccount.objects.count(),
        "services": Service.objects.count(),
    }
    print(f"org: {results['accounts']:,} accounts, {results['services']:,} services", flush=True)
    now = timezone.now()
    results["inactivity check"] = _best(lambda: checks.check_inactive_accounts(now=now))
    results["posting-guideline check"] = _best(lambda: checks.check_posting_guideline(now=now))
    return results


def measure(size_name: str, size: dict, part: str) -> dict:
    """One round of ``part`` at one size: "jobs" (the periodic jobs and ingest), "pages" (every
    page, ``PAGE_REQUESTS`` times) or "downloads" (each streamed download once)."""
    if part == "jobs":
        results = measure_history(size_name) if size["kind"] == "history" else measure_org()
    elif part == "pages":
        results = {"pages": pages_for(_comms_client(), PAGES, page)}
    else:
        results = {"pages": pages_for(_comms_client(), DOWNLOADS, download)}
    results["measured_at"] = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    results["load_average"] = os.getloadavg()
    results["peak_rss_mb_before_exit"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return results


# --- Rounds ------------------------------------------------------------------------------------
def combine(rounds: list[dict]) -> dict:
    """One size's figures from its rounds, which ran interleaved with the other sizes' so that a
    busy moment of the machine falls on every size alike: a job's fastest run over every round (an
    ingest's fastest rate), a page's median of its rounds' medians and its p95 over every request."""
    combined: dict = {"pages": {}, "measured_at": [], "load_average": []}
    for result in rounds:
        for key, value in result.items():
            if key == "pages":
                for label, figures in value.items():
                    combined["pages"].setdefault(label, []).append(figures)
            elif key in ("measured_at", "load_average"):
                combined[key].append(value)
            elif key.startswith("peak_rss"):
                combined[key] = max(combined.get(key, 0), value)
            elif isinstance(value, dict):  # an ingest: its fastest round
                if key not in combined or value["rate"] > combined[key]["rate"]:
                    combined[key] = value
            elif isinstance(value, float):
                combined[key] = min(combined.get(key, value), value)
            else:
                combined[key] = value
    for label, runs in combined["pages"].items():
        if "timings" in runs[0]:
            combined["pages"][label] = {
                **runs[-1],
                "median": statistics.median(r["median"] for r in runs),
                "p95": _p95([t for r in runs for t in r["timings"]]),
                "rounds": len(runs),
            }
        else:
            combined["pages"][label] = runs[-1]
    return combined


# --- Report ------------------------------------------------------------------------------------
def _ms(value: float) -> str:
    return f"{value:,.0f} ms" if value >= 10 else f"{value:,.1f} ms"


def _ratio(a: float, b: float) -> str:
    return f"{b / a:.2f}×" if a else "–"


def report(results: dict) -> None:
    small, large, org = results.get("1m"), results.get("10m"), results.get("org")
    if small and large:
        print(
            "\nJobs at 1M and 10M enquiries (fastest of 3 runs in each round, over every round, unless "
            "said; ratio = 10M / 1M)\n"
        )
        print("| job | 1M | 10M | ratio | floor at 10M | 10M / floor |")
        print("|---|---|---|---|---|---|")
        for label in [
            "overdue check",
            "overdue check, first run",
            "inactivity check",
            "posting-guideline check",
            "figures refresh, nightly after the day's changes",
            "figures refresh, every 15 minutes (2 months)",
            "figures refresh, whole window (13 months)",
        ]:
            a, b = small[label], large[label]
            floor = {
                "overdue check": "overdue check floor",
                "overdue check, first run": "overdue check floor, first run",
            }
            f = large.get(floor.get(label, ""), None)
            print(
                f"| {label} | {_ms(a)} | {_ms(b)} | {_ratio(a, b)} | {_ms(f) if f else '–'} | "
                f"{_ratio(f, b) if f else '–'} |"
            )
        for label in ["ingest, enquiries", "ingest, posts"]:
            a, b = small[label], large[label]
            floor = ""
            if label == "ingest, enquiries":
                f = large["ingest floor, 1,000 enquiries (ms)"]
                floor = f"{1000 / f * 1000:,.0f}/s | {b['rate'] / (1000 / f * 1000):.2f}× of it"
            print(
                f"| {label} (list API, 1,000 a request) | {a['rate']:,.0f}/s | {b['rate']:,.0f}/s | "
                f"{_ratio(b['rate'], a['rate'])} (time) | {floor or '– | –'} |"
            )
        print(
            f"\nflags in the table after the runs: {small['flags in the table']:,} and "
            f"{large['flags in the table']:,}"
        )
    if small or large:
        base = small or large
        rounds = base["pages"][next(iter(base["pages"]))].get("rounds", 1)
        print(
            f"\nPages: median of {rounds} rounds' medians / p95 over every request; queries and page "
            "size small / large; ratios of the medians\n"
        )
        print(
            "| page | 1M, small org | 10M, small org | 100,000 accounts, 16,000 services "
            "| queries | size | 10M / 1M | large / small |"
        )
        print("|---|---|---|---|---|---|---|---|")
        for label, small_page in base["pages"].items():
            if "p95" not in small_page:
                continue
            mid = large["pages"][label] if large else None
            big = org["pages"][label] if org else None

            def cell(p):
                return f"{_ms(p['median'])} / {_ms(p['p95'])}" if p else "–"

            print(
                f"| {label} | {cell(small_page)} | {cell(mid)} | {cell(big)} | "
                f"{small_page['queries']} / {big['queries'] if big else '–'} | "
                f"{small_page['bytes'] / 1024:,.0f} kB / {big['bytes'] / 1024 if big else 0:,.0f} kB | "
                f"{_ratio(small_page['median'], mid['median']) if mid else '–'} | "
                f"{_ratio(small_page['median'], big['median']) if big else '–'} |"
            )
        print("\nDownloads (streamed; one request, whole)\n")
        print("| download | small org | large org | size at large | process growth |")
        print("|---|---|---|---|---|")
        for label, small_page in base["pages"].items():
            if "time" not in small_page:
                continue
            big = org["pages"][label] if org else None
            print(
                f"| {label} | {_ms(small_page['time'])} | {_ms(big['time']) if big else '–'} | "
                f"{big['bytes'] / 1024 / 1024 if big else 0:,.1f} MB | "
                f"{big['rss_growth_mb'] if big else 0:,.0f} MB |"
            )
    if org:
        print(
            f"\nLarge organisation ({org['accounts']:,} accounts, {org['services']:,} services): "
            "inactivity check "
            f"{_ms(org['inactivity check'])}, posting-guideline check {_ms(org['posting-guideline check'])}; "
            f"peak memory of the measuring process {org['peak_rss_mb_before_exit']:,.0f} MB"
        )
    for name, r in results.items():
        loads = ", ".join(f"{load[0]:.1f}" for load in r["load_average"])
        print(f"{name}: measured {r['measured_at'][0]} to {r['measured_at'][-1]}, load average {loads}")
