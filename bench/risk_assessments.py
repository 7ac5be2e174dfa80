"""Time the risk-assessment reads and the overdue-review check on a council-sized register (issue 5).

2,000 accounts, each with an accepted assessment of nine risks (18,000 items) and a second, draft
version for every tenth account, loaded with ``bulk_create`` into a database of its own. Then:
the overdue-review check (``check_overdue_reviews``: two statements whatever the number of rows),
the register summary of 100 accounts (``assessment_summary_for_accounts``), the Communications
council heat map and the risk list behind one cell, and the assessments list, each repeated.
Prints the median and 95th-percentile time and the number of queries.

Run:  .venv/bin/python bench/risk_assessments.py            (loads the data on first run)
      .venv/bin/python bench/risk_assessments.py --reload   (drops and loads it again)
The database is ``cs_bench_risk`` on the local PostgreSQL unless BENCH_DATABASE_URL says otherwise.

Figures from 23 November 2026, 04:34 UTC, with other suites running (load average about 5 on 2 cores):

| what                                             | median   | p95      | queries |
|--------------------------------------------------|----------|----------|---------|
| check_overdue_reviews (200 overdue)              | 3.8 ms   | 5.7 ms   | 4       |
| assessment_summary_for_accounts (100 accounts)   | 5.0 ms   | 8.7 ms   | 2       |
| council heat map /risk-assessments/heat-map/     | 19.7 ms  | 25.9 ms  | 6       |
| risks behind one cell (?likelihood=1&impact=2)   | 54.4 ms  | 142.9 ms | 6       |
| assessments list /risk-assessments/ (Comms)      | 57.3 ms  | 63.2 ms  | 8       |
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import configure, ensure_database, setup_django  # noqa: E402

DATABASE_URL = configure("cs_bench_risk")

ACCOUNTS = 2_000
SERVICES = 20
REPEAT = 20


def load(now) -> None:
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    from accounts_register.models import AccountStatus, Directorate, Service, SocialMediaAccount
    from councilsocial.permissions import COMMUNICATIONS
    from risk_assessments.categories import STANDARD_RISKS
    from risk_assessments.models import RiskAssessment, RiskAssessmentStatus, RiskItem

    if RiskAssessment.objects.exists():
        return
    user_model = get_user_model()
    comms = user_model.objects.create_user("comms", "comms@example.gov.uk", "x")
    comms.groups.add(Group.objects.get_or_create(name=COMMUNICATIONS)[0])
    officer = user_model.objects.create_user("officer", "officer@example.gov.uk", "x")
    directorate = Directorate.objects.create(name="Bench directorate")
    services = [Service.objects.create(name=f"Service {n}", directorate=directorate) for n in range(SERVICES)]
    services[0].officers.add(officer)
    accounts = SocialMediaAccount.objects.bulk_create(
        SocialMediaAccount(
            platform="x",
            handle=f"bench{n}",
            url=f"https://x.com/bench{n}",
            display_name=f"Bench {n}",
            service=services[n % SERVICES],
            status=AccountStatus.ACTIVE,
        )
        for n in range(ACCOUNTS)
    )
    # A tenth are past their review date, so the check has flags to raise.
    accepted = RiskAssessment.objects.bulk_create(
        RiskAssessment(
            account=account,
            status=RiskAssessmentStatus.ACCEPTED,
            created_by=officer,
            created_at=now - timedelta(days=400),
            accepted_at=now - timedelta(days=398),
            decided_by=comms,
            next_review_date=(now - timedelta(days=30 if n % 10 == 0 else -200)).date(),
        )
        for n, account in enumerate(accounts)
    )
    drafts = RiskAssessment.objects.bulk_create(
        RiskAssessment(
            account=assessment.account,
            series=assessment.series,
            version=2,
            previous_version=assessment,
            created_by=officer,
            created_at=now,
        )
        for assessment in accepted[::10]
    )
    RiskItem.objects.bulk_create(
        (
            RiskItem(
                assessment=assessment,
                position=position,
                category=risk.category,
                description=risk.description,
                mitigations=risk.mitigations,
                likelihood=1 + (n + position) % 5,
                impact=1 + (n * 3 + position) % 5,
                residual_likelihood=1,
                residual_impact=min(1 + (n * 3 + position) % 5, 1 + (n + position) % 3),
                owner="Service manager",
            )
            for n, assessment in enumerate([*accepted, *drafts])
            for position, risk in enumerate(STANDARD_RISKS, start=1)
        ),
        batch_size=5000,
    )


def timed(label: str, run, repeat: int = REPEAT) -> None:
    from django.db import connection, reset_queries

    for _ in range(2):
        run()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        times.append((time.perf_counter() - start) * 1000)
    reset_queries()
    connection.force_debug_cursor = True
    run()
    queries = len(connection.queries)
    connection.force_debug_cursor = False
    times.sort()
    p95 = times[min(len(times) - 1, int(len(times) * 0.95))]
    print(f"| {label:<48} | {statistics.median(times):7.1f} ms | {p95:7.1f} ms | {queries:>7} |")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--reload", action="store_true")
    args = parser.parse_args()
    ensure_database(drop=args.reload)

    setup_django()
    from django.test import Client
    from django.utils import timezone

    now = timezone.now()
    load(now)

    from django.contrib.auth import get_user_model

    from accounts_register.models import SocialMediaAccount
    from risk_assessments.selectors import assessment_summary_for_accounts
    from risk_assessments.services import check_overdue_reviews

    comms = get_user_model().objects.get(username="comms")
    client = Client()
    client.force_login(comms)
    account_ids = list(SocialMediaAccount.objects.order_by("pk").values_list("pk", flat=True)[:100])

    def get(url):
        def run():
            response = client.get(url)
            assert response.status_code == 200, response.status_code

        return run

    print(
        f"{ACCOUNTS:,} accounts, {ACCOUNTS:,} assessments in force, {ACCOUNTS // 10:,} drafts, 9 risks each"
    )
    print("| what                                             | median     | p95        | queries |")
    print("|--------------------------------------------------|------------|------------|---------|")
    timed("check_overdue_reviews (200 overdue)", lambda: check_overdue_reviews(now=now))
    timed(
        "assessment_summary_for_accounts (100 accounts)", lambda: assessment_summary_for_accounts(account_ids)
    )
    timed("council heat map /risk-assessments/heat-map/", get("/risk-assessments/heat-map/"))
    timed(
        "risks behind one cell (?likelihood=1&impact=2)",
        get("/risk-assessments/risks/?likelihood=1&impact=2"),
    )
    timed("assessments list /risk-assessments/ (Comms)", get("/risk-assessments/"))


if __name__ == "__main__":
    main()
