"""YouTube through the YouTube Data API v3, with Google's ``google-api-python-client``.

The client is built from the API description shipped inside the package (``static_discovery``: no
download), over ``httplib2`` with a timeout, and authorised by ``google-auth``, which renews an
expired access token with the refresh token once (``max_refresh_attempts=1``); the renewed token is
handed back through ``refreshed_credentials``. A refused renewal is ``CredentialsRejected``.

Quota (10,000 units a day per Google Cloud project, reset at midnight Pacific time). What each call
costs: ``channels.list`` 1, ``playlistItems.list`` 1 a page, ``commentThreads.list`` 1 a page,
``comments.list`` 1 a page, ``comments.insert`` 50. A quiet run costs 2 units (one page of uploads,
one page of comment threads; the uploads playlist's id is kept in the cursor after the first run),
so the 5-minute schedule uses 288 × 2 = 576 units a day per channel, plus 1 unit for each further
page and each thread with more than five replies, plus 50 for each reply sent from the app.

- **Posts**: the channel's uploads playlist (``playlistItems.list``), newest first, down to the
  newest upload already seen. A video deleted or made private stays in the playlist as "Deleted
  video" or "Private video" and is returned with ``deleted=True``.
- **Enquiries**: ``commentThreads.list(allThreadsRelatedToChannelId=…, order="time")``, read back to
  two days before the watermark so new replies in recent threads are found; only comments written
  or edited after the watermark are returned. An edit shows as ``updatedAt`` after ``publishedAt``
  (``edited_at``). A thread shows its first five replies; the rest come from ``comments.list``.
  A reply by the channel itself is its answer: a ``FetchedReply`` to the thread's comment.
- **Deleted**: deleted comments are not listed; a thread deleted between the two calls (404) is
  skipped; a reply to a deleted comment is refused with a plain message.
- **Limits**: ``quotaExceeded`` waits until the quota resets; ``rateLimitExceeded`` and 429 wait
  ``Retry-After`` (or a minute).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import httplib2
import requests
from django.utils import timezone
from google.auth.exceptions import RefreshError, TransportError
from google.oauth2.credentials import Credentials as GoogleCredentials
from google_auth_httplib2 import AuthorizedHttp
from googleapiclient.discovery import build
from googleapiclient.errors import HttpError

from accounts_register.platforms import Platform

from .base import (
    Batch,
    ConnectorError,
    Credentials,
    CredentialsRejected,
    EnquiryChannel,
    FetchedEnquiry,
    FetchedPost,
    FetchedReply,
    ItemKind,
    PlatformUnavailable,
    RateLimited,
)
from .http import (
    DEFAULT_TIMEOUT,
    NotFound,
    PageCursor,
    decode_cursor,
    encode_cursor,
    item_time,
    page_cursor,
    retry_after_seconds,
)
from .oauth import OAuthClientBase

PAGE_LIMIT = 5
TOKEN_URI = "https://oauth2.googleapis.com/token"  # noqa: S105 - an address, not a secret
REPLY_LOOKBACK = timedelta(days=2)
QUOTA_TIMEZONE = ZoneInfo("America/Los_Angeles")
GONE_VIDEO_TITLES = {"Deleted video", "Private video"}


def youtube_time(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


def until_quota_resets(now: datetime) -> float:
    local = now.astimezone(QUOTA_TIMEZONE)
    midnight = datetime.combine(local.date() + timedelta(days=1), datetime.min.time(), QUOTA_TIMEZONE)
    return (midnight - local).total_seconds()


def build_youtube(credentials: GoogleCredentials, http: httplib2.Http | None = None):
    """The YouTube client over ``http`` (tests pass ``HttpMockSequence``), authorised by
    ``credentials``; the API description is the one shipped with the package."""
    authorised = AuthorizedHttp(
        credentials, http=http or httplib2.Http(timeout=DEFAULT_TIMEOUT[1]), max_refresh_attempts=1
    )
    return build("youtube", "v3", http=authorised, static_discovery=True, cache_discovery=False)


def execute(request, *, now: Callable[[], datetime]) -> dict:
    """Run one API request, its failures mapped to ``base``'s exceptions."""
    try:
        return request.execute(num_retries=0)
    except RefreshError as exc:
        raise CredentialsRejected("Google refused to renew the YouTube access") from exc
    except HttpError as exc:
        raise mapped(exc, now=now) from exc
    except (httplib2.HttpLib2Error, TransportError, OSError) as exc:  # OSError: refused, reset, timed out
        raise PlatformUnavailable("YouTube could not be reached") from exc


def mapped(exc: HttpError, *, now: Callable[[], datetime]) -> Exception:
    status = exc.resp.status
    try:
        errors = json.loads(exc.content.decode()).get("error", {}).get("errors") or []
        reasons = {error.get("reason") for error in errors}
    except (ValueError, AttributeError):
        reasons = set()
    if reasons & {"quotaExceeded", "dailyLimitExceeded"}:
        return RateLimited(until_quota_resets(now()), "The YouTube quota for today is used up")
    if status == 429 or reasons & {"rateLimitExceeded", "userRateLimitExceeded"}:
        return RateLimited(retry_after_seconds(dict(exc.resp)))
    if status == 401:
        return CredentialsRejected("YouTube refused the access token")
    if status == 404:
        return NotFound("YouTube no longer has this item")
    if status >= 500:
        return PlatformUnavailable(f"YouTube answered {status}")
    return ConnectorError(f"YouTube refused the request ({status})")


