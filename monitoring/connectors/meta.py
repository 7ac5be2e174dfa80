"""Meta's Graph API, shared by the Facebook Pages and Instagram connectors (plain ``requests``).

Both act with the Page's access token. A Page token obtained from a long-lived user token does not
expire, but it dies when the person who connected the Page changes their password, loses their role
on the Page or removes the app; "refreshing" therefore asks for the Page's token again with the
long-lived user token kept as the refresh token (``GET /{page-id}?fields=access_token``). When that
is refused too, the connection is broken until someone reconnects.

The Graph API answers most failures with status 400 and an error code (``check_graph_error``):
190 (and 102) the token is invalid or expired; 4, 17, 32, 613 and 80001–80014 a rate limit, with the
time to wait in ``X-Business-Use-Case-Usage`` (``estimated_time_to_regain_access``, minutes); 100
with sub-code 33 the object no longer exists (deleted); 10 and 200–299 a permission the app was not
granted.

The token goes in the ``Authorization`` header, never in a URL: the ``paging.next`` addresses the
Graph API returns carry it, so they are stripped of it before being kept in a cursor.
"""

from __future__ import annotations

import json
from abc import abstractmethod
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import requests

from .base import (
    Batch,
    ConnectorError,
    Credentials,
    CredentialsRejected,
    FetchedPost,
    FetchedReply,
    PlatformUnavailable,
    RateLimited,
)
from .http import (
    DEFAULT_RETRY_AFTER,
    NotFound,
    TokenExpired,
    decode_cursor,
    encode_cursor,
    page_cursor,
    retry_after_seconds,
    send,
)
from .oauth import OAuthClientBase, RefreshingConnector

GRAPH_VERSION = "v21.0"
GRAPH = f"https://graph.facebook.com/{GRAPH_VERSION}"
# The Page fields whose changes Meta pushes to /webhooks/meta/ (``webhooks.accounts_to_sync``).
WEBHOOK_FIELDS = "feed,mention,messages"
RATE_LIMIT_CODES = {4, 17, 32, 613, *range(80001, 80015)}
# How many Graph pages one fetch reads before it hands back a cursor with ``more`` set.
PAGE_LIMIT = 5
# How far back a run looks for comments and edits: the Graph API has no "changed since" filter for
# comments, so a run reads the comments of the posts of the last four weeks that have new activity.
COMMENT_WINDOW_DAYS = 28


class PermissionMissing(ConnectorError):
    """The app was not granted what this read needs (e.g. ``pages_messaging`` for Messenger)."""


def _usage_wait(headers: requests.structures.CaseInsensitiveDict) -> float:
    raw = headers.get("X-Business-Use-Case-Usage", "")
    try:
        usage = json.loads(raw) if raw else {}
        minutes = max(
            (
                entry.get("estimated_time_to_regain_access", 0)
                for entries in usage.values()
                for entry in entries
            ),
            default=0,
        )
    except (ValueError, AttributeError, TypeError):
        minutes = 0
    if minutes:
        return float(minutes) * 60
    return retry_after_seconds(headers)


def check_graph_error(response: requests.Response) -> None:
    if response.status_code < 400:
        return
    try:
        error = response.json().get("error") or {}
    except ValueError:
        return  # not the Graph API's shape: the generic mapping decides
    code = error.get("code")
    if code in (190, 102):
        raise TokenExpired("Meta refused the access token")
    if code in RATE_LIMIT_CODES:
        raise RateLimited(_usage_wait(response.headers) or DEFAULT_RETRY_AFTER)
    if code == 100 and error.get("error_subcode") == 33:
        raise NotFound("Meta no longer has this item")
    if code == 10 or (isinstance(code, int) and 200 <= code <= 299):
        raise PermissionMissing("The Meta app was not granted the permission this needs")
    if code in (1, 2) or error.get("is_transient"):
        raise PlatformUnavailable("Meta had a temporary problem")


def without_token(url: str) -> str:
    """A ``paging.next`` address without the access token it carries."""
    parts = urlsplit(url)
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k != "access_token"]
    return urlunsplit(parts._replace(query=urlencode(query)))


def graph_time(value: str) -> datetime:
    """The Graph API's ISO 8601 times (``2025-01-14T10:30:00+0000``)."""
    return datetime.strptime(value, "%Y-%m-%dT%H:%M:%S%z")


def graph_call(
    session: requests.Session, method: str, path_or_url: str, token: str, *, platform: str = "Meta", **kwargs
) -> dict:
    """One Graph API call with ``token`` in the header, its failures mapped (``check_graph_error``)."""
    url = path_or_url if path_or_url.startswith("https://") else f"{GRAPH}/{path_or_url.lstrip('/')}"
    headers = {"Authorization": f"Bearer {token}"}
    return send(session, method, url, platform=platform, check=check_graph_error, headers=headers, **kwargs)


