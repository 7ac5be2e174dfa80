"""The Facebook Pages connector against recorded Graph API answers (tests/fixtures/facebook/)."""

from __future__ import annotations

from datetime import UTC, datetime
from urllib.parse import parse_qs, urlsplit

import pytest

from monitoring.connectors import facebook, meta
from monitoring.connectors.base import (
    ConnectorError,
    Credentials,
    CredentialsRejected,
    EnquiryChannel,
    FetchedEnquiry,
    FetchedReply,
    ItemKind,
    RateLimited,
    ReplyNotSupported,
)
from monitoring.connectors.http import PageCursor, decode_cursor, encode_cursor

from .cassettes import play, sent_form, sent_query

PAGE = "109876543210987"
NOW = datetime(2025, 1, 20, 12, 0, tzinfo=UTC)
CREDENTIALS = Credentials(
    account_ref=PAGE,
    handle="Cannock Chase Council",
    access_token="EAAB-page-token",
    refresh_token="EAAB-long-lived-user-token",
)
POSTS_SEEN = encode_cursor({"posts": PageCursor(since="1736928000")})  # 2025-01-15 08:00 UTC
COMMENTS_SEEN = encode_cursor({"comments": PageCursor(since="1736932200")})  # 2025-01-15 09:10 UTC


def connector(credentials: Credentials = CREDENTIALS) -> facebook.FacebookConnector:
    oauth = facebook.FacebookOAuthClient(client_id="meta-app", client_secret="meta-secret", now=lambda: NOW)
    return facebook.FacebookConnector(credentials, oauth=oauth)


def test_first_sync_brings_the_pages_posts_oldest_first_with_who_published_them():
    with play("facebook", "posts_first_sync") as recording:
        batch = connector().fetch_posts(None)

    assert [post.platform_id for post in batch.items] == [f"{PAGE}_1001", f"{PAGE}_1002"]
    first, shared = batch.items
    assert first.text == "Bin collections move to Saturday after the bank holiday."
    assert first.posted_at == datetime(2025, 1, 14, 10, 30, tzinfo=UTC)
    assert first.published_by == "Priya Shah"
    assert first.url == f"https://www.facebook.com/{PAGE}/posts/1001"
    assert (first.kind, shared.kind) == (ItemKind.ORIGINAL, ItemKind.SHARE)
    assert batch.more is False
    assert decode_cursor(batch.cursor)["posts"]["since"] == "1736928000"
    assert recording.calls[0].request.headers["Authorization"] == "Bearer EAAB-page-token"
    assert "access_token" not in recording.calls[0].request.url


def test_incremental_sync_asks_from_the_cursor_and_returns_only_what_is_new():
    with play("facebook", "posts_incremental") as recording:
        batch = connector().fetch_posts(POSTS_SEEN)

    assert [post.platform_id for post in batch.items] == [f"{PAGE}_1003"]
    assert sent_query(recording.calls[0])["since"] == str(1736928000 - 3 * 86400)


def test_an_edited_post_comes_again_under_its_id_with_its_new_text():
    with play("facebook", "posts_edited"):
        batch = connector().fetch_posts(POSTS_SEEN)

    [edited] = batch.items
    assert edited.platform_id == f"{PAGE}_1001"
    assert edited.text == "Bin collections move to Saturday 18 January after the bank holiday."
    assert edited.posted_at == datetime(2025, 1, 14, 10, 30, tzinfo=UTC)


def test_two_pages_are_read_in_one_call_following_paging_next_without_its_token():
    with play("facebook", "posts_two_pages") as recording:
        batch = connector().fetch_posts(None)

    assert len(batch.items) == 2
    assert batch.more is False
    following = recording.calls[1].request
    assert "access_token" not in parse_qs(urlsplit(following.url).query)
    assert following.headers["Authorization"] == "Bearer EAAB-page-token"


def test_at_the_page_limit_the_cursor_holds_the_next_page_without_the_token(monkeypatch):
    monkeypatch.setattr(meta, "PAGE_LIMIT", 1)
    with play("facebook", "posts_two_pages"):
        first = connector().fetch_posts(None)
        second = connector().fetch_posts(first.cursor)

    assert first.more is True
    assert "page-token-in-the-next-link" not in decode_cursor(first.cursor)["posts"]["after"]
    assert [p.platform_id for p in first.items + second.items] == [f"{PAGE}_1002", f"{PAGE}_1001"]
    assert second.more is False
    assert decode_cursor(second.cursor)["posts"] == {"since": "1736928000", "after": "", "high": ""}


def test_a_rate_limit_waits_as_long_as_meta_says():
    with play("facebook", "rate_limited"), pytest.raises(RateLimited) as raised:
        connector().fetch_posts(None)

    assert raised.value.retry_after == 5 * 60


def test_an_expired_token_is_renewed_once_and_the_sync_goes_on():
    with play("facebook", "token_expired_refreshed") as recording:
        conn = connector()
        batch = conn.fetch_posts(None)

    assert len(batch.items) == 2
    assert recording.calls[1].request.headers["Authorization"] == "Bearer EAAB-long-lived-user-token"
    assert recording.calls[2].request.headers["Authorization"] == "Bearer EAAB-renewed-page-token"
    assert conn.refreshed_credentials().access_token == "EAAB-renewed-page-token"


