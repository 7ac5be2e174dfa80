"""The inbox in Chromium: a holding reply, then a full answer; and the dashboard, captured."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from councilsocial.flags.registry import run_all
from monitoring.models import Enquiry
from monitoring.services import enquiries_ingest, enquiry_record_response, posts_ingest
from tests.browser.conftest import sign_in_page
from tests.factories import AccountFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct horse battery staple"


def sign_in(page, live_server, username):
    sign_in_page(page, live_server.url, username, PASSWORD)


@pytest.fixture
def enquiries(service, other_service):
    now = timezone.now()
    ours = AccountFactory(service=service, display_name="Cannock Chase Countryside", platform="facebook")
    theirs = AccountFactory(service=other_service, display_name="Community Safety CCDC", kind="corporate")
    items = [
        {
            "account": ours.pk,
            "platform_id": "a",
            "received_at": now - timedelta(days=3),
            "author": "hiker_jo",
            "text": "Is the Birches Valley car park open?",
            "channel": "comment",
        },
        {
            "account": ours.pk,
            "platform_id": "b",
            "received_at": now - timedelta(minutes=20),
            "author": "dog_walker",
            "text": "Are dogs allowed on the heath trail?",
            "channel": "direct_message",
        },
        {
            "account": theirs.pk,
            "platform_id": "c",
            "received_at": now - timedelta(days=40),
            "author": "resident",
            "text": "Street light out on Church Street",
            "channel": "mention",
        },
    ]
    records = enquiries_ingest(items=items, now=now).records
    enquiry_record_response(enquiry=records[2], kind="full", responded_at=now - timedelta(days=38), now=now)
    posts_ingest(
        items=[{"account": ours.pk, "platform_id": "p1", "posted_at": now - timedelta(days=1)}], now=now
    )
    run_all(now=now)
    return records


def test_an_officer_records_a_holding_reply_then_a_full_answer(
    live_server, page, screenshot, officer, enquiries
):
    sign_in(page, live_server, "officer")
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Inbox").click()

    rows = page.locator("table.app-inbox tbody tr")
    assert rows.count() == 2
    assert "Overdue" in rows.nth(0).inner_text()  # the soonest deadline first
    assert "Street light" not in page.locator("main").inner_text()  # another service's
    screenshot("monitoring-inbox")

    page.get_by_role("link", name="Record a response to dog_walker").click()  # click 1
    page.get_by_role("button", name="A holding reply").click()  # click 2
    assert "Recorded: holding reply" in page.locator("main").inner_text()
    assert "Holding reply sent" in page.locator("table.app-inbox").inner_text()

    page.get_by_role("link", name="Record a response to dog_walker").click()
    page.get_by_role("button", name="A full answer").click()

    assert "Recorded: full answer" in page.locator("main").inner_text()
    assert page.locator("table.app-inbox tbody tr").count() == 1
    assert Enquiry.objects.get(platform_id="b").status == "answered"


def test_communications_sees_the_dashboard(live_server, page, screenshot, comms, enquiries):
    sign_in(page, live_server, "comms")
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Dashboard").click()

    main = page.locator("main")
    assert "Open governance flags" in main.inner_text()
    # Flags, response times by month, accounts, and the one corporate account's posting (issue 13).
    assert page.locator("figure.app-chart svg[role=img]").count() == 4
    screenshot("monitoring-dashboard")
