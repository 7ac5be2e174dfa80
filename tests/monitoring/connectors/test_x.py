"""The X connector (tweepy) against recorded X API v2 answers (tests/fixtures/x/)."""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
import time_machine

from monitoring.connectors import x
from monitoring.connectors.base import (
    ConnectorError,
    Credentials,
    CredentialsRejected,
    EnquiryChannel,
    FetchedEnquiry,
    FetchedReply,
    ItemKind,
    RateLimited,
)
from monitoring.connectors.http import PageCursor, decode_cursor, encode_cursor

from .cassettes import play, sent_form, sent_query

ME = "1470000000000000001"
NOW = datetime(2025, 1, 20, 12, 0, tzinfo=UTC)
CREDENTIALS = Credentials(
    account_ref=ME, handle="@CannockChaseDC", access_token="x-access-token", refresh_token="x-refresh-token"
)
T1, T2, T3 = "1879113729438646272", "1879438368568246272", "1879819630801846272"
M1, M2, M3, R1 = "1879121279185846272", "1879151478174646272", "1879830955422646272", "1879136378680246272"


def connector() -> x.XConnector:
    oauth = x.XOAuthClient(client_id="x-client", client_secret="x-secret", now=lambda: NOW)
    return x.XConnector(CREDENTIALS, oauth=oauth)


def test_first_sync_brings_the_accounts_posts_oldest_first_with_their_kind():
    with play("x", "posts_first_sync") as recording:
        batch = connector().fetch_posts(None)

    assert [(p.platform_id, p.kind) for p in batch.items] == [(T1, ItemKind.ORIGINAL), (T2, ItemKind.SHARE)]
    assert batch.items[0].posted_at == datetime(2025, 1, 14, 10, 30, tzinfo=UTC)
    assert batch.items[0].url == f"https://x.com/CannockChaseDC/status/{T1}"
    assert decode_cursor(batch.cursor)["posts"]["since"] == T2
    assert recording.calls[0].request.headers["Authorization"] == "Bearer x-access-token"


def test_incremental_sync_asks_with_since_id():
    cursor = encode_cursor({"posts": PageCursor(since=T2)})
    with play("x", "posts_incremental") as recording:
        batch = connector().fetch_posts(cursor)

    assert [p.platform_id for p in batch.items] == [T3]
    assert sent_query(recording.calls[0])["since_id"] == T2
    assert decode_cursor(batch.cursor)["posts"]["since"] == T3


def test_an_edit_updates_the_original_post_with_the_time_of_the_edit():
    cursor = encode_cursor({"posts": PageCursor(since=T1)})
    with play("x", "posts_edited"):
        [post] = connector().fetch_posts(cursor).items

    assert post.platform_id == T1
    assert post.text == "Bin collections move to Saturday 18 January after the bank holiday."
    assert post.posted_at == datetime(2025, 1, 14, 10, 30, tzinfo=UTC)
    assert post.edited_at == datetime(2025, 1, 14, 10, 40, tzinfo=UTC)


def test_two_pages_in_one_call_and_a_resumable_cursor_at_the_page_limit(monkeypatch):
    with play("x", "posts_two_pages") as recording:
        whole = connector().fetch_posts(None)
    monkeypatch.setattr(x, "PAGE_LIMIT", 1)
    with play("x", "posts_two_pages"):
        first = connector().fetch_posts(None)
        second = connector().fetch_posts(first.cursor)

    assert [p.platform_id for p in whole.items] == [T1, T2]
    assert (
        sent_query(recording.calls[1])["pagination_token"] == "7140dibdnow9c7btw3w29grvxfcgvpb9n9coehpk7xz5i"
    )
    assert (first.more, second.more) == (True, False)
    assert [p.platform_id for p in first.items + second.items] == [T2, T1]
    assert decode_cursor(second.cursor)["posts"]["since"] == T2


def test_a_rate_limit_waits_until_x_rate_limit_reset():
    with (
        time_machine.travel(NOW, tick=False),
        play("x", "rate_limited"),
        pytest.raises(RateLimited) as raised,
    ):
        connector().fetch_posts(None)

    assert raised.value.retry_after == 15 * 60


def test_an_expired_token_is_refreshed_once_and_the_sync_goes_on():
    with play("x", "token_expired_refreshed") as recording:
        conn = connector()
        batch = conn.fetch_posts(None)

    assert len(batch.items) == 2
    token_request = recording.calls[1].request
    assert sent_form(recording.calls[1])["grant_type"] == "refresh_token"
    assert sent_form(recording.calls[1])["refresh_token"] == "x-refresh-token"
    assert (
        token_request.headers["Authorization"] == "Basic " + base64.b64encode(b"x-client:x-secret").decode()
    )
    assert recording.calls[2].request.headers["Authorization"] == "Bearer x-renewed-access-token"
    renewed = conn.refreshed_credentials()
    assert (renewed.access_token, renewed.refresh_token) == (
        "x-renewed-access-token",
        "x-renewed-refresh-token",
    )
    assert renewed.expires_at == datetime(2025, 1, 20, 14, 0, tzinfo=UTC)


def test_an_expired_token_whose_refresh_is_refused_breaks_the_connection():
    with play("x", "token_expired_refresh_refused"), pytest.raises(CredentialsRejected):
        connector().fetch_posts(None)


