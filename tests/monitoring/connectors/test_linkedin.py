"""The LinkedIn Pages connector against recorded Community Management API answers
(tests/fixtures/linkedin/)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, urlsplit

import pytest

from monitoring.connectors import linkedin
from monitoring.connectors.base import (
    ConnectorError,
    Credentials,
    CredentialsRejected,
    FetchedEnquiry,
    FetchedReply,
    ItemKind,
    RateLimited,
)
from monitoring.connectors.http import PageCursor, decode_cursor, encode_cursor

from .cassettes import play, sent_form, sent_query

ORG = "urn:li:organization:2414183"
NOW = datetime(2025, 1, 20, 12, 0, tzinfo=UTC)
CREDENTIALS = Credentials(
    account_ref=ORG,
    handle="cannock-chase-council",
    access_token="AQV-access-token",
    refresh_token="AQW-refresh-token",
)
P1, P2, P3 = (f"urn:li:share:728400000000000{n}" for n in (1, 2, 3))
ACTIVITY = "urn:li:activity:7284000000000000101"
C1, C2, C3, C4 = (f"urn:li:comment:({ACTIVITY},728410000000000000{n})" for n in (1, 2, 3, 4))


def connector() -> linkedin.LinkedInConnector:
    oauth = linkedin.LinkedInOAuthClient(client_id="li-client", client_secret="li-secret", now=lambda: NOW)
    return linkedin.LinkedInConnector(CREDENTIALS, oauth=oauth)


def test_first_sync_brings_the_organisations_posts_with_the_versioned_headers():
    with play("linkedin", "posts_first_sync") as recording:
        batch = connector().fetch_posts(None)

    assert [(p.platform_id, p.kind) for p in batch.items] == [(P1, ItemKind.ORIGINAL), (P2, ItemKind.SHARE)]
    first = batch.items[0]
    assert first.text == "Our draft Local Plan consultation is open until 28 February."
    assert first.posted_at == datetime(2025, 1, 14, 10, 30, tzinfo=UTC)
    assert first.url == f"https://www.linkedin.com/feed/update/{P1}/"
    assert first.edited_at is None
    headers = recording.calls[0].request.headers
    assert headers["LinkedIn-Version"] == linkedin.LINKEDIN_VERSION
    assert headers["X-Restli-Protocol-Version"] == "2.0.0"
    assert headers["Authorization"] == "Bearer AQV-access-token"
    assert decode_cursor(batch.cursor)["posts"]["since"] == "1736928000250"


def test_incremental_sync_stops_at_the_newest_change_already_seen():
    cursor = encode_cursor({"posts": PageCursor(since="1736928000250")})
    with play("linkedin", "posts_incremental"):
        batch = connector().fetch_posts(cursor)

    assert [p.platform_id for p in batch.items] == [P3]
    assert batch.more is False  # the next page holds only older posts: not asked for


def test_an_edited_post_comes_again_with_the_time_of_the_edit():
    cursor = encode_cursor({"posts": PageCursor(since="1736928000250")})
    with play("linkedin", "posts_edited"):
        [post] = connector().fetch_posts(cursor).items

    assert post.platform_id == P1
    assert post.text == "Our draft Local Plan consultation is open until 14 March."
    assert post.edited_at == datetime(2025, 1, 16, 11, 0, tzinfo=UTC)


def test_two_pages_in_one_call_and_a_resumable_cursor_at_the_page_limit(monkeypatch):
    with play("linkedin", "posts_two_pages") as recording:
        whole = connector().fetch_posts(None)
    monkeypatch.setattr(linkedin, "PAGE_LIMIT", 1)
    with play("linkedin", "posts_two_pages"):
        first = connector().fetch_posts(None)
        second = connector().fetch_posts(first.cursor)

    assert [p.platform_id for p in whole.items] == [P1, P2]
    assert sent_query(recording.calls[1])["start"] == "1"
    assert (first.more, second.more) == (True, False)
    assert [p.platform_id for p in first.items + second.items] == [P2, P1]


def test_a_429_waits_retry_after():
    with play("linkedin", "rate_limited"), pytest.raises(RateLimited) as raised:
        connector().fetch_posts(None)

    assert raised.value.retry_after == 120


def test_a_429_without_retry_after_waits_until_the_daily_limit_resets_at_midnight_utc():
    with play("linkedin", "rate_limited_daily"), pytest.raises(RateLimited) as raised:
        connector().fetch_posts(None)

    assert raised.value.retry_after == timedelta(hours=12).total_seconds()


def test_an_expired_token_is_refreshed_once_and_the_sync_goes_on():
    with play("linkedin", "token_expired_refreshed") as recording:
        conn = connector()
        batch = conn.fetch_posts(None)

    assert len(batch.items) == 2
    form = sent_form(recording.calls[1])
    assert (form["grant_type"], form["refresh_token"], form["client_secret"]) == (
        "refresh_token",
        "AQW-refresh-token",
        "li-secret",
    )
    assert recording.calls[2].request.headers["Authorization"] == "Bearer AQV-renewed-access-token"
    renewed = conn.refreshed_credentials()
    assert (renewed.access_token, renewed.refresh_token) == (
        "AQV-renewed-access-token",
        "AQW-renewed-refresh-token",
    )
    assert renewed.expires_at == NOW + timedelta(days=60)


def test_an_expired_token_whose_refresh_is_refused_breaks_the_connection():
    with play("linkedin", "token_expired_refresh_refused"), pytest.raises(CredentialsRejected):
        connector().fetch_posts(None)


def test_first_enquiry_sync_brings_comments_replies_and_the_organisations_own_reply():
    with play("linkedin", "enquiries_first_sync"):
        batch = connector().fetch_enquiries(None)

    enquiries = [item for item in batch.items if isinstance(item, FetchedEnquiry)]
    replies = [item for item in batch.items if isinstance(item, FetchedReply)]
    assert [(e.platform_id, e.author, e.in_reply_to) for e in enquiries] == [
        (C1, "urn:li:person:JoBloggs01", ""),
        (C4, "urn:li:person:SamPatel02", C1),
        (C3, "urn:li:person:SamPatel02", ""),
    ]
    assert enquiries[0].conversation_id == P1
    assert [(r.platform_id, r.in_reply_to) for r in replies] == [(C2, C1)]
    assert decode_cursor(batch.cursor)["comments"]["since"] == "1736860800000"


def test_an_edited_comment_carries_the_time_of_the_edit():
    with play("linkedin", "enquiries_first_sync"):
        edited = next(item for item in connector().fetch_enquiries(None).items if item.platform_id == C3)

    assert edited.edited_at == datetime(2025, 1, 14, 13, 20, tzinfo=UTC)


def test_incremental_enquiry_sync_returns_only_comments_newer_than_the_watermark():
    cursor = encode_cursor({"comments": PageCursor(since="1736860800000")})
    with play("linkedin", "enquiries_incremental"):
        batch = connector().fetch_enquiries(cursor)

    assert [item.platform_id for item in batch.items] == [
        "urn:li:comment:(urn:li:activity:7284000000000000103,7284100000000000005)"
    ]


def test_a_post_deleted_before_its_comments_are_read_is_skipped():
    with play("linkedin", "enquiries_deleted_post"):
        batch = connector().fetch_enquiries(None)

    assert [item.platform_id for item in batch.items] == [C3]


def test_replying_to_a_deleted_comment_says_so_plainly():
    with play("linkedin", "reply_to_deleted_comment"), pytest.raises(ConnectorError) as raised:
        connector().publish_reply(
            in_reply_to=f"urn:li:comment:({ACTIVITY},7284100000000000099)",
            conversation_id=P1,
            text="Thank you",
        )

    assert str(raised.value) == "That comment is no longer on LinkedIn"


def test_publish_reply_answers_under_the_comment_as_the_organisation():
    with play("linkedin", "publish_reply") as recording:
        reply = connector().publish_reply(in_reply_to=C3, conversation_id=P1, text="Yes, on 3 February.")

    assert json.loads(recording.calls[0].request.body) == {
        "actor": ORG,
        "object": ACTIVITY,
        "message": {"text": "Yes, on 3 February."},
        "parentComment": C3,
    }
    assert (reply.platform_id, reply.in_reply_to) == (f"urn:li:comment:({ACTIVITY},7284100000000000010)", C3)
    assert reply.replied_at == NOW


def test_authorisation_url_asks_for_each_scope_with_state_and_an_s256_challenge(settings):
    settings.CONNECTOR_LINKEDIN_CLIENT_ID = "li-client-id"
    url = linkedin.LinkedInOAuthClient().authorisation_url(
        state="st4te",
        code_challenge="E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM",
        redirect_uri="https://x.test/cb",
    )

    query = parse_qs(urlsplit(url).query)
    assert url.startswith("https://www.linkedin.com/oauth/v2/authorization?")
    assert (query["state"], query["code_challenge_method"]) == (["st4te"], ["S256"])
    assert query["code_challenge"] == ["E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"]
    assert set(query["scope"][0].split(" ")) == {
        "r_organization_social",
        "w_organization_social",
        "rw_organization_admin",
    }


def test_exchange_code_finds_the_organisation_the_member_administers():
    oauth = linkedin.LinkedInOAuthClient(client_id="li-client", client_secret="li-secret", now=lambda: NOW)
    with play("linkedin", "exchange_code") as recording:
        credentials = oauth.exchange_code(
            code="AQT-c0de", code_verifier="v" * 43, redirect_uri="https://x.test/cb"
        )

    assert (credentials.account_ref, credentials.handle) == (ORG, "cannock-chase-council")
    assert (credentials.access_token, credentials.refresh_token) == ("AQV-access-token", "AQW-refresh-token")
    assert credentials.expires_at == NOW + timedelta(days=60)
    assert sent_form(recording.calls[0])["code"] == "AQT-c0de"
