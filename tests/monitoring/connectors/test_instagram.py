"""The Instagram connector against recorded Instagram Graph API answers (tests/fixtures/instagram/)."""

from __future__ import annotations

from datetime import UTC, datetime
from urllib.parse import parse_qs, urlsplit

import pytest

from monitoring.connectors import instagram, meta
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

from .cassettes import play, sent_form, sent_query

IG = "17841400000000001"
PAGE = "109876543210987"
NOW = datetime(2025, 1, 20, 12, 0, tzinfo=UTC)
CREDENTIALS = Credentials(
    account_ref=IG,
    handle="cannockchasedc",
    access_token="EAAB-page-token",
    refresh_token="EAAB-long-lived-user-token",
    extra={"page_id": PAGE},
)
M1, M2, M3 = "17895695668004550", "17895695668004551", "17895695668004552"


def connector() -> instagram.InstagramConnector:
    oauth = instagram.InstagramOAuthClient(client_id="meta-app", client_secret="meta-secret", now=lambda: NOW)
    return instagram.InstagramConnector(CREDENTIALS, oauth=oauth)


def test_first_sync_brings_the_accounts_media_oldest_first():
    with play("instagram", "posts_first_sync") as recording:
        batch = connector().fetch_posts(None)

    assert [post.platform_id for post in batch.items] == [M1, M2]
    assert batch.items[0].text == "Cannock Chase in the frost this morning."
    assert batch.items[0].url == "https://www.instagram.com/p/004550/"
    assert batch.items[0].posted_at == datetime(2025, 1, 14, 10, 30, tzinfo=UTC)
    assert decode_cursor(batch.cursor)["posts"]["since"] == "1736928000"
    assert recording.calls[0].request.headers["Authorization"] == "Bearer EAAB-page-token"


def test_incremental_sync_asks_only_for_media_newer_than_the_cursor():
    cursor = encode_cursor({"posts": PageCursor(since="1736928000")})
    with play("instagram", "posts_incremental") as recording:
        batch = connector().fetch_posts(cursor)

    assert [post.platform_id for post in batch.items] == [M3]
    assert sent_query(recording.calls[0])["since"] == "1736928000"


def test_an_edited_caption_arrives_under_the_same_id_and_instagram_gives_no_edit_time():
    with play("instagram", "posts_edited"):
        [post] = connector().fetch_posts(None).items

    assert post.platform_id == M1
    assert post.text == "Cannock Chase in the frost this morning (photo: Sam Patel)."
    assert post.edited_at is None


def test_two_pages_in_one_call_and_a_resumable_cursor_at_the_page_limit(monkeypatch):
    with play("instagram", "posts_two_pages") as recording:
        whole = connector().fetch_posts(None)
    monkeypatch.setattr(meta, "PAGE_LIMIT", 1)
    with play("instagram", "posts_two_pages"):
        first = connector().fetch_posts(None)
        second = connector().fetch_posts(first.cursor)

    assert [p.platform_id for p in whole.items] == [M1, M2]
    assert "access_token" not in parse_qs(urlsplit(recording.calls[1].request.url).query)
    assert (first.more, second.more) == (True, False)
    assert [p.platform_id for p in first.items + second.items] == [M2, M1]


def test_a_rate_limit_waits_as_long_as_meta_says():
    with play("instagram", "rate_limited"), pytest.raises(RateLimited) as raised:
        connector().fetch_posts(None)

    assert raised.value.retry_after == 12 * 60


def test_an_expired_token_is_renewed_through_the_linked_page_and_the_sync_goes_on():
    with play("instagram", "token_expired_refreshed") as recording:
        conn = connector()
        batch = conn.fetch_posts(None)

    assert len(batch.items) == 2
    assert urlsplit(recording.calls[1].request.url).path == f"/v21.0/{PAGE}"
    assert conn.refreshed_credentials().access_token == "EAAB-renewed-page-token"
    assert conn.refreshed_credentials().account_ref == IG


def test_an_expired_token_that_cannot_be_renewed_breaks_the_connection():
    with play("instagram", "token_expired_refresh_refused"), pytest.raises(CredentialsRejected):
        connector().fetch_posts(None)


