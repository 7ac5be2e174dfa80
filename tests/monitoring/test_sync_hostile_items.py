"""What a platform sends is not trusted to fit the register (issue 14 items 1 and 6): one resident
with a very long handle, a link that is not a web address or an id too long to keep must not stop
every later sync of the council's account (the cursor would never move past it)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from monitoring.models import Connection, Enquiry, Post
from monitoring.sync import connection_sync
from tests.factories import AccountFactory

from .connector_fakes import FakePlatform
from .sync_helpers import connect

NOW = datetime(2025, 1, 15, 11, 0, tzinfo=UTC)  # Wednesday 11:00
LONG_HANDLE = ".".join(["a" * 60] * 4) + ".social"  # 250 characters: a valid AT Protocol handle

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
    return FakePlatform(page_size=10)


def sync(connection, platform):
    return connection_sync(connection_id=connection.pk, connector_factory=platform.connector, now=NOW)


def test_an_enquiry_from_a_very_long_handle_is_kept_and_the_sync_goes_on(connection, platform):
    platform.enquiry("e1", NOW - timedelta(minutes=30), author=LONG_HANDLE)
    platform.enquiry("e2", NOW - timedelta(minutes=20))

    report = sync(connection, platform)

    assert report.outcome == "synced"
    first = Enquiry.objects.get(platform_id="e1")
    assert first.author == LONG_HANDLE[:199] + "…"
    assert Enquiry.objects.filter(platform_id="e2").exists()
    assert Connection.objects.get(pk=connection.pk).last_error == ""


@pytest.mark.parametrize(
    "url", ["javascript:alert(document.domain)", "data:text/html,hi", "https://x.com/" + "a" * 600]
)
def test_a_link_that_is_not_a_web_address_that_fits_is_left_out(connection, platform, url):
    platform.enquiry("e1", NOW - timedelta(minutes=30), url=url)
    platform.post("p1", NOW - timedelta(minutes=30), url=url)

    report = sync(connection, platform)

    assert report.outcome == "synced"
    assert Enquiry.objects.get(platform_id="e1").url == ""
    assert Post.objects.get(platform_id="p1").url == ""


def test_an_item_whose_id_is_too_long_to_keep_is_passed_over_and_the_rest_arrive(connection, platform):
    long_id = "at://did:web:" + "a" * 250 + "/app.bsky.feed.post/3kabc"
    platform.enquiry(long_id, NOW - timedelta(minutes=30))
    platform.enquiry("e2", NOW - timedelta(minutes=20), conversation_id="c" * 300)
    platform.post(long_id, NOW - timedelta(minutes=30))
    platform.post("p2", NOW - timedelta(minutes=20))

    report = sync(connection, platform)

    assert report.outcome == "synced"
    assert list(Enquiry.objects.values_list("platform_id", flat=True)) == ["e2"]
    assert Enquiry.objects.get().conversation_id == ""
    assert list(Post.objects.values_list("platform_id", flat=True)) == ["p2"]
