"""The demonstration platform and the schedule (issue 14 item 7): under ``make run`` the demo
council's connected accounts receive new posts and enquiries while the demo runs."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from monitoring.connectors.base import Credentials, FetchedReply
from monitoring.connectors.demo import DemoConnector
from monitoring.demo_connections import seed_demo_connections
from monitoring.models import Connection, Enquiry, EnquiryStatus, NoResponseReason, Post
from monitoring.sync import connections_sync_due
from tests.factories import AccountFactory

NOW = datetime(2025, 1, 15, 11, 0, tzinfo=UTC)

pytestmark = pytest.mark.django_db


def replay(at):
    return DemoConnector(Credentials(account_ref="demo-ccdc", handle="ccdc"), clock=lambda: at)


def drain(connector, fetch):
    items, cursor, more = [], None, True
    while more:
        batch = fetch(connector)(cursor)
        items += batch.items
        cursor, more = batch.cursor, batch.more
    return items, cursor


def test_the_replay_is_the_same_for_the_same_time():
    first, _ = drain(replay(NOW), lambda c: c.fetch_enquiries)
    second, _ = drain(replay(NOW), lambda c: c.fetch_enquiries)

    assert first == second and first


def test_the_replay_brings_new_items_as_time_passes_and_resumes_from_its_cursor():
    earlier, cursor = drain(replay(NOW), lambda c: c.fetch_posts)
    later = replay(NOW + timedelta(hours=1)).fetch_posts(cursor)

    assert later.items, "new posts an hour later"
    assert {p.platform_id for p in earlier}.isdisjoint({p.platform_id for p in later.items})
    assert all(NOW < p.posted_at <= NOW + timedelta(hours=1) for p in later.items)
    assert replay(NOW + timedelta(hours=1)).fetch_posts(later.cursor).items == []


def test_a_first_sync_reads_only_the_last_two_hours():
    posts, _ = drain(replay(NOW), lambda c: c.fetch_posts)

    assert posts and min(p.posted_at for p in posts) >= NOW - timedelta(hours=2)


def test_the_demo_council_gets_connected_accounts_that_fill_up_while_it_runs(comms, service):
    accounts = [AccountFactory(service=service) for _ in range(3)]
    assert seed_demo_connections(by=comms, now=NOW) == 2
    assert seed_demo_connections(by=comms, now=NOW) == 0  # idempotent
    connected = list(Connection.objects.values_list("account_id", flat=True))
    assert connected == [a.pk for a in accounts[:2]]

    with time_machine.travel(NOW, tick=False):
        connections_sync_due(now=NOW)
    enquiries, posts = Enquiry.objects.count(), Post.objects.count()
    assert enquiries and posts
    with time_machine.travel(NOW + timedelta(minutes=30), tick=False):
        connections_sync_due(now=NOW + timedelta(minutes=30))

    assert Enquiry.objects.count() > enquiries and Post.objects.count() > posts
    replied = Enquiry.objects.filter(status=EnquiryStatus.ANSWERED, responses__recorded_by__isnull=True)
    assert replied.exists(), "the account answered one in the thread"
    withdrawn = Enquiry.objects.filter(no_response_reason=NoResponseReason.WITHDRAWN)
    assert withdrawn.exists() and all(e.deleted_at for e in withdrawn)
    assert Enquiry.objects.filter(text__endswith="Station Road, Rugeley?").exists()  # an edit


def test_a_reply_from_the_app_is_published_on_the_demo_platform():
    reply = replay(NOW).publish_reply(
        in_reply_to="demo-ccdc-e1-0", conversation_id="demo-ccdc-e1-0", text="Hi"
    )

    assert isinstance(reply, FetchedReply) and reply.replied_at == NOW and reply.text == "Hi"


# --- The schedule ---------------------------------------------------------------------------------
def test_the_sync_is_scheduled_every_five_minutes():
    from django_celery_beat.models import PeriodicTask

    job = PeriodicTask.objects.get(name="monitoring.sync_connections")

    assert job.task == "monitoring.sync_connections" and job.enabled
    assert (job.interval.every, job.interval.period) == (5, "minutes")
    check = PeriodicTask.objects.get(name="flags.check.connection_failing")
    assert (check.interval.every, check.interval.period) == (5, "minutes")


def test_the_in_process_scheduler_runs_the_sync(comms, service):
    from django_celery_beat.models import PeriodicTask

    from councilsocial.management.commands.run_scheduler import run_due_tasks

    AccountFactory(service=service)
    seed_demo_connections(by=comms, now=NOW)
    PeriodicTask.objects.exclude(name="monitoring.sync_connections").update(enabled=False)

    with time_machine.travel(NOW, tick=False):
        ran = run_due_tasks(now=NOW)

    assert ran == ["monitoring.sync_connections"]
    assert Enquiry.objects.exists()
    assert Connection.objects.get().last_success_at == NOW
