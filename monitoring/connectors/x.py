"""X through the X API v2, with ``tweepy.Client`` (OAuth 2.0 user-context token as the bearer).

- **Posts**: ``get_users_tweets`` with ``since_id`` (the newest id seen) and ``pagination_token``,
  newest first. A post's kind comes from ``referenced_tweets`` (a reply, a repost or quote = share).
- **Edits**: an edit is a new post whose ``edit_history_tweet_ids`` starts with the original id; it
  is returned under the original id (so the stored item is updated, not duplicated), with
  ``edited_at`` the edit's time and ``posted_at`` read from the original id (an X id carries its
  creation time).
- **Enquiries**: ``get_users_mentions`` (replies to the account arrive here too: a reply names the
  account it answers); one that replies to the account is a ``comment``, anything else a
  ``mention``. The account's own replies come from ``search_recent_tweets("from:<id> is:reply")``
  (the last seven days: a cursor older than that is dropped, as the search refuses it) and are
  returned as ``FetchedReply`` to the post they answer. Direct messages need a higher access level
  and are not read.
- **Deleted**: X's timelines leave deleted posts out; a referenced post that was deleted is only
  named in the answer's ``errors`` and is ignored; replying to a deleted post is refused with a
  plain message.
- **Limits**: 429 with ``x-rate-limit-reset`` (epoch seconds) → ``RateLimited`` until then.
- **Replying**: ``create_tweet(in_reply_to_tweet_id=…)``.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import requests
import tweepy

from accounts_register.platforms import Platform

from .base import (
    Batch,
    ConnectorError,
    Credentials,
    EnquiryChannel,
    FetchedEnquiry,
    FetchedPost,
    FetchedReply,
    ItemKind,
)
from .http import (
    PageCursor,
    decode_cursor,
    encode_cursor,
    item_time,
    page_cursor,
    raise_for_status,
    requests_failures,
)
from .oauth import OAuthClientBase, RefreshingConnector

PAGE_LIMIT = 5
TWEET_FIELDS = [
    "created_at",
    "conversation_id",
    "referenced_tweets",
    "edit_history_tweet_ids",
    "in_reply_to_user_id",
]
# How far back recent search reaches (seven days), less a margin for the time a run takes.
SEARCH_WINDOW = timedelta(days=7) - timedelta(hours=1)
# X ids are "Snowflakes": the creation time in milliseconds since this epoch, shifted 22 bits.
SNOWFLAKE_EPOCH_MS = 1288834974657


def tweet_time(tweet_id: str) -> datetime:
    return datetime.fromtimestamp(((int(tweet_id) >> 22) + SNOWFLAKE_EPOCH_MS) / 1000, tz=UTC)


def x_time(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


def replied_to(tweet: dict) -> str:
    for reference in tweet.get("referenced_tweets") or []:
        if reference.get("type") == "replied_to":
            return reference["id"]
    return ""


def original_id(tweet: dict) -> str:
    history = tweet.get("edit_history_tweet_ids") or [tweet["id"]]
    return history[0]


def call_x(session: requests.Session, access_token: str, method: str, **params) -> dict:
    """One ``tweepy.Client`` call with the user's token, its failures mapped as every connector's
    are (``http``). The session brings the timeouts."""
    client = tweepy.Client(bearer_token=access_token, return_type=dict)
    client.session = session
    with requests_failures("X"):
        try:
            return getattr(client, method)(user_auth=False, **params)
        except tweepy.HTTPException as exc:
            raise_for_status(exc.response, platform="X", reset_header="x-rate-limit-reset")
            raise


class XOAuthClient(OAuthClientBase):
    platform = Platform.X.value
    authorise_endpoint = "https://x.com/i/oauth2/authorize"
    token_endpoint = "https://api.x.com/2/oauth2/token"  # noqa: S105 - an address, not a secret
    secret_as_basic_auth = True
    scopes = (
        "tweet.read",  # read the account's posts, its mentions and the replies to it
        "users.read",  # know which account granted access, and the authors' handles
        "tweet.write",  # answer an enquiry from the app
        "offline.access",  # a refresh token, so the connection outlives the two-hour access token
    )

    def identify(self, token: dict) -> Credentials:
        me = call_x(self.session, token["access_token"], "get_me")["data"]
        return Credentials(
            account_ref=me["id"],
            handle=f"@{me['username']}",
            access_token=token["access_token"],
            refresh_token=token.get("refresh_token", ""),
            expires_at=self.expires_at(token),
        )


class XConnector(RefreshingConnector):
    platform = Platform.X.value
    can_reply = True
    oauth_class = XOAuthClient

    @property
    def user_id(self) -> str:
        return self.credentials.account_ref

    def api(self, method: str, **params) -> dict:
        return self.with_token(lambda: call_x(self.session, self.credentials.access_token, method, **params))

    def url(self, tweet_id: str) -> str:
        handle = self.credentials.handle.lstrip("@") or "i/web"
        return f"https://x.com/{handle}/status/{tweet_id}"

    def timeline(
        self,
        position: PageCursor,
        fetch: Callable[..., dict],
        *,
        page_param: str = "pagination_token",
        **params,
    ) -> tuple[list[dict], dict[str, str], PageCursor, bool]:
        """Up to ``PAGE_LIMIT`` pages newer than the cursor: the posts, the authors' handles by id,
        the cursor to store and whether more is waiting."""
        tweets: list[dict] = []
        handles: dict[str, str] = {}
        following = position.after
        for _ in range(PAGE_LIMIT):
            query = {**params, "max_results": 100}
            if position.since:
                query["since_id"] = position.since
            if following:
                query[page_param] = following
            body = fetch(**query)
            tweets.extend(body.get("data") or [])
            handles.update({u["id"]: u["username"] for u in (body.get("includes") or {}).get("users") or []})
            following = (body.get("meta") or {}).get("next_token") or ""
            if not following:
                break
        for tweet in tweets:
            position.saw(tweet["id"], key=int)
        done = position.paused(following) if following else position.finished()
        return tweets, handles, done, bool(following)

    def fetch_posts(self, cursor: str | None) -> Batch[FetchedPost]:
        position = page_cursor(decode_cursor(cursor), "posts")
        tweets, _, done, more = self.timeline(
            position,
            lambda **q: self.api("get_users_tweets", id=self.user_id, **q),
            tweet_fields=TWEET_FIELDS,
        )
        items = [self.post(tweet) for tweet in tweets]
        items.sort(key=lambda post: post.posted_at)
        return Batch(items, encode_cursor({"posts": done}), more=more)

    def post(self, tweet: dict) -> FetchedPost:
        kinds = {reference.get("type") for reference in tweet.get("referenced_tweets") or []}
        kind = ItemKind.REPLY if "replied_to" in kinds else ItemKind.SHARE if kinds else ItemKind.ORIGINAL
        first = original_id(tweet)
        edited = first != tweet["id"]
        return FetchedPost(
            platform_id=first,
            posted_at=tweet_time(first) if edited else x_time(tweet["created_at"]),
            kind=kind,
            text=tweet.get("text", ""),
            url=self.url(first),
            edited_at=x_time(tweet["created_at"]) if edited else None,
        )

    def fetch_enquiries(self, cursor: str | None) -> Batch[FetchedEnquiry | FetchedReply]:
        parts = decode_cursor(cursor)
        mentions, handles, mentions_at, more_mentions = self.timeline(
            page_cursor(parts, "mentions"),
            lambda **q: self.api("get_users_mentions", id=self.user_id, **q),
            tweet_fields=TWEET_FIELDS,
            expansions=["author_id"],
            user_fields=["username"],
        )
        replies_from = page_cursor(parts, "replies")
        if replies_from.since and tweet_time(replies_from.since) < self.oauth.now() - SEARCH_WINDOW:
            # Recent search refuses a since_id older than its seven days; with none it reads them all.
            replies_from = PageCursor()
        replies, _, replies_at, more_replies = self.timeline(
            replies_from,
            lambda **q: self.api("search_recent_tweets", query=f"from:{self.user_id} is:reply", **q),
            page_param="next_token",
            tweet_fields=TWEET_FIELDS,
        )
        items: list[FetchedEnquiry | FetchedReply] = [
            self.enquiry(tweet, handles) for tweet in mentions if tweet.get("author_id") != self.user_id
        ]
        items.extend(self.reply(tweet) for tweet in replies if replied_to(tweet))
        items.sort(key=item_time)
        cursor_out = encode_cursor({"mentions": mentions_at, "replies": replies_at})
        return Batch(items, cursor_out, more=more_mentions or more_replies)

    def enquiry(self, tweet: dict, handles: dict[str, str]) -> FetchedEnquiry:
        first = original_id(tweet)
        edited = first != tweet["id"]
        handle = handles.get(tweet.get("author_id", ""), "")
        to_us = tweet.get("in_reply_to_user_id") == self.user_id
        return FetchedEnquiry(
            platform_id=first,
            received_at=tweet_time(first) if edited else x_time(tweet["created_at"]),
            channel=EnquiryChannel.COMMENT if to_us else EnquiryChannel.MENTION,
            author=f"@{handle}" if handle else "",
            text=tweet.get("text", ""),
            url=f"https://x.com/{handle or 'i/web'}/status/{first}",
            conversation_id=tweet.get("conversation_id", ""),
            in_reply_to=replied_to(tweet),
            edited_at=x_time(tweet["created_at"]) if edited else None,
        )

    def reply(self, tweet: dict) -> FetchedReply:
        first = original_id(tweet)
        return FetchedReply(
            first, tweet_time(first), replied_to(tweet), tweet.get("text", ""), self.url(first)
        )

    def publish_reply(self, *, in_reply_to: str, conversation_id: str, text: str) -> FetchedReply:
        try:
            body = self.api("create_tweet", text=text, in_reply_to_tweet_id=in_reply_to)
        except ConnectorError as exc:
            if type(exc) is ConnectorError:  # a 403: the post was deleted or is hidden from us
                raise ConnectorError(
                    "That post is no longer on X, or the account cannot reply to it"
                ) from exc
            raise
        tweet_id = body["data"]["id"]
        return FetchedReply(tweet_id, tweet_time(tweet_id), in_reply_to, text, self.url(tweet_id))


CONNECTOR = XConnector
OAUTH_CLIENT = XOAuthClient
