"""The YouTube connector (Google's client over httplib2) against recorded YouTube Data API answers
(tests/fixtures/youtube/), served by the library's own ``HttpMockSequence``."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, urlsplit

import pytest

from monitoring.connectors import youtube
from monitoring.connectors.base import (
    ConnectorError,
    Credentials,
    CredentialsRejected,
    EnquiryChannel,
    FetchedEnquiry,
    FetchedReply,
    RateLimited,
)
from monitoring.connectors.http import PageCursor, decode_cursor, encode_cursor

from .cassettes import google_http, google_played, play, sent_form

CH, UP = "UCnCannockChaseCouncil1", "UUnCannockChaseCouncil1"
NOW = datetime(2025, 1, 20, 12, 0, tzinfo=UTC)  # 04:00 in California: the quota resets in 20 hours
CREDENTIALS = Credentials(
    account_ref=CH,
    handle="@cannockchasecouncil",
    access_token="ya29.access-token",
    refresh_token="1//refresh-token",
)
A, B, C = "UgzJoBloggsQuestion4AaABAg", "UgyAlexLongThread4AaABAg", "UgwJoPoolQuestion4AaABAg"


def connector(scenario: str):
    http = google_http("youtube", scenario)
    conn = youtube.YouTubeConnector(
        CREDENTIALS, http=http, now=lambda: NOW, client_id="google-client", client_secret="google-secret"
    )
    return conn, http


def test_first_sync_finds_the_uploads_playlist_and_brings_the_videos_oldest_first():
    conn, http = connector("posts_first_sync")
    batch = conn.fetch_posts(None)

    google_played(http, "youtube", "posts_first_sync")
    assert [p.platform_id for p in batch.items] == ["dQw4w9WgXcQ", "aBcDeFgHiJk"]
    first = batch.items[0]
    assert first.text == "Full council meeting, 14 January 2025\n\nWatch the meeting live."
    assert first.url == "https://www.youtube.com/watch?v=dQw4w9WgXcQ"
    assert first.posted_at == datetime(2025, 1, 14, 10, 30, tzinfo=UTC)
    parts = decode_cursor(batch.cursor)
    assert (parts["uploads"], parts["posts"]["since"]) == (UP, "2025-01-15T08:00:00Z")
    assert http.request_sequence[0][3]["authorization"] == "Bearer ya29.access-token"


def test_incremental_sync_costs_one_unit_and_returns_only_new_uploads():
    cursor = encode_cursor({"posts": PageCursor(since="2025-01-15T08:00:00Z"), "uploads": UP})
    conn, http = connector("posts_incremental")
    batch = conn.fetch_posts(cursor)

    assert len(google_played(http, "youtube", "posts_incremental")) == 1  # no channels.list again
    assert [p.platform_id for p in batch.items] == ["LmNoPqRsTuV"]
    assert decode_cursor(batch.cursor)["posts"]["since"] == "2025-01-16T09:15:00Z"


def test_two_pages_are_read_with_page_token(monkeypatch):
    conn, http = connector("posts_two_pages")
    whole = conn.fetch_posts(None)
    monkeypatch.setattr(youtube, "PAGE_LIMIT", 1)
    conn, http_limited = connector("posts_two_pages")
    first = conn.fetch_posts(None)
    second = conn.fetch_posts(first.cursor)

    google_played(http, "youtube", "posts_two_pages")
    google_played(http_limited, "youtube", "posts_two_pages")
    assert [p.platform_id for p in whole.items] == ["dQw4w9WgXcQ", "aBcDeFgHiJk"]
    assert (first.more, second.more) == (True, False)
    assert [p.platform_id for p in first.items + second.items] == ["aBcDeFgHiJk", "dQw4w9WgXcQ"]


def test_a_deleted_video_is_reported_as_deleted():
    cursor = encode_cursor({"posts": PageCursor(since="2025-01-15T08:00:00Z"), "uploads": UP})
    conn, _ = connector("posts_deleted")
    [post] = conn.fetch_posts(cursor).items

    assert (post.platform_id, post.deleted) == ("ZzZzZzZzZzZ", True)


def test_a_used_up_quota_waits_until_it_resets_at_midnight_pacific_time():
    conn, _ = connector("quota_exceeded")
    with pytest.raises(RateLimited) as raised:
        conn.fetch_posts(None)

    assert raised.value.retry_after == timedelta(hours=20).total_seconds()


def test_a_429_waits_retry_after():
    conn, _ = connector("rate_limited")
    with pytest.raises(RateLimited) as raised:
        conn.fetch_posts(None)

    assert raised.value.retry_after == 30


def test_an_expired_token_is_renewed_once_and_handed_back_for_storing():
    conn, http = connector("token_expired_refreshed")
    batch = conn.fetch_posts(None)

    google_played(http, "youtube", "token_expired_refreshed")
    assert len(batch.items) == 2
    assert b"grant_type=refresh_token" in http.request_sequence[1][2]
    assert http.request_sequence[2][3]["authorization"] == "Bearer ya29.renewed-access-token"
    renewed = conn.refreshed_credentials()
    assert (renewed.access_token, renewed.refresh_token) == ("ya29.renewed-access-token", "1//refresh-token")


def test_nothing_is_handed_back_when_the_token_was_not_renewed():
    conn, _ = connector("posts_first_sync")
    conn.fetch_posts(None)

    assert conn.refreshed_credentials() is None


def test_a_revoked_refresh_token_breaks_the_connection():
    conn, _ = connector("token_expired_refresh_refused")
    with pytest.raises(CredentialsRejected):
        conn.fetch_posts(None)


def test_first_enquiry_sync_brings_comments_and_replies_and_the_channels_own_replies():
    conn, http = connector("enquiries_first_sync")
    batch = conn.fetch_enquiries(None)

    google_played(http, "youtube", "enquiries_first_sync")
    enquiries = [item for item in batch.items if isinstance(item, FetchedEnquiry)]
    replies = [item for item in batch.items if isinstance(item, FetchedReply)]
    assert [(e.platform_id, e.author, e.in_reply_to) for e in enquiries] == [
        (A, "Jo Bloggs", ""),
        (f"{A}.9xReplySam", "Sam Patel", A),
        (B, "Alex Green", ""),
        (f"{B}.9xOne", "Jo Bloggs", B),
    ]
    assert {e.channel for e in enquiries} == {EnquiryChannel.COMMENT}
    assert enquiries[0].conversation_id == "dQw4w9WgXcQ"
    assert enquiries[0].url == f"https://www.youtube.com/watch?v=dQw4w9WgXcQ&lc={A}"
    # The channel's own top-level comment answers nobody and is not an enquiry.
    assert [(r.platform_id, r.in_reply_to) for r in replies] == [
        (f"{A}.9xReplyCouncil", A),
        (f"{B}.9xTwo", B),
    ]


def test_an_edited_comment_carries_the_time_of_the_edit():
    conn, _ = connector("enquiries_first_sync")
    edited = next(item for item in conn.fetch_enquiries(None).items if item.platform_id == A)

    assert edited.received_at == datetime(2025, 1, 14, 11, 0, tzinfo=UTC)
    assert edited.edited_at == datetime(2025, 1, 14, 11, 5, tzinfo=UTC)


def test_incremental_enquiry_sync_returns_only_new_comments_and_stops_past_the_look_back():
    cursor = encode_cursor({"threads": PageCursor(since="2025-01-15T09:10:00Z")})
    conn, http = connector("enquiries_incremental")
    batch = conn.fetch_enquiries(cursor)

    google_played(http, "youtube", "enquiries_incremental")  # the next page was not asked for
    assert [item.platform_id for item in batch.items] == [f"{B}.9xThree", C]
    assert batch.more is False
    assert decode_cursor(batch.cursor)["threads"]["since"] == "2025-01-16T10:00:00Z"


def test_a_thread_deleted_while_it_is_read_is_skipped():
    conn, http = connector("enquiries_deleted")
    batch = conn.fetch_enquiries(None)

    google_played(http, "youtube", "enquiries_deleted")
    assert [item.platform_id for item in batch.items] == [C]


def test_replying_to_a_deleted_comment_says_so_plainly():
    conn, _ = connector("reply_to_deleted")
    with pytest.raises(ConnectorError) as raised:
        conn.publish_reply(in_reply_to=A, conversation_id="dQw4w9WgXcQ", text="Thank you")

    assert str(raised.value) == "That comment is no longer on YouTube"


def test_publish_reply_answers_under_the_threads_top_level_comment():
    conn, http = connector("publish_reply")
    reply = conn.publish_reply(in_reply_to=f"{A}.9xReplySam", conversation_id="dQw4w9WgXcQ", text="Yes.")

    google_played(http, "youtube", "publish_reply")
    assert json.loads(http.request_sequence[0][2]) == {"snippet": {"parentId": A, "textOriginal": "Yes."}}
    assert (reply.platform_id, reply.in_reply_to) == (f"{A}.9xNewReply", f"{A}.9xReplySam")
    assert reply.replied_at == NOW


def test_authorisation_url_asks_for_youtube_force_ssl_offline_with_state_and_an_s256_challenge(settings):
    settings.CONNECTOR_YOUTUBE_CLIENT_ID = "google-client-id"
    url = youtube.YouTubeOAuthClient().authorisation_url(
        state="st4te",
        code_challenge="E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM",
        redirect_uri="https://x.test/cb",
    )

    query = parse_qs(urlsplit(url).query)
    assert url.startswith("https://accounts.google.com/o/oauth2/v2/auth?")
    assert (query["state"], query["code_challenge_method"]) == (["st4te"], ["S256"])
    assert query["code_challenge"] == ["E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"]
    assert query["scope"] == ["https://www.googleapis.com/auth/youtube.force-ssl"]
    assert query["access_type"] == ["offline"]


def test_exchange_code_finds_the_channel_the_token_belongs_to():
    http = google_http("youtube", "exchange_code")
    oauth = youtube.YouTubeOAuthClient(
        http=http, client_id="google-client", client_secret="google-secret", now=lambda: NOW
    )
    with play("youtube", "exchange_code") as recording:
        credentials = oauth.exchange_code(
            code="4/c0de", code_verifier="v" * 43, redirect_uri="https://x.test/cb"
        )

    google_played(http, "youtube", "exchange_code")
    assert (credentials.account_ref, credentials.handle) == (CH, "@cannockchasecouncil")
    assert (credentials.access_token, credentials.refresh_token) == ("ya29.access-token", "1//refresh-token")
    assert credentials.expires_at == NOW + timedelta(seconds=3599)
    assert sent_form(recording.calls[0])["code_verifier"] == "v" * 43
