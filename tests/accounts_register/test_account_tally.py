"""The register's tally of accounts by platform and status (issue 16): kept by the database's own
triggers, so it is right after every kind of change — one save, a bulk import, a queryset update or
delete, raw SQL — and the council's dashboard reads it instead of counting every account."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.models import Count
from django.test.utils import CaptureQueriesContext
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase as HypothesisTestCase

from accounts_register.models import AccountStatus, AccountTally, SocialMediaAccount
from accounts_register.platforms import Platform
from monitoring import dashboard
from tests.factories import AccountFactory, ServiceFactory

pytestmark = pytest.mark.django_db


def counted() -> list[tuple[str, str, int]]:
    """What the tally must say: every account counted by platform and status."""
    rows = SocialMediaAccount.objects.values_list("platform", "status").annotate(n=Count("pk")).order_by()
    return sorted(rows)


def tallied() -> list[tuple[str, str, int]]:
    return SocialMediaAccount.objects.counts_by_platform_and_status()


def test_saving_one_account_and_moving_it_between_statuses_keeps_the_tally():
    account = AccountFactory(platform=Platform.X, status=AccountStatus.PROPOSED)
    assert tallied() == [("x", "proposed", 1)]

    SocialMediaAccount.objects.filter(pk=account.pk).update(status=AccountStatus.ACTIVE)
    AccountFactory(platform=Platform.FACEBOOK, service=account.service)

    assert tallied() == [("facebook", "active", 1), ("x", "active", 1)] == counted()


def test_a_bulk_import_an_update_of_many_and_a_delete_keep_the_tally():
    service = ServiceFactory()
    SocialMediaAccount.objects.bulk_create(
        AccountFactory.build(service=service, handle=f"bulk_{n}", platform=Platform.X) for n in range(120)
    )
    SocialMediaAccount.objects.filter(handle__in=[f"bulk_{n}" for n in range(40)]).update(
        status=AccountStatus.CLOSED
    )
    SocialMediaAccount.objects.filter(handle__in=[f"bulk_{n}" for n in range(100, 120)]).delete()

    assert tallied() == [("x", "active", 60), ("x", "closed", 40)] == counted()


def test_a_change_of_anything_else_leaves_the_tally_alone():
    account = AccountFactory()
    SocialMediaAccount.objects.filter(pk=account.pk).update(display_name="Renamed", followers=10)

    assert AccountTally.objects.get().count == 1


def test_raw_sql_is_tallied_too():
    account = AccountFactory(platform=Platform.X)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {SocialMediaAccount._meta.db_table} SET platform = %s WHERE id = %s",  # noqa: S608
            ["instagram", account.pk],
        )

    assert tallied() == [("instagram", "active", 1)] == counted()


def test_the_council_dashboard_reads_the_tally_not_every_account():
    AccountFactory(platform=Platform.X)
    with CaptureQueriesContext(connection) as queries:
        rows = dashboard.accounts_by_platform_and_status()

    assert rows == [{"platform": "X (Twitter)", "status": "Active", "count": 1}]
    assert [q["sql"] for q in queries.captured_queries if SocialMediaAccount._meta.db_table in q["sql"]] == []


def test_one_service_is_counted_from_its_own_accounts():
    service = ServiceFactory()
    AccountFactory(service=service, platform=Platform.YOUTUBE)
    AccountFactory(platform=Platform.X)

    assert dashboard.accounts_by_platform_and_status(service) == [
        {"platform": "YouTube", "status": "Active", "count": 1}
    ]


OPERATIONS = st.lists(
    st.tuples(
        st.sampled_from(["add", "move", "delete", "bulk"]),
        st.sampled_from([Platform.X, Platform.FACEBOOK, Platform.INSTAGRAM]),
        st.sampled_from([AccountStatus.PROPOSED, AccountStatus.ACTIVE, AccountStatus.ARCHIVED]),
        st.integers(min_value=0, max_value=50),
    ),
    max_size=25,
)


class TallyAfterRandomChanges(HypothesisTestCase):
    @settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(OPERATIONS)
    def test_the_tally_always_equals_a_count_of_the_register(self, operations):
        service = ServiceFactory()
        for number, (operation, platform, status, pick) in enumerate(operations):
            pks = list(SocialMediaAccount.objects.order_by("pk").values_list("pk", flat=True))
            if operation == "add" or not pks:
                AccountFactory(service=service, platform=platform, status=status)
            elif operation == "bulk":
                SocialMediaAccount.objects.bulk_create(
                    AccountFactory.build(
                        service=service, platform=platform, status=status, handle=f"h{number}_{n}"
                    )
                    for n in range(pick % 5 + 1)
                )
            elif operation == "move":
                SocialMediaAccount.objects.filter(pk__in=pks[: pick % len(pks) + 1]).update(
                    platform=platform, status=status
                )
            else:
                SocialMediaAccount.objects.filter(pk=pks[pick % len(pks)]).delete()

        assert tallied() == counted()


SQLITE_SCRIPT = """
from django.db.models import Count
from accounts_register.models import SocialMediaAccount as Account
from tests.factories import AccountFactory
one, two = AccountFactory(), AccountFactory(platform="facebook")
Account.objects.filter(pk=one.pk).update(status="closed")
two.delete()
Account.objects.bulk_create(AccountFactory.build(service=one.service, handle=f"z{n}") for n in range(3))
counted = sorted(Account.objects.values_list("platform", "status").annotate(n=Count("pk")).order_by())
assert Account.objects.counts_by_platform_and_status() == counted == [("x", "active", 3), ("x", "closed", 1)]
print("tally right")
"""


@pytest.mark.django_db(transaction=False)
def test_make_runs_sqlite_database_keeps_the_tally_too(tmp_path):
    root = Path(__file__).resolve().parents[2]
    env = {**os.environ, "DEBUG": "true", "DATABASE_URL": f"sqlite:///{tmp_path / 'run.sqlite3'}"}
    for args in (["migrate", "-v0"], ["shell", "-c", SQLITE_SCRIPT]):
        result = subprocess.run(  # noqa: S603 - our own manage.py
            [sys.executable, "manage.py", *args],
            cwd=root,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert result.returncode == 0, result.stderr[-2000:]
    assert "tally right" in result.stdout


def test_counting_the_whole_register_reads_the_tally_and_a_filtered_count_counts():
    service = ServiceFactory()
    AccountFactory.create_batch(3, service=service)
    AccountFactory(status=AccountStatus.CLOSED)
    table = SocialMediaAccount._meta.db_table

    with CaptureQueriesContext(connection) as whole:
        assert SocialMediaAccount.objects.count() == 4
    with CaptureQueriesContext(connection) as part:
        assert SocialMediaAccount.objects.filter(service=service).count() == 3
        assert SocialMediaAccount.objects.none().count() == 0
        assert SocialMediaAccount.objects.all()[:2].count() == 2

    assert table not in whole.captured_queries[0]["sql"]
    assert table in part.captured_queries[0]["sql"]


def test_a_tally_put_wrong_by_a_restore_is_counted_again_by_the_command():
    AccountFactory.create_batch(3, platform=Platform.X)
    with connection.cursor() as cursor:  # as a data-only restore replaying the tally's rows would
        cursor.execute(f"UPDATE {AccountTally._meta.db_table} SET count = count * 2")  # noqa: S608
        cursor.execute(
            f"INSERT INTO {AccountTally._meta.db_table} (platform, status, count) "  # noqa: S608
            "VALUES ('youtube', 'closed', 7)"
        )
    assert tallied() != counted()
    out = io.StringIO()

    call_command("rebuild_account_tally", stdout=out)

    assert tallied() == counted() == [("x", "active", 3)]
    assert out.getvalue().strip() == "Counted 3 accounts into the tally."