def test_first_enquiry_sync_brings_comments_replies_mentions_and_the_accounts_own_reply():
    with play("instagram", "enquiries_first_sync") as recording:
        batch = connector().fetch_enquiries(None)

    enquiries = [item for item in batch.items if isinstance(item, FetchedEnquiry)]
    replies = [item for item in batch.items if isinstance(item, FetchedReply)]
    assert [(e.platform_id, e.channel, e.author, e.in_reply_to) for e in enquiries] == [
        ("17858893269000001", EnquiryChannel.COMMENT, "@jo.bloggs", ""),
        ("17858893269000003", EnquiryChannel.COMMENT, "@sam.patel", "17858893269000001"),
        ("17858893269000004", EnquiryChannel.COMMENT, "@alex.green", ""),
        ("17895695668009999", EnquiryChannel.MENTION, "@hednesford.resident", ""),
    ]
    assert enquiries[0].conversation_id == M1
    assert [(r.platform_id, r.in_reply_to) for r in replies] == [("17858893269000002", "17858893269000001")]
    assert len(recording.calls) == 3  # media without comments is not read


def test_incremental_enquiry_sync_returns_only_what_is_newer_than_the_watermark():
    cursor = encode_cursor({"comments": PageCursor(since="1736932200")})
    with play("instagram", "enquiries_incremental"):
        batch = connector().fetch_enquiries(cursor)

    assert [item.platform_id for item in batch.items] == ["17858893269000005"]
    assert decode_cursor(batch.cursor)["comments"]["since"] == str(
        int(datetime(2025, 1, 16, 10, tzinfo=UTC).timestamp())
    )


def test_media_deleted_before_its_comments_are_read_is_skipped():
    with play("instagram", "enquiries_deleted_media"):
        batch = connector().fetch_enquiries(None)

    assert [item.platform_id for item in batch.items] == ["17858893269000004"]


def test_replying_to_a_deleted_comment_says_so_plainly():
    with play("instagram", "reply_to_deleted_comment"), pytest.raises(ConnectorError) as raised:
        connector().publish_reply(in_reply_to="17858893269000009", conversation_id=M1, text="Thank you")

    assert str(raised.value) == "That comment is no longer on Instagram"


def test_publish_reply_answers_the_comment():
    with play("instagram", "publish_reply") as recording:
        reply = connector().publish_reply(
            in_reply_to="17858893269000001", conversation_id=M1, text="Yes, from 8am."
        )

    assert (reply.platform_id, reply.in_reply_to) == ("17858893269000010", "17858893269000001")
    assert sent_form(recording.calls[0]) == {"message": "Yes, from 8am."}


def test_authorisation_url_asks_for_the_instagram_permissions_with_state_and_an_s256_challenge(settings):
    settings.CONNECTOR_INSTAGRAM_CLIENT_ID = "meta-app-id"
    url = instagram.InstagramOAuthClient().authorisation_url(
        state="st4te",
        code_challenge="E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM",
        redirect_uri="https://x.test/cb",
    )

    query = parse_qs(urlsplit(url).query)
    assert (query["state"], query["code_challenge_method"]) == (["st4te"], ["S256"])
    assert query["code_challenge"] == ["E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"]
    assert {"instagram_basic", "instagram_manage_comments"} <= set(query["scope"][0].split(","))


def test_exchange_code_finds_the_page_with_the_linked_instagram_account():
    oauth = instagram.InstagramOAuthClient(client_id="meta-app", client_secret="meta-secret", now=lambda: NOW)
    with play("instagram", "exchange_code"):
        credentials = oauth.exchange_code(
            code="c0de", code_verifier="v" * 43, redirect_uri="https://x.test/cb"
        )

    assert (credentials.account_ref, credentials.handle) == (IG, "cannockchasedc")
    assert credentials.access_token == "EAAB-page-token"
    assert credentials.refresh_token == "EAAB-long-lived-user-token"
    assert credentials.extra == {"page_id": PAGE}


def test_a_mention_in_a_caption_is_answered_with_a_comment_on_that_media():
    with play("instagram", "publish_reply_to_mention") as recording:
        reply = connector().publish_reply(
            in_reply_to="17895695668009999", conversation_id="17895695668009999", text="Thanks, we are on it."
        )

    assert sent_form(recording.calls[0]) == {
        "media_id": "17895695668009999",
        "message": "Thanks, we are on it.",
    }
    assert (reply.platform_id, reply.in_reply_to) == ("17858893269000011", "17895695668009999")
