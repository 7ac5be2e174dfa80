"""Connected accounts in Chromium (issue 14 items 4–6): Communications connects a Bluesky account
with an app password through the pages and sees it connected; an officer answers an enquiry on the
platform from the inbox; Communications disconnects it, after confirming. axe-core is clean on every
page. Bluesky itself is played by a scripted fake platform registered for ``bluesky`` (a stand-in for
the platform only: our database, pages and services are the real ones)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts_register.platforms import Platform
from monitoring.connectors import registry
from monitoring.demo_connections import seed_demo_connections
from monitoring.models import Connection, Enquiry, EnquiryStatus
from monitoring.sync import connection_sync
from tests.browser.conftest import describe, sign_in_page
from tests.factories import AccountFactory
from tests.monitoring.connector_fakes import FakePlatform

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct horse battery staple"
APP_PASSWORD = "abcd-2345-efgh-6789"
HANDLE = "cannockchasedc.bsky.social"


@pytest.fixture
def bluesky_platform(monkeypatch):
    fake = FakePlatform(page_size=10)
    monkeypatch.setitem(registry.CONNECTORS, "bluesky", fake.connector)
    return fake


@pytest.fixture
def account(service):
    return AccountFactory(
        service=service,
        platform=Platform.BLUESKY,
        display_name="Cannock Chase Countryside",
        handle=HANDLE,
        url=f"https://bsky.app/profile/{HANDLE}",
    )


def sign_in(page, live_server, username):
    page.context.clear_cookies()
    sign_in_page(page, live_server.url, username, PASSWORD)


def assert_accessible(axe, name):
    violations = axe()
    assert violations == [], f"{name}:\n{describe(violations)}"


def test_communications_connects_an_officer_replies_on_the_platform_and_communications_disconnects(
    live_server, page, axe, screenshot, comms, officer, account, bluesky_platform
):
    account_page = f"{live_server.url}{reverse('account-detail', args=[account.pk])}"

    # Communications connects the account with an app password.
    sign_in(page, live_server, "comms")
    page.goto(account_page)
    panel = page.locator("main")
    assert "Not connected" in panel.inner_text()
    page.get_by_role("link", name="Connect", exact=True).click()
    assert page.get_by_role("heading", level=1).inner_text() == "Connect the account to Bluesky"
    assert_accessible(axe, "connect form")
    screenshot("connections-connect-bluesky")

    page.get_by_label("Handle").fill(HANDLE)
    page.get_by_label("App password").fill("my-own-password")  # an account's own password: refused
    page.get_by_role("button", name="Connect the account").click()
    assert "That is not an app password" in page.locator(".govuk-error-summary").inner_text()
    assert not Connection.objects.exists()
    assert_accessible(axe, "connect form with an error")

    page.get_by_label("App password").fill(APP_PASSWORD)
    page.get_by_role("button", name="Connect the account").click()
    page.wait_for_url(account_page)
    main = page.locator("main").inner_text()
    assert f"{HANDLE} is connected" in main
    assert "Connected" in main and "Last successful sync" in main
    assert APP_PASSWORD not in page.content()
    connection = Connection.objects.get(account=account)
    assert connection.handle == HANDLE and connection.connected_by == comms
    assert_accessible(axe, "account page, connected")
    screenshot("connections-account-connected")

    # A resident asks on Bluesky; the next sync brings it in.
    now = timezone.now()
    bluesky_platform.enquiry(
        "at://did:plc:resident/app.bsky.feed.post/1",
        now - timedelta(minutes=10),
        text="Is the Birches Valley car park open on Sunday?",
        author="hiker-jo.bsky.social",
        url="https://bsky.app/profile/hiker-jo.bsky.social/post/1",
    )
    assert connection_sync(connection_id=connection.pk, now=now).outcome == "synced"
    enquiry = Enquiry.objects.get(account=account)

    # The officer answers it on the platform from the inbox.
    sign_in(page, live_server, "officer")
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Inbox").click()
    assert "Birches Valley car park" in page.locator("main").inner_text()
    page.get_by_role("link", name="Record a response to hiker-jo.bsky.social").click()
    page.get_by_role("link", name="Reply on Bluesky").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Reply on Bluesky"
    assert_accessible(axe, "reply page")
    screenshot("connections-reply")

    page.get_by_role("button", name="Send the reply").click()  # empty: a form error, nothing sent
    assert "Enter your reply" in page.locator(".govuk-error-summary").inner_text()
    assert bluesky_platform.published == []
    assert_accessible(axe, "reply page with an error")

    page.get_by_label("Your reply").fill("Yes, 8am to 6pm on Sunday.")
    page.get_by_role("button", name="Send the reply").dblclick()  # an impatient double click
    page.wait_for_url(f"{live_server.url}{reverse('inbox')}")
    assert "Your reply to hiker-jo.bsky.social was sent and recorded" in page.locator("main").inner_text()
    assert [r.text for r in bluesky_platform.published] == ["Yes, 8am to 6pm on Sunday."]
    enquiry.refresh_from_db()
    assert enquiry.status != EnquiryStatus.OPEN and enquiry.first_response_at is not None
    assert_accessible(axe, "inbox after the reply")

    # Communications disconnects it, after confirming.
    sign_in(page, live_server, "comms")
    page.goto(account_page)
    page.get_by_role("link", name="Disconnect").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Disconnect the account?"
    assert Connection.objects.filter(account=account).exists()  # nothing yet: it asks first
    assert_accessible(axe, "disconnect confirmation")
    screenshot("connections-disconnect")
    page.get_by_role("button", name="Disconnect the account").click()
    page.wait_for_url(account_page)
    assert f"{HANDLE} is disconnected" in page.locator("main").inner_text()
    assert not Connection.objects.filter(account=account).exists()
    assert_accessible(axe, "account page, disconnected")


def test_an_account_connected_to_the_demo_platform_after_a_sync(
    live_server, page, axe, screenshot, comms, officer, service
):
    """The demo council under ``make run``: an account on the demonstration platform, synced once,
    seen by Communications (with Disconnect) and by an officer (without)."""
    account = AccountFactory(
        service=service, display_name="Cannock Chase Countryside", handle="CCCountryside"
    )
    now = timezone.now()
    assert seed_demo_connections(by=comms, now=now, accounts=1) == 1
    connection = Connection.objects.get(account=account)
    assert connection_sync(connection_id=connection.pk, now=now).outcome == "synced"
    account_page = f"{live_server.url}{reverse('account-detail', args=[account.pk])}"

    sign_in(page, live_server, "comms")
    page.goto(account_page)
    main = page.locator("main").inner_text()
    assert "Connection to" in main and "Not known until the first sync" not in main
    assert page.get_by_role("link", name="Disconnect").count() == 1
    assert_accessible(axe, "account page, demo connection")
    screenshot("connections-account-demo")

    sign_in(page, live_server, "officer")
    page.goto(account_page)
    assert page.get_by_role("link", name="Disconnect").count() == 0
    assert_accessible(axe, "account page, demo connection, as an officer")