class GraphConnector(RefreshingConnector):
    """The Graph API calls of a Page-token connector."""

    platform_name = "Meta"

    def graph(self, method: str, path_or_url: str, **kwargs) -> dict:
        return self.with_token(
            lambda: graph_call(
                self.session,
                method,
                path_or_url,
                self.credentials.access_token,
                platform=self.platform_name,
                **kwargs,
            )
        )

    def read_posts(
        self,
        cursor: str | None,
        edge: str,
        params: dict,
        *,
        stamp: Callable[[dict], int],
        build: Callable[[dict], FetchedPost],
        look_back: int = 0,
    ) -> Batch[FetchedPost]:
        """The account's posts on ``edge`` newer than the cursor's watermark (``stamp`` of each, in
        epoch seconds), asked for from ``look_back`` seconds before it; oldest first."""
        position = page_cursor(decode_cursor(cursor), "posts")
        if position.after:
            url, query = position.after, None
        else:
            url, query = edge, dict(params)
            if position.since:
                query["since"] = int(position.since) - look_back
        items: list[FetchedPost] = []
        following = ""
        for data, next_page in self.pages(url, query):
            following = next_page
            for raw in data:
                when = stamp(raw)
                if position.since and when <= int(position.since):
                    continue
                position.saw(str(when), key=int)
                items.append(build(raw))
        items.sort(key=lambda post: post.posted_at)
        done = position.paused(following) if following else position.finished()
        return Batch(items, encode_cursor({"posts": done}), more=bool(following))

    def pages(self, path_or_url: str, params: dict | None, *, limit: int | None = None):
        """Yield (items, next address or "") for up to ``limit`` (``PAGE_LIMIT``) pages of an edge."""
        url, query = path_or_url, params
        for _ in range(limit or PAGE_LIMIT):
            body = self.graph("GET", url, params=query)
            following = (body.get("paging") or {}).get("next") or ""
            following = without_token(following) if following else ""
            yield body.get("data") or [], following
            if not following:
                return
            url, query = following, None

    def answer(self, in_reply_to: str, edge: str, text: str) -> FetchedReply:
        """Publish ``text`` as a reply on the comment's ``edge`` (Facebook ``comments``, Instagram
        ``replies``); a deleted comment is refused with a plain message."""
        try:
            body = self.graph("POST", f"{in_reply_to}/{edge}", data={"message": text})
        except NotFound as exc:
            raise ConnectorError(f"That comment is no longer on {self.platform_name}") from exc
        return FetchedReply(body["id"], self.oauth.now(), in_reply_to, text)

    def subscribe_to_webhooks(self) -> None:
        """Have Meta send this Page's changes (and its linked Instagram account's) to our webhook.
        Once per connection, after connecting; asking again is harmless."""
        page_id = self.credentials.extra.get("page_id") or self.credentials.account_ref
        body = self.graph("POST", f"{page_id}/subscribed_apps", data={"subscribed_fields": WEBHOOK_FIELDS})
        if not body.get("success"):
            raise ConnectorError("Meta did not subscribe the Page to the webhook")


class MetaOAuthClient(OAuthClientBase):
    """Facebook Login for Business with PKCE. The code gives a short-lived user token, exchanged for
    a long-lived one (60 days), which lists the Pages the person granted with their Page tokens."""

    authorise_endpoint = f"https://www.facebook.com/{GRAPH_VERSION}/dialog/oauth"
    token_endpoint = f"{GRAPH}/oauth/access_token"
    scope_separator = ","

    def identify(self, token: dict) -> Credentials:
        # POSTed, so the app secret travels in the body, not in an address a log might keep.
        long_lived = send(
            self.session,
            "POST",
            self.token_endpoint,
            platform="Meta",
            check=check_graph_error,
            data={
                "grant_type": "fb_exchange_token",
                "client_id": self.client_id,
                "client_secret": self.client_secret,
                "fb_exchange_token": token["access_token"],
            },
        )
        user_token = long_lived.get("access_token") or token["access_token"]
        fields = "id,name,access_token,instagram_business_account{id,username}"
        accounts = graph_call(self.session, "GET", "me/accounts", user_token, params={"fields": fields})
        for page in accounts.get("data") or []:
            credentials = self.credentials_for_page(page, user_token)
            if credentials is not None:
                return credentials
        raise CredentialsRejected("No Page was shared with the app")

    @abstractmethod
    def credentials_for_page(self, page: dict, user_token: str) -> Credentials | None:
        """The credentials for one Page of ``me/accounts``, or None if it is not one this platform
        reads: Facebook takes the Page itself, Instagram the professional account linked to it."""

    def refresh(self, credentials: Credentials) -> Credentials:
        """A new Page token from the long-lived user token (see the module docstring)."""
        if not credentials.refresh_token:
            raise CredentialsRejected("Meta access has expired and cannot be renewed")
        page_id = credentials.extra.get("page_id") or credentials.account_ref
        try:
            page = graph_call(
                self.session, "GET", page_id, credentials.refresh_token, params={"fields": "access_token"}
            )
        except (TokenExpired, PermissionMissing, NotFound) as exc:
            raise CredentialsRejected("Meta refused to renew the Page's access") from exc
        if not page.get("access_token"):
            raise CredentialsRejected("Meta refused to renew the Page's access")
        return replace(credentials, access_token=page["access_token"], expires_at=None)