class YouTubeOAuthClient(OAuthClientBase):
    platform = Platform.YOUTUBE.value
    authorise_endpoint = "https://accounts.google.com/o/oauth2/v2/auth"
    token_endpoint = TOKEN_URI
    scopes = (
        # Read the channel's videos and the comments on them, and answer a comment as the channel
        # (the narrower youtube.readonly cannot post a reply).
        "https://www.googleapis.com/auth/youtube.force-ssl",
    )

    def __init__(self, *, http: httplib2.Http | None = None, **kwargs):
        super().__init__(**kwargs)
        self.http = http

    def extra_authorise_params(self) -> dict:
        # A refresh token (offline) and the consent screen every time, so reconnecting brings one.
        return {"access_type": "offline", "prompt": "consent", "include_granted_scopes": "true"}

    def identify(self, token: dict) -> Credentials:
        youtube = build_youtube(GoogleCredentials(token["access_token"]), self.http)
        channels = execute(youtube.channels().list(part="id,snippet", mine=True), now=self.now)
        items = channels.get("items") or []
        if not items:
            raise CredentialsRejected("This Google account has no YouTube channel")
        channel = items[0]
        return Credentials(
            account_ref=channel["id"],
            handle=channel["snippet"].get("customUrl") or channel["snippet"].get("title", ""),
            access_token=token["access_token"],
            refresh_token=token.get("refresh_token", ""),
            expires_at=self.expires_at(token),
        )


