"""The content checker as people use it (issue 15): the decided-campaigns list Communications keeps
(004 Don't 2), the emergency told first (003 D9.1), the account's posts today (004 Part C) and the
image and video choice with its alt text (GCS guidance)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.utils import timezone
from rest_framework.test import APIClient

from monitoring.models import PostKind
from operations import services as ops
from operations.models import DecidedCampaign
from tests.factories import PostFactory

pytestmark = pytest.mark.django_db

PETITION = "Please sign the Save Cannock Chase Hospital petition. Details at cannockhospital.org"


def check(client, **data):
    """Submit the checker's form and return the finding codes shown, in order."""
    page = client.post("/check-a-post/", {"text": PETITION, **data}).content.decode()
    return [part.split('"', 1)[0] for part in page.split('data-code="')[1:]], page


# --- Decided campaigns (004 Don't 2) --------------------------------------------------------------
def add_campaign_form(name="Save Cannock Chase Hospital"):
    return {
        "name": name,
        "decided_by": "council",
        "decided_on_0": "14",
        "decided_on_1": "1",
        "decided_on_2": "2026",
        "minute_reference": "C/2026/41",
    }


def test_communications_adds_a_decided_campaign_on_its_page(client, comms):
    client.force_login(comms)
    response = client.post("/operations/decided-campaigns/", add_campaign_form())
    assert response.status_code == 302
    campaign = DecidedCampaign.objects.get()
    assert (campaign.name, campaign.decided_by, campaign.minute_reference, campaign.added_by) == (
        "Save Cannock Chase Hospital",
        "council",
        "C/2026/41",
        comms,
    )
    assert "Save Cannock Chase Hospital" in client.get("/operations/decided-campaigns/").content.decode()


def test_a_decided_campaign_is_no_longer_flagged_by_the_checker(client, comms, officer, service):
    client.force_login(officer)
    assert "campaign_or_petition" in check(client)[0]
    ops.decided_campaign_add(
        by=comms, name="Save Cannock Chase Hospital", decided_by="cabinet", decided_on=timezone.localdate()
    )
    assert "campaign_or_petition" not in check(client)[0]


def test_the_same_campaign_cannot_be_added_twice(client, comms):
    client.force_login(comms)
    client.post("/operations/decided-campaigns/", add_campaign_form())
    page = client.post("/operations/decided-campaigns/", add_campaign_form("save cannock chase hospital"))
    assert "already on the list" in page.content.decode()
    assert DecidedCampaign.objects.count() == 1


def test_a_campaign_without_a_name_or_decision_gets_clear_errors(client, comms):
    client.force_login(comms)
    page = client.post("/operations/decided-campaigns/", {}).content.decode()
    assert "Enter the name of the campaign or petition" in page
    assert "Choose whether Cabinet or Full Council decided" in page
    assert not DecidedCampaign.objects.exists()


def test_communications_removes_a_decided_campaign(client, comms):
    campaign = ops.decided_campaign_add(
        by=comms, name="White Ribbon", decided_by="council", decided_on=timezone.localdate()
    )
    client.force_login(comms)
    client.post(f"/operations/decided-campaigns/{campaign.pk}/remove/")
    assert not DecidedCampaign.objects.exists()


@pytest.mark.parametrize("persona", ["officer", "manager", "director", "outsider"])
def test_only_communications_keeps_the_decided_campaigns(client, request, persona):
    client.force_login(request.getfixturevalue(persona))
    assert client.get("/operations/decided-campaigns/").status_code == 403
    assert client.post("/operations/decided-campaigns/", add_campaign_form()).status_code == 403
    assert not DecidedCampaign.objects.exists()
    with pytest.raises(PermissionDenied):
        ops.decided_campaign_add(
            by=request.getfixturevalue(persona),
            name="x",
            decided_by="council",
            decided_on=timezone.localdate(),
        )


def test_decided_campaigns_are_in_the_admin():
    assert admin.site.is_registered(DecidedCampaign)


# --- Emergency (003 D9.1) ----------------------------------------------------------------------------
def declare_emergency(comms):
    return ops.emergency_declare(
        by=comms,
        title="Flooding in Rugeley",
        reason="Major incident declared by the county.",
        holding_message="We are responding to flooding.",
        named_officers=[comms],
        now=timezone.now(),
    )