def test_first_enquiry_sync_brings_mentions_and_replies_and_the_accounts_own_replies():
    with play("x", "enquiries_first_sync") as recording:
        batch = connector().fetch_enquiries(None)

    enquiries = [item for item in batch.items if isinstance(item, FetchedEnquiry)]
    replies = [item for item in batch.items if isinstance(item, FetchedReply)]
    assert [(e.platform_id, e.channel, e.author, e.in_reply_to) for e in enquiries] == [
        (M1, EnquiryChannel.COMMENT, "@jobloggs", T1),
        (M2, EnquiryChannel.MENTION, "@sampatel", ""),
    ]
    assert enquiries[0].conversation_id == T1
    assert enquiries[0].url == f"https://x.com/jobloggs/status/{M1}"
    assert [(r.platform_id, r.in_reply_to) for r in replies] == [(R1, M1)]
    assert sent_query(recording.calls[1])["query"] == f"from:{ME} is:reply"
    parts = decode_cursor(batch.cursor)
    assert (parts["mentions"]["since"], parts["replies"]["since"]) == (M2, R1)


def test_incremental_enquiry_sync_asks_each_stream_from_its_own_cursor():
    cursor = encode_cursor({"mentions": PageCursor(since=M2), "replies": PageCursor(since=R1)})
    with play("x", "enquiries_incremental") as recording:
        batch = connector().fetch_enquiries(cursor)

    assert [item.platform_id for item in batch.items] == [M3]
    assert sent_query(recording.calls[0])["since_id"] == M2
    assert sent_query(recording.calls[1])["since_id"] == R1
    assert decode_cursor(batch.cursor)["replies"]["since"] == R1


def test_a_mention_replying_to_a_deleted_post_still_arrives():
    with play("x", "enquiries_deleted"):
        [enquiry] = connector().fetch_enquiries(None).items

    assert enquiry.author == "@alexgreen"
    assert enquiry.in_reply_to == "1879999999999999999"


def test_replying_to_a_deleted_post_says_so_plainly():
    with play("x", "reply_to_deleted"), pytest.raises(ConnectorError) as raised:
        connector().publish_reply(in_reply_to="1879999999999999999", conversation_id="", text="Thank you")

    assert str(raised.value) == "That post is no longer on X, or the account cannot reply to it"
    assert not isinstance(raised.value, CredentialsRejected)


def test_publish_reply_posts_a_reply_to_the_enquiry():
    with play("x", "publish_reply") as recording:
        reply = connector().publish_reply(in_reply_to=M1, conversation_id=T1, text="@jobloggs Yes, it is.")

    assert json.loads(recording.calls[0].request.body) == {
        "reply": {"in_reply_to_tweet_id": M1},
        "text": "@jobloggs Yes, it is.",
    }
    assert (reply.platform_id, reply.in_reply_to) == ("1881310705873846272", M1)
    assert reply.replied_at == NOW


def test_authorisation_url_asks_for_each_scope_with_state_and_an_s256_challenge(settings):
    settings.CONNECTOR_X_CLIENT_ID = "x-client-id"
    url = x.XOAuthClient().authorisation_url(
        state="st4te",
        code_challenge="E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM",
        redirect_uri="https://x.test/cb",
    )

    query = parse_qs(urlsplit(url).query)
    assert url.startswith("https://x.com/i/oauth2/authorize?")
    assert (query["state"], query["code_challenge_method"], query["client_id"]) == (
        ["st4te"],
        ["S256"],
        ["x-client-id"],
    )
    assert query["code_challenge"] == ["E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"]
    assert query["scope"][0].split(" ") == ["tweet.read", "users.read", "tweet.write", "offline.access"]


def test_exchange_code_returns_the_account_and_both_tokens():
    oauth = x.XOAuthClient(client_id="x-client", client_secret="x-secret", now=lambda: NOW)
    with play("x", "exchange_code") as recording:
        credentials = oauth.exchange_code(
            code="c0de", code_verifier="v" * 43, redirect_uri="https://x.test/cb"
        )

    assert (credentials.account_ref, credentials.handle) == (ME, "@CannockChaseDC")
    assert (credentials.access_token, credentials.refresh_token) == ("x-access-token", "x-refresh-token")
    assert credentials.expires_at == datetime(2025, 1, 20, 14, 0, tzinfo=UTC)
    form = sent_form(recording.calls[0])
    assert (form["grant_type"], form["code_verifier"], form["code"]) == (
        "authorization_code",
        "v" * 43,
        "c0de",
    )
    assert "client_secret" not in form


def test_a_replies_cursor_older_than_recent_searchs_seven_days_is_dropped():
    cursor = encode_cursor({"mentions": PageCursor(since=M2), "replies": PageCursor(since=R1)})
    oauth = x.XOAuthClient(
        client_id="x-client", client_secret="x-secret", now=lambda: NOW + timedelta(days=3)
    )
    with play("x", "enquiries_stale_search_cursor") as recording:
        batch = x.XConnector(CREDENTIALS, oauth=oauth).fetch_enquiries(cursor)

    assert "since_id" not in sent_query(recording.calls[1])
    assert sent_query(recording.calls[0])["since_id"] == M2
    assert batch.items == []
