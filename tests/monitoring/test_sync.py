"""The sync of a connected account (issue 14 items 1, 5, 6): against a scripted fake platform, with
our real database."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from councilsocial.flags.models import FlagKind, GovernanceFlag
from monitoring.connectors.base import (
    Credentials,
    CredentialsRejected,
    PlatformUnavailable,
    RateLimited,
)
from monitoring.models import (
    Connection,
    ConnectionStatus,
    Enquiry,
    EnquiryStatus,
    NoResponseReason,
    Post,
    Response,
    SyncCursor,
)
from monitoring.sync import connection_sync, connections_sync_due
from tests.factories import AccountFactory, EnquiryFactory

from .connector_fakes import FakePlatform
from .sync_helpers import connect

NOW = datetime(2025, 1, 15, 11, 0, tzinfo=UTC)  # Wednesday 11:00

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def account(service):
    return AccountFactory(service=service)


@pytest.fixture
def connection(account):
    return connect(account, now=NOW - timedelta(days=1))


@pytest.fixture
def platform():
    return FakePlatform(page_size=2)


def sync(connection, platform, now=NOW, **kwargs):
    return connection_sync(
        connection_id=connection.pk, connector_factory=platform.connector, now=now, **kwargs
    )


def failing_flags():
    return list(GovernanceFlag.objects.open().filter(kind=FlagKind.CONNECTION_FAILING))


# --- First and incremental syncs, pagination ----------------------------------------------------------
def test_first_sync_brings_in_posts_and_enquiries_with_what_the_platform_says(connection, platform, account):
    platform.post(
        "p1", NOW - timedelta(hours=3), text="Bins as normal", url="https://x.com/c/1", published_by="Jo"
    )
    platform.enquiry("e1", NOW - timedelta(hours=2), text="Is the tip open?", conversation_id="thread-9")

    report = sync(connection, platform)

    assert report.outcome == "synced"
    post = Post.objects.get(account=account)
    assert (post.platform_id, post.text, post.url, post.published_by) == (
        "p1",
        "Bins as normal",
        "https://x.com/c/1",
        "Jo",
    )
    enquiry = Enquiry.objects.get(account=account)
    assert (enquiry.text, enquiry.conversation_id, enquiry.author) == (
        "Is the tip open?",
        "thread-9",
        "resident",
    )
    assert enquiry.url == "https://x.com/resident/status/e1"
    assert enquiry.status == EnquiryStatus.OPEN
    connection.refresh_from_db()
    assert connection.last_success_at == NOW and connection.backlog == 0 and connection.claimed_until is None
    account.refresh_from_db()
    assert account.last_activity_at == NOW - timedelta(hours=3)


def test_incremental_sync_asks_from_the_stored_cursor_and_stores_only_what_is_new(
    connection, platform, account
):
    platform.enquiry("e1", NOW - timedelta(hours=2))
    sync(connection, platform)
    platform.enquiry("e2", NOW - timedelta(minutes=30))

    report = sync(connection, platform, now=NOW + timedelta(minutes=5))

    assert report.enquiries_created == 1
    assert sorted(Enquiry.objects.filter(account=account).values_list("platform_id", flat=True)) == [
        "e1",
        "e2",
    ]
    assert SyncCursor.objects.get(connection=connection, stream="enquiries").cursor == "2"


def test_pages_are_read_up_to_the_limit_and_the_rest_waits_as_backlog(
    connection, platform, account, settings
):
    settings.CONNECTION_SYNC_PAGE_LIMIT = 2
    for n in range(7):
        platform.post(f"p{n}", NOW - timedelta(hours=10 - n))

    first = sync(connection, platform)

    assert Post.objects.filter(account=account).count() == 4
    assert first.backlog == 1
    connection.refresh_from_db()
    assert connection.backlog == 1

    sync(connection, platform, now=NOW + timedelta(minutes=5))

    assert Post.objects.filter(account=account).count() == 7
    connection.refresh_from_db()
    assert connection.backlog == 0


def test_the_same_item_served_twice_is_stored_once(connection, platform, account):
    platform.enquiry("e1", NOW - timedelta(hours=2))
    sync(connection, platform)
    SyncCursor.objects.filter(connection=connection).delete()  # the platform starts again from the beginning

    report = sync(connection, platform, now=NOW + timedelta(minutes=5))

    assert report.enquiries_created == 0
    assert Enquiry.objects.filter(account=account).count() == 1


# --- Rate limits and failures ---------------------------------------------------------------------------
def test_a_rate_limit_postpones_the_next_sync_without_counting_as_a_failure(connection, platform):
    platform.failures[1] = RateLimited(retry_after=600)

    report = sync(connection, platform)

    assert report.outcome == "rate_limited"
    connection.refresh_from_db()
    assert connection.next_sync_after == NOW + timedelta(seconds=600)
    assert connection.failing_since is None and connection.status == ConnectionStatus.CONNECTED
    assert not Connection.objects.due(now=NOW + timedelta(minutes=5)).filter(pk=connection.pk).exists()
    assert Connection.objects.due(now=NOW + timedelta(minutes=10)).filter(pk=connection.pk).exists()
    assert sync(connection, platform, now=NOW + timedelta(minutes=5)).outcome == "busy"


def test_rejected_credentials_mark_the_connection_broken_and_stop_its_syncs(connection, platform):
    platform.failures[1] = CredentialsRejected("The app password was revoked")

    report = sync(connection, platform)

    assert report.outcome == "broken"
    connection.refresh_from_db()
    assert connection.status == ConnectionStatus.BROKEN
    assert connection.last_error == "The app password was revoked"
    assert connection.failing_since == NOW
    assert not Connection.objects.due(now=NOW + timedelta(hours=2)).exists()


def test_a_connection_failing_for_an_hour_raises_one_flag_and_a_success_clears_it(connection, platform):
    for run in range(1, 16):  # every 5 minutes for 75 minutes
        platform.failures[platform.fetches + 1] = PlatformUnavailable("The platform answered 503")
        sync(connection, platform, now=NOW + timedelta(minutes=5 * (run - 1)))
        if run <= 12:  # up to an hour of failures: no flag yet
            assert failing_flags() == [], run

    assert len(failing_flags()) == 1
    flag = failing_flags()[0]
    assert flag.account_id == connection.account_id
    connection.refresh_from_db()
    assert connection.failing_since == NOW and connection.last_error == "The platform answered 503"

    sync(connection, platform, now=NOW + timedelta(minutes=80))

    assert failing_flags() == []
    flag.refresh_from_db()
    assert flag.resolved_at == NOW + timedelta(minutes=80)
    connection.refresh_from_db()
    assert connection.failing_since is None and connection.last_error == ""


def test_the_scheduled_check_raises_the_flag_for_a_broken_connection_nobody_syncs(connection, platform):
    from councilsocial.flags.registry import run_check

    platform.failures[1] = CredentialsRejected("Token expired")
    sync(connection, platform)

    assert run_check("connection_failing", now=NOW + timedelta(minutes=30)).changes.raised == []
    assert len(run_check("connection_failing", now=NOW + timedelta(minutes=61)).changes.raised) == 1
    assert run_check("connection_failing", now=NOW + timedelta(minutes=66)).changes.raised == []
    assert len(failing_flags()) == 1


def test_refreshed_oauth_credentials_are_stored_encrypted(connection, platform):
    from monitoring.connections import connection_credentials

    platform.refreshed = Credentials(
        account_ref=connection.account_ref, access_token="tok-NEW-abcdef", refresh_token="ref-NEW-123"
    )

    sync(connection, platform)

    connection.refresh_from_db()
    assert "tok-NEW-abcdef" not in connection.secrets
    assert connection_credentials(connection).access_token == "tok-NEW-abcdef"
    assert connection_credentials(connection).refresh_token == "ref-NEW-123"


def test_the_connector_gets_the_decrypted_credentials(connection, platform):
    sync(connection, platform)

    assert platform.credentials_seen[0].access_token == "tok-ACCESS-1234567890"
    assert platform.credentials_seen[0].account_ref == connection.account_ref


# --- Replies seen on the platform, edits and deletions ----------------------------------------------------
def test_the_accounts_reply_on_the_platform_answers_the_enquiry_once(connection, platform, account):
    platform.enquiry("e1", NOW - timedelta(hours=2))
    sync(connection, platform)
    platform.reply("r1", "e1", NOW - timedelta(hours=1), text="Open 8am to 4pm.")

    first = sync(connection, platform, now=NOW + timedelta(minutes=5))
    SyncCursor.objects.filter(connection=connection).delete()  # the reply is served again
    second = sync(connection, platform, now=NOW + timedelta(minutes=10))

    enquiry = Enquiry.objects.get(account=account)
    assert enquiry.status == EnquiryStatus.ANSWERED
    assert enquiry.first_response_at == NOW - timedelta(hours=1)
    assert enquiry.met_deadline is True
    response = Response.objects.get(enquiry=enquiry)
    assert (response.kind, response.text, response.platform_id, response.recorded_by) == (
        "full",
        "Open 8am to 4pm.",
        "r1",
        None,
    )
    assert (first.responses, second.responses) == (1, 0)


def test_an_enquiry_and_its_reply_in_the_same_page_are_both_taken(connection, platform, account):
    platform.enquiry("e1", NOW - timedelta(hours=2))
    platform.reply("r1", "e1", NOW - timedelta(hours=1))

    sync(connection, platform)

    assert Enquiry.objects.get(account=account).status == EnquiryStatus.ANSWERED


def test_a_reply_to_something_that_is_not_an_enquiry_is_ignored(connection, platform, account):
    platform.reply("r1", "not-an-enquiry", NOW - timedelta(hours=1))

    report = sync(connection, platform)

    assert report.outcome == "synced" and report.responses == 0
    assert not Response.objects.exists()


def test_an_edited_enquiry_and_post_take_their_new_text(connection, platform, account):
    platform.enquiry("e1", NOW - timedelta(hours=2), text="Is the tip open?")
    platform.post("p1", NOW - timedelta(hours=3), text="Bins as normal")
    sync(connection, platform)
    platform.enquiry("e1", NOW - timedelta(hours=2), text="Is the tip open on Monday?", edited_at=NOW)
    platform.post("p1", NOW - timedelta(hours=3), text="Bins as normal this week", edited_at=NOW)

    report = sync(connection, platform, now=NOW + timedelta(minutes=5))

    enquiry = Enquiry.objects.get(account=account)
    assert (enquiry.text, enquiry.edited_at) == ("Is the tip open on Monday?", NOW)
    post = Post.objects.get(account=account)
    assert (post.text, post.edited_at) == ("Bins as normal this week", NOW)
    assert report.edited == 2
    assert Enquiry.objects.filter(account=account).count() == 1


def test_an_open_enquiry_deleted_before_its_deadline_closes_and_leaves_the_figures(
    connection, platform, account
):
    platform.enquiry("e1", NOW - timedelta(hours=1))
    sync(connection, platform)
    platform.enquiry("e1", NOW - timedelta(hours=1), deleted=True)

    sync(connection, platform, now=NOW + timedelta(minutes=5))

    enquiry = Enquiry.objects.get(account=account)
    assert enquiry.status == EnquiryStatus.NO_RESPONSE_NEEDED
    assert enquiry.no_response_reason == NoResponseReason.WITHDRAWN
    assert enquiry.deleted_at == NOW + timedelta(minutes=5)
    assert enquiry.met_deadline is None  # not judged: nothing was left to answer
    assert not Enquiry.objects.overdue(now=NOW + timedelta(days=5)).exists()


def test_an_enquiry_deleted_after_its_deadline_passed_stays_counted_as_late(connection, platform, account):
    received = NOW - timedelta(days=3)
    platform.enquiry("e1", received)
    sync(connection, platform)
    assert Enquiry.objects.get(account=account).is_overdue(NOW)
    platform.enquiry("e1", received, deleted=True)

    sync(connection, platform, now=NOW + timedelta(minutes=5))

    enquiry = Enquiry.objects.get(account=account)
    assert enquiry.status == EnquiryStatus.NO_RESPONSE_NEEDED
    assert enquiry.met_deadline is False


def test_an_answered_enquiry_deleted_later_keeps_its_answer(connection, platform, account):
    platform.enquiry("e1", NOW - timedelta(hours=2))
    platform.reply("r1", "e1", NOW - timedelta(hours=1))
    sync(connection, platform)
    platform.enquiry("e1", NOW - timedelta(hours=2), deleted=True)

    sync(connection, platform, now=NOW + timedelta(minutes=5))

    enquiry = Enquiry.objects.get(account=account)
    assert (enquiry.status, enquiry.met_deadline) == (EnquiryStatus.ANSWERED, True)
    assert enquiry.deleted_at == NOW + timedelta(minutes=5)


def test_a_deleted_post_is_kept_as_activity_and_marked(connection, platform, account):
    platform.post("p1", NOW - timedelta(hours=3))
    sync(connection, platform)
    platform.post("p1", NOW - timedelta(hours=3), deleted=True)

    sync(connection, platform, now=NOW + timedelta(minutes=5))

    assert Post.objects.get(account=account).deleted_at == NOW + timedelta(minutes=5)


def test_something_deleted_before_it_was_ever_seen_is_not_stored(connection, platform, account):
    platform.enquiry("e1", NOW - timedelta(hours=1), deleted=True)

    sync(connection, platform)

    assert not Enquiry.objects.filter(account=account).exists()


# --- Interrupted, claimed, isolated -----------------------------------------------------------------------
def test_an_interrupted_sync_resumes_from_its_cursor_without_losing_or_doubling(
    connection, platform, account
):
    for n in range(5):
        platform.enquiry(f"e{n}", NOW - timedelta(hours=5 - n))
    # Enquiries come first in each run: the first run's first page fails; the second run stores its
    # first page (fetch 2), then its second page fails (fetch 3).
    platform.failures[1] = PlatformUnavailable("Connection reset")
    platform.failures[3] = PlatformUnavailable("Connection reset")

    sync(connection, platform)
    assert Enquiry.objects.filter(account=account).count() == 0
    sync(connection, platform, now=NOW + timedelta(minutes=5))
    assert Enquiry.objects.filter(account=account).count() == 2
    assert SyncCursor.objects.get(connection=connection, stream="enquiries").cursor == "2"

    sync(connection, platform, now=NOW + timedelta(minutes=10))

    assert sorted(Enquiry.objects.filter(account=account).values_list("platform_id", flat=True)) == [
        f"e{n}" for n in range(5)
    ]


def test_a_fault_in_the_middle_of_storing_a_page_stores_neither_the_page_nor_its_cursor(
    connection, platform, account, monkeypatch
):
    from monitoring import sync as sync_module

    platform.enquiry("e1", NOW - timedelta(hours=2))
    platform.enquiry("e2", NOW - timedelta(hours=1))
    real = sync_module._apply_replies

    def crash(*args, **kwargs):
        real(*args, **kwargs)
        raise RuntimeError("the worker was killed")

    monkeypatch.setattr(sync_module, "_apply_replies", crash)
    with pytest.raises(RuntimeError):
        sync(connection, platform)

    assert not Enquiry.objects.filter(account=account).exists()
    assert not SyncCursor.objects.filter(connection=connection, stream="enquiries").exists()
    connection.refresh_from_db()
    assert connection.failing_since == NOW and "unexpected error" in connection.last_error
    assert connection.claimed_until is None

    monkeypatch.setattr(sync_module, "_apply_replies", real)
    sync(connection, platform, now=NOW + timedelta(minutes=5))
    assert Enquiry.objects.filter(account=account).count() == 2


def test_a_connection_another_worker_holds_is_left_alone(connection, platform, account):
    Connection.objects.filter(pk=connection.pk).update(claimed_until=NOW + timedelta(minutes=10))
    platform.enquiry("e1", NOW - timedelta(hours=2))

    report = sync(connection, platform)

    assert report.outcome == "busy" and platform.fetches == 0
    assert not Enquiry.objects.exists()


def test_a_claim_left_by_a_crashed_worker_lapses(connection, platform):
    Connection.objects.filter(pk=connection.pk).update(claimed_until=NOW - timedelta(seconds=1))

    assert sync(connection, platform).outcome == "synced"


def test_one_failing_account_does_not_stop_the_others(service, platform):
    accounts = [AccountFactory(service=service) for _ in range(3)]
    connections = [connect(a, now=NOW - timedelta(days=1)) for a in accounts]
    platform.enquiry("e1", NOW - timedelta(hours=2))
    platform.failures[1] = RuntimeError("a bug in one connector")

    reports = connections_sync_due(now=NOW, connector_factory=platform.connector)

    assert [r.outcome for r in reports] == ["failed", "synced", "synced"]
    assert Enquiry.objects.filter(account__in=accounts[1:]).count() == 2
    connections[0].refresh_from_db()
    assert connections[0].failing_since == NOW


def test_a_slow_account_stops_at_its_time_budget(connection, platform, account, settings):
    settings.CONNECTION_SYNC_BUDGET_SECONDS = 30
    for n in range(10):
        platform.enquiry(f"e{n}", NOW - timedelta(hours=10 - n))
    ticks = iter(range(0, 1000, 20))  # each look at the clock: 20 seconds later

    report = sync(connection, platform, clock=lambda: next(ticks))

    assert 0 < Enquiry.objects.filter(account=account).count() < 10
    assert report.backlog >= 1


def test_a_run_starts_no_new_account_after_its_cycle_time(service, platform, settings):
    settings.CONNECTION_SYNC_CYCLE_SECONDS = 100
    for _ in range(3):
        connect(AccountFactory(service=service), now=NOW - timedelta(days=1))
    ticks = iter(range(0, 10000, 30))

    reports = connections_sync_due(now=NOW, connector_factory=platform.connector, clock=lambda: next(ticks))

    assert 0 < len(reports) < 3


def test_the_accounts_left_over_go_first_next_run(service, platform):
    older, newer = (connect(AccountFactory(service=service), now=NOW) for _ in range(2))
    Connection.objects.filter(pk=older.pk).update(last_attempt_at=NOW - timedelta(hours=1))
    Connection.objects.filter(pk=newer.pk).update(last_attempt_at=None)

    reports = connections_sync_due(now=NOW, connector_factory=platform.connector)

    assert [r.connection_id for r in reports] == [newer.pk, older.pk]


def test_broken_connections_are_not_synced(connection, platform):
    Connection.objects.filter(pk=connection.pk).update(status=ConnectionStatus.BROKEN)

    assert connections_sync_due(now=NOW, connector_factory=platform.connector) == []


def test_purdah_and_an_emergency_never_stop_reading(connection, platform, account, comms):
    from operations.services import emergency_declare, purdah_create

    emergency_declare(
        by=comms,
        title="Flooding",
        reason="Flooding",
        holding_message="Please wait.",
        named_officers=[comms],
        now=NOW,
    )
    purdah_create(
        by=comms,
        name="Borough elections",
        elections="Borough council",
        instructions="No new campaigns.",
        starts_on=(NOW - timedelta(days=10)).date(),
        ends_on=(NOW + timedelta(days=10)).date(),
        now=NOW,
    )
    platform.enquiry("e1", NOW - timedelta(hours=2))

    assert sync(connection, platform).outcome == "synced"
    assert Enquiry.objects.filter(account=account).count() == 1


def test_enquiries_of_an_existing_record_keep_their_first_deadline(connection, platform, account):
    existing = EnquiryFactory(account=account, platform_id="e1", received_at=NOW - timedelta(hours=2))
    platform.enquiry("e1", NOW - timedelta(hours=2))

    sync(connection, platform)

    assert Enquiry.objects.get(account=account).response_due_at == existing.response_due_at


def test_a_failing_connection_is_emailed_about_once_however_many_runs_fail(
    connection, platform, comms, manager
):
    from councilsocial.flags.registry import governance_check_run
    from councilsocial.notifications.models import Notification

    for run in range(24):  # two hours of failing runs, each followed by the check and its digest
        at = NOW + timedelta(minutes=5 * run)
        platform.failures[platform.fetches + 1] = PlatformUnavailable("The platform answered 503")
        sync(connection, platform, now=at)
        governance_check_run(name="connection_failing", now=at)

    assert len(failing_flags()) == 1
    emails = Notification.objects.filter(subject__contains="governance flag")
    assert sorted(emails.values_list("to", flat=True)) == sorted([comms.email, manager.email])


def test_a_sign_in_that_cannot_be_decrypted_marks_the_connection_broken(connection, platform, settings):
    from cryptography.fernet import Fernet

    settings.CONNECTION_KEYS = [Fernet.generate_key().decode()]  # the old key removed too soon

    report = sync(connection, platform)

    assert report.outcome == "broken"
    connection.refresh_from_db()
    assert connection.status == ConnectionStatus.BROKEN and "reconnect" in connection.last_error


def test_a_page_that_does_not_move_its_cursor_on_is_not_fetched_again_and_again(
    connection, platform, monkeypatch
):
    from monitoring.connectors.base import Batch

    platform.post("p1", NOW - timedelta(hours=1))
    monkeypatch.setattr(
        platform, "_page", lambda items, cursor: Batch(items=list(items), cursor=None, more=True)
    )

    report = sync(connection, platform)

    assert report.outcome == "synced" and report.pages == 2 and report.backlog == 2
    assert Post.objects.count() == 1


# --- Quiet runs ---------------------------------------------------------------------------------------
def test_a_quiet_sync_stores_nothing_but_its_success(connection, platform, account):
    platform.enquiry("e1", NOW - timedelta(hours=2))
    platform.post("p1", NOW - timedelta(hours=1))
    sync(connection, platform)
    later = NOW + timedelta(minutes=5)

    report = sync(connection, platform, now=later)

    assert report.outcome == "synced" and report.pages == 2
    assert set(SyncCursor.objects.filter(connection=connection).values_list("updated_at", flat=True)) == {NOW}
    connection.refresh_from_db()
    assert connection.last_success_at == later and connection.claimed_until is None


def test_a_page_with_no_items_that_moves_the_cursor_on_is_stored(connection, platform, monkeypatch):
    from monitoring.connectors.base import Batch

    platform.post("p1", NOW - timedelta(hours=1))
    sync(connection, platform)
    later = NOW + timedelta(minutes=5)
    monkeypatch.setattr(platform, "_page", lambda items, cursor: Batch(items=[], cursor="7", more=False))

    sync(connection, platform, now=later)

    stored = SyncCursor.objects.get(connection=connection, stream="posts")
    assert (stored.cursor, stored.updated_at) == ("7", later)