def test_during_an_emergency_an_officer_is_told_first_not_to_post(client, comms, officer, service):
    declare_emergency(comms)
    client.force_login(officer)
    codes, page = check(client)
    assert codes[0] == "emergency"
    assert "do not post this" in page and "Policy 003 D9.1" in page


def test_during_an_emergency_a_named_communications_officer_may_post(client, comms, comms_colleague):
    declare_emergency(comms)
    client.force_login(comms)
    assert "emergency" not in check(client)[0]
    client.force_login(comms_colleague)  # Communications, but not named in the declaration
    assert check(client)[0][0] == "emergency"


def test_no_emergency_advice_when_none_is_in_force(client, officer, service):
    client.force_login(officer)
    assert "emergency" not in check(client)[0]


# --- Posts today (004 Part C; 003 D5.2) -----------------------------------------------------------
MIDDAY = time_machine.travel(datetime(2026, 6, 10, 11, 0, tzinfo=UTC), tick=False)


@MIDDAY
def test_the_page_shows_the_accounts_posts_today_and_warns_over_its_guideline(client, officer, account):
    now = timezone.now()
    PostFactory(account=account, posted_at=now - timedelta(minutes=5))
    PostFactory(account=account, posted_at=now - timedelta(days=2))  # not today
    PostFactory(account=account, posted_at=now - timedelta(minutes=1), kind=PostKind.REPLY)  # not a post
    client.force_login(officer)
    codes, page = check(client, account=account.pk)
    assert "has made <strong>1 post</strong> today" in page
    assert "The guideline for X (Twitter) is 1 a day" in page
    assert "posting_today" in codes


@MIDDAY
def test_an_account_that_has_not_posted_today_is_not_warned(client, officer, account):
    PostFactory(account=account, posted_at=timezone.now() - timedelta(days=1, hours=1))
    client.force_login(officer)
    codes, page = check(client, account=account.pk)
    assert "has made <strong>0 posts</strong> today" in page
    assert "posting_today" not in codes


def test_no_posts_today_line_without_an_account(client, officer, service):
    client.force_login(officer)
    assert 'id="posts-today"' not in check(client, platform="x")[1]


@MIDDAY
def test_the_api_returns_the_accounts_posts_today(officer, account):
    PostFactory(account=account, posted_at=timezone.now() - timedelta(minutes=5))
    api = APIClient()
    api.force_authenticate(officer)
    body = api.post("/api/content-check/", {"text": PETITION, "account": account.pk}, format="json").json()
    assert body["posts_today"] == 1
    assert "posting_today" in [f["code"] for f in body["findings"]]


# --- Image and video (GCS guidance) ---------------------------------------------------------------
@pytest.mark.parametrize(
    ("data", "expected", "absent"),
    [
        ({"media": "image"}, "image_without_alt_text", "video_without_captions"),
        ({"media": "image", "alt_text": "A ranger planting an oak"}, None, "image_without_alt_text"),
        ({"media": "video"}, "video_without_captions", "image_without_alt_text"),
        ({"media": "video", "has_captions": "on"}, None, "video_without_captions"),
        ({"media": ""}, None, "image_without_alt_text"),
    ],
)
def test_the_form_asks_for_alt_text_and_captions(client, officer, service, data, expected, absent):
    client.force_login(officer)
    codes, page = check(client, **data)
    if expected:
        assert expected in codes
    assert absent not in codes
    if expected:
        assert "Guidance: GCS, Planning, creating and publishing accessible social media campaigns" in page


def test_the_api_asks_for_alt_text(officer):
    api = APIClient()
    api.force_authenticate(officer)
    body = api.post("/api/content-check/", {"text": "Our new park", "has_image": True}, format="json").json()
    assert "image_without_alt_text" in [f["code"] for f in body["findings"]]


def test_hostile_input_in_every_field_is_a_clear_error_not_a_crash(client, officer, service):
    client.force_login(officer)
    response = client.post(
        "/check-a-post/",
        {
            "text": "x" * 10001,
            "media": "<script>",
            "alt_text": "a" * 1001,
            "account": "'; drop",
            "platform": "z",
        },
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "The draft must be 10,000 characters or fewer" in page
    assert "The alt text must be 1,000 characters or fewer" in page