class YouTubeConnector:
    platform = Platform.YOUTUBE.value
    can_reply = True

    def __init__(
        self,
        credentials: Credentials,
        *,
        session: requests.Session | None = None,
        http: httplib2.Http | None = None,
        now: Callable[[], datetime] = timezone.now,
        client_id: str | None = None,
        client_secret: str | None = None,
    ):
        self.credentials = credentials
        self.now = now
        oauth = YouTubeOAuthClient(client_id=client_id, client_secret=client_secret, session=session)
        expiry = (
            credentials.expires_at.astimezone(UTC).replace(tzinfo=None) if credentials.expires_at else None
        )
        self.google = GoogleCredentials(
            credentials.access_token,
            refresh_token=credentials.refresh_token or None,
            token_uri=TOKEN_URI,
            client_id=oauth.client_id,
            client_secret=oauth.client_secret,
            expiry=expiry,
        )
        self.youtube = build_youtube(self.google, http)

    @property
    def channel_id(self) -> str:
        return self.credentials.account_ref

    def run(self, request) -> dict:
        return execute(request, now=self.now)

    def refreshed_credentials(self) -> Credentials | None:
        if self.google.token == self.credentials.access_token:
            return None
        expiry = self.google.expiry.replace(tzinfo=UTC) if self.google.expiry else None
        return replace(
            self.credentials,
            access_token=self.google.token,
            refresh_token=self.google.refresh_token or self.credentials.refresh_token,
            expires_at=expiry,
        )

    # --- Posts ------------------------------------------------------------------------------
    def uploads_playlist(self) -> str:
        channels = self.run(self.youtube.channels().list(part="contentDetails", id=self.channel_id))
        items = channels.get("items") or []
        if not items:
            raise CredentialsRejected("YouTube no longer has this channel")
        return items[0]["contentDetails"]["relatedPlaylists"]["uploads"]

    def fetch_posts(self, cursor: str | None) -> Batch[FetchedPost]:
        parts = decode_cursor(cursor)
        position = page_cursor(parts, "posts")
        uploads = str(parts.get("uploads") or "") or self.uploads_playlist()
        since = youtube_time(position.since) if position.since else None
        items: list[FetchedPost] = []
        following, reached_known = position.after, False
        for _ in range(PAGE_LIMIT):
            page = self.run(
                self.youtube.playlistItems().list(
                    part="snippet,contentDetails",
                    playlistId=uploads,
                    maxResults=50,
                    pageToken=following or None,
                )
            )
            for raw in page.get("items") or []:
                added = youtube_time(raw["snippet"]["publishedAt"])
                if since and added <= since:
                    reached_known = True
                    break
                position.saw(raw["snippet"]["publishedAt"], key=youtube_time)
                items.append(self.post(raw, added))
            following = "" if reached_known else page.get("nextPageToken") or ""
            if not following:
                break
        items.sort(key=lambda post: post.posted_at)
        done = position.paused(following) if following else position.finished()
        return Batch(items, encode_cursor({"posts": done, "uploads": uploads}), more=bool(following))

    def post(self, raw: dict, added: datetime) -> FetchedPost:
        snippet, details = raw["snippet"], raw.get("contentDetails") or {}
        video_id = details.get("videoId") or snippet.get("resourceId", {}).get("videoId", "")
        title, description = snippet.get("title", ""), snippet.get("description", "")
        published = details.get("videoPublishedAt")
        return FetchedPost(
            platform_id=video_id,
            posted_at=youtube_time(published) if published else added,
            kind=ItemKind.ORIGINAL,
            text=f"{title}\n\n{description}".strip(),
            url=f"https://www.youtube.com/watch?v={video_id}",
            deleted=title in GONE_VIDEO_TITLES and not published,
        )

    # --- Enquiries --------------------------------------------------------------------------
    def fetch_enquiries(self, cursor: str | None) -> Batch[FetchedEnquiry | FetchedReply]:
        position = page_cursor(decode_cursor(cursor), "threads")
        since = youtube_time(position.since) if position.since else None
        items: list[FetchedEnquiry | FetchedReply] = []
        following, reached_known = position.after, False
        for _ in range(PAGE_LIMIT):
            page = self.run(
                self.youtube.commentThreads().list(
                    part="snippet,replies",
                    allThreadsRelatedToChannelId=self.channel_id,
                    maxResults=100,
                    order="time",
                    textFormat="plainText",
                    pageToken=following or None,
                )
            )
            for thread in page.get("items") or []:
                top = thread["snippet"]["topLevelComment"]
                if since and youtube_time(top["snippet"]["publishedAt"]) <= since - REPLY_LOOKBACK:
                    reached_known = True
                    break
                items.extend(self.thread(thread, position, since))
            following = "" if reached_known else page.get("nextPageToken") or ""
            if not following:
                break
        items.sort(key=item_time)
        done = position.paused(following) if following else position.finished()
        return Batch(items, encode_cursor({"threads": done}), more=bool(following))

    def thread(
        self, thread: dict, position: PageCursor, since: datetime | None
    ) -> list[FetchedEnquiry | FetchedReply]:
        video_id = thread["snippet"].get("videoId", "")
        comments = [thread["snippet"]["topLevelComment"]]
        replies = (thread.get("replies") or {}).get("comments") or []
        if thread["snippet"].get("totalReplyCount", 0) > len(replies):
            try:
                replies = self.all_replies(thread["id"])
            except NotFound:
                return []  # the thread was deleted between the two calls
        comments.extend(replies)
        found: list[FetchedEnquiry | FetchedReply] = []
        for comment in comments:
            snippet = comment["snippet"]
            changed = max(
                snippet["publishedAt"], snippet.get("updatedAt") or snippet["publishedAt"], key=youtube_time
            )
            if since and youtube_time(changed) <= since:
                continue
            position.saw(changed, key=youtube_time)
            item = self.comment(comment, video_id)
            if item is not None:
                found.append(item)
        return found

    def all_replies(self, parent_id: str) -> list[dict]:
        request = self.youtube.comments().list(
            part="snippet", parentId=parent_id, maxResults=100, textFormat="plainText"
        )
        return self.run(request).get("items") or []

    def comment(self, comment: dict, video_id: str) -> FetchedEnquiry | FetchedReply | None:
        snippet = comment["snippet"]
        parent = snippet.get("parentId", "")
        by_channel = (snippet.get("authorChannelId") or {}).get("value") == self.channel_id
        published = youtube_time(snippet["publishedAt"])
        updated = youtube_time(snippet.get("updatedAt") or snippet["publishedAt"])
        text = snippet.get("textOriginal") or snippet.get("textDisplay", "")
        url = f"https://www.youtube.com/watch?v={video_id}&lc={comment['id']}"
        if by_channel:
            # The channel's own top-level comment under its video answers nobody.
            return FetchedReply(comment["id"], published, parent, text, url) if parent else None
        return FetchedEnquiry(
            platform_id=comment["id"],
            received_at=published,
            channel=EnquiryChannel.COMMENT,
            author=snippet.get("authorDisplayName", ""),
            text=text,
            url=url,
            conversation_id=video_id,
            in_reply_to=parent,
            edited_at=updated if updated > published else None,
        )

    # --- Replying ---------------------------------------------------------------------------
    def publish_reply(self, *, in_reply_to: str, conversation_id: str, text: str) -> FetchedReply:
        # Replies hang off the thread's top-level comment; a reply's id is "<thread id>.<reply id>".
        parent = in_reply_to.split(".")[0]
        body = {"snippet": {"parentId": parent, "textOriginal": text}}
        try:
            created = self.run(self.youtube.comments().insert(part="snippet", body=body))
        except NotFound as exc:
            raise ConnectorError("That comment is no longer on YouTube") from exc
        url = (
            f"https://www.youtube.com/watch?v={conversation_id}&lc={created['id']}" if conversation_id else ""
        )
        return FetchedReply(
            created["id"], youtube_time(created["snippet"]["publishedAt"]), in_reply_to, text, url
        )


CONNECTOR = YouTubeConnector
OAUTH_CLIENT = YouTubeOAuthClient
