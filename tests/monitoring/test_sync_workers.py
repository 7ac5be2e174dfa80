"""Two workers syncing at once, on PostgreSQL with real connections (issue 14: each item once)."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection as db

from monitoring.models import Connection, Enquiry, Post, SyncCursor
from monitoring.sync import connection_sync, connections_sync_due
from tests.factories import AccountFactory

from .connector_fakes import FakePlatform
from .sync_helpers import connect

NOW = datetime(2025, 1, 15, 11, 0, tzinfo=UTC)

pytestmark = pytest.mark.django_db(transaction=True)


def at_once(*jobs):
    """Run the jobs in threads, each with its own database connection, released together."""
    barrier = threading.Barrier(len(jobs))
    results, errors = [None] * len(jobs), []

    def run(index, job):
        try:
            barrier.wait()
            results[index] = job()
        except Exception as exc:  # surfaced below
            errors.append(exc)
        finally:
            db.close()

    threads = [threading.Thread(target=run, args=(i, job)) for i, job in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    return results


def test_two_workers_syncing_every_account_at_once_store_each_item_once():
    assert db.vendor == "postgresql"
    platform = FakePlatform(page_size=3)
    platform.delay = 0.05  # slow enough that the two runs overlap
    accounts = [AccountFactory() for _ in range(4)]
    for account in accounts:
        connect(account, now=NOW - timedelta(days=1))
    for n in range(7):
        platform.enquiry(f"e{n}", NOW - timedelta(hours=8 - n))
        platform.post(f"p{n}", NOW - timedelta(hours=8 - n))
    platform.reply("r1", "e0", NOW - timedelta(hours=1))

    first, second = at_once(
        lambda: connections_sync_due(now=NOW, connector_factory=platform.connector),
        lambda: connections_sync_due(now=NOW, connector_factory=platform.connector),
    )

    synced = [r.connection_id for r in first + second if r.outcome == "synced"]
    assert sorted(synced) == sorted(Connection.objects.values_list("pk", flat=True))  # each account once
    assert Enquiry.objects.count() == 4 * 7
    assert Post.objects.count() == 4 * 7
    assert sum(r.enquiries_created for r in first + second) == 4 * 7
    assert sum(r.responses for r in first + second) == 4  # e0 answered once on each account
    assert Connection.objects.filter(claimed_until__isnull=False).count() == 0


def test_two_workers_on_the_same_account_sync_it_once():
    platform = FakePlatform(page_size=2)
    platform.delay = 0.05
    connection = connect(AccountFactory(), now=NOW - timedelta(days=1))
    for n in range(5):
        platform.enquiry(f"e{n}", NOW - timedelta(hours=8 - n))

    reports = at_once(
        lambda: connection_sync(connection_id=connection.pk, connector_factory=platform.connector, now=NOW),
        lambda: connection_sync(connection_id=connection.pk, connector_factory=platform.connector, now=NOW),
    )

    assert sorted(r.outcome for r in reports) == ["busy", "synced"]
    assert Enquiry.objects.count() == 5
    assert platform.fetches == 1 + 3  # one posts page, three enquiry pages: fetched by one worker only
    assert SyncCursor.objects.get(connection=connection, stream="enquiries").cursor == "5"