def test_an_expired_token_that_cannot_be_renewed_breaks_the_connection():
    with play("facebook", "token_expired_refresh_refused"), pytest.raises(CredentialsRejected):
        connector().fetch_posts(None)


def test_first_enquiry_sync_brings_comments_replies_and_messages_and_the_pages_own_answers():
    with play("facebook", "enquiries_first_sync") as recording:
        batch = connector().fetch_enquiries(None)

    enquiries = [item for item in batch.items if isinstance(item, FetchedEnquiry)]
    replies = [item for item in batch.items if isinstance(item, FetchedReply)]
    assert [(e.platform_id, e.channel, e.author) for e in enquiries] == [
        ("1001_2001", EnquiryChannel.COMMENT, "Jo Bloggs"),
        ("1001_2003", EnquiryChannel.COMMENT, "Sam Patel"),
        ("m_question", EnquiryChannel.DIRECT_MESSAGE, "Alex Green"),
    ]
    assert enquiries[0].conversation_id == f"{PAGE}_1001"
    assert enquiries[1].in_reply_to == "1001_2001"
    assert enquiries[2].conversation_id == "t_100000000000001"
    assert [(r.platform_id, r.in_reply_to) for r in replies] == [
        ("1001_2002", "1001_2001"),
        ("m_reply", "m_question"),
    ]
    assert sent_query(recording.calls[0])["since"] == str(
        int(datetime(2024, 12, 23, 12, tzinfo=UTC).timestamp())
    )
    assert decode_cursor(batch.cursor)["comments"]["since"] == "1736932200"


def test_incremental_enquiry_sync_reads_only_posts_with_new_activity_and_skips_messenger_when_not_granted():
    with play("facebook", "enquiries_incremental") as recording:
        batch = connector().fetch_enquiries(COMMENTS_SEEN)

    assert [item.platform_id for item in batch.items] == ["1003_3001"]
    assert sent_query(recording.calls[1])["since"] == "1736932200"


def test_a_post_deleted_before_its_comments_are_read_is_skipped():
    with play("facebook", "enquiries_deleted_post"):
        batch = connector().fetch_enquiries(None)

    assert [item.platform_id for item in batch.items] == ["1003_3001"]


def test_replying_to_a_deleted_comment_says_so_plainly():
    with play("facebook", "reply_to_deleted_comment"), pytest.raises(ConnectorError) as raised:
        connector().publish_reply(in_reply_to="1001_2009", conversation_id=f"{PAGE}_1001", text="Thank you")

    assert str(raised.value) == "That comment is no longer on Facebook"


def test_publish_reply_answers_the_comment_as_the_page():
    with play("facebook", "publish_reply") as recording:
        reply = connector().publish_reply(
            in_reply_to="1001_2001", conversation_id=f"{PAGE}_1001", text="Yes, it is."
        )

    assert (reply.platform_id, reply.in_reply_to, reply.text) == ("1001_2010", "1001_2001", "Yes, it is.")
    assert sent_form(recording.calls[0]) == {"message": "Yes, it is."}


def test_messenger_conversations_are_answered_on_facebook_not_from_the_app():
    with pytest.raises(ReplyNotSupported):
        connector().publish_reply(in_reply_to="m_question", conversation_id="t_100000000000001", text="Hello")


def test_authorisation_url_asks_for_each_permission_with_state_and_an_s256_challenge(settings):
    settings.CONNECTOR_FACEBOOK_CLIENT_ID = "meta-app-id"
    url = facebook.FacebookOAuthClient().authorisation_url(
        state="st4te",
        code_challenge="E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM",
        redirect_uri="https://x.test/cb",
    )

    query = parse_qs(urlsplit(url).query)
    assert url.startswith("https://www.facebook.com/v21.0/dialog/oauth?")
    assert query["state"] == ["st4te"]
    assert query["code_challenge"] == ["E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"]
    assert query["code_challenge_method"] == ["S256"]
    assert query["client_id"] == ["meta-app-id"]
    assert set(query["scope"][0].split(",")) >= {
        "pages_read_engagement",
        "pages_manage_engagement",
        "pages_messaging",
    }


def test_exchange_code_keeps_the_page_token_and_the_long_lived_user_token_to_renew_it():
    oauth = facebook.FacebookOAuthClient(client_id="meta-app", client_secret="meta-secret", now=lambda: NOW)
    with play("facebook", "exchange_code") as recording:
        credentials = oauth.exchange_code(
            code="c0de", code_verifier="v" * 43, redirect_uri="https://x.test/cb"
        )

    assert credentials.account_ref == PAGE
    assert credentials.handle == "Cannock Chase Council"
    assert credentials.access_token == "EAAB-page-token"
    assert credentials.refresh_token == "EAAB-long-lived-user-token"
    form = sent_form(recording.calls[0])
    assert form["code_verifier"] == "v" * 43
    assert form["client_secret"] == "meta-secret"
    assert sent_form(recording.calls[1])["grant_type"] == "fb_exchange_token"
    assert sent_form(recording.calls[1])["fb_exchange_token"] == "EAAB-short-lived-user-token"
    assert all("meta-secret" not in call.request.url for call in recording.calls)


def test_subscribing_the_page_to_the_webhook_names_the_fields_it_reads():
    with play("facebook", "subscribe_to_webhooks") as recording:
        connector().subscribe_to_webhooks()

    assert sent_form(recording.calls[0]) == {"subscribed_fields": "feed,mention,messages"}
