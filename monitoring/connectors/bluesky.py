"""Bluesky, through the AT Protocol (issue 14): the account's posts and reposts, the public's replies,
mentions and quotes, the account's own answers in those threads, and replies published from the app.

Signing in uses the account's handle and an **app password** (never the account's own password,
004 Do 3; ``is_app_password`` tells them apart). A session, once made, is handed back through
``refreshed_credentials`` and reused by later syncs, because Bluesky allows an account only a few
hundred sign-ins a day; the app password is used again only when the session has expired or been
revoked, and a revoked app password then raises ``CredentialsRejected``.

Where each stream reads:

- **Posts** come from the account's own repository on its PDS (``com.atproto.repo.listRecords``,
  oldest first): ``app.bsky.feed.post`` (originals and replies) and ``app.bsky.feed.repost`` (shares).
  Record keys are time-ordered ids (TIDs), so the cursor is the last key read in each collection and
  a sync reads only what is newer. The repository is the source of truth: nothing waits for an index.
- **Enquiries** come from the account's notifications (``app.bsky.notification.listNotifications``,
  reasons reply, mention and quote), which are newest first: a sync walks back to the last one it saw
  (less a margin for clocks that run slow, with what it already saw in that margin remembered so each
  arrives once), resuming next time where it stopped if there were more pages than one run reads.
  The account's own replies to other people's posts come from its repository, like its posts, as
  ``FetchedReply``: a reply made in the Bluesky app answers the enquiry it replies to (000 §25).
- **Deleted** replies and mentions: a notification vanishes when its post is deleted, so the cursor
  remembers the enquiries of the last two days and each sync asks whether they still exist
  (``app.bsky.feed.getPosts``); one that has gone comes back with ``deleted=True``. A post hidden
  from the account (the author blocked it) looks the same. Posts cannot be edited on Bluesky.
- **Direct messages** (``chat.bsky.convo``) need Bluesky's separate chat service and an app password
  allowed to read messages; they are not read.
"""

from __future__ import annotations

import hashlib
import json
import re
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
from atproto import Client, models
from atproto_client import exceptions as sdk
from atproto_client.client.session import Session, SessionEvent
from atproto_client.request import Request
from atproto_client.utils.facet_detection import detect_facets
from atproto_core.uri import AtUri

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

DEFAULT_PDS_URL = "https://bsky.social"
POST = "app.bsky.feed.post"
REPOST = "app.bsky.feed.repost"

#: Bluesky's app-password format: four groups of four lowercase letters or digits.
APP_PASSWORD = re.compile(r"[a-z0-9]{4}-[a-z0-9]{4}-[a-z0-9]{4}-[a-z0-9]{4}")

PAGE_SIZE = 100  # the most listRecords and listNotifications give at once
PAGE_LIMIT = 5  # pages of each collection or of notifications read in one call; ``more`` says if others wait
GET_POSTS_LIMIT = 25  # app.bsky.feed.getPosts takes at most 25 URIs
#: How far back a first sync reads enquiries: older ones would only fill the inbox with the long overdue.
FIRST_SYNC_LOOK_BACK = timedelta(days=30)
#: Notifications sort by the earlier of the post's own time and the time it was indexed, so a reply
#: from a phone whose clock runs slow sorts before the last one seen: each sync looks this much further
#: back, and skips what it already saw there.
CLOCK_MARGIN = timedelta(minutes=15)
#: Enquiries watched for deletion: those of the last two days, at most this many.
WATCH_FOR = timedelta(days=2)
WATCH_LIMIT = 100
MAX_REPLY_GRAPHEMES = 300
TIMEOUT_SECONDS = 30.0

REASON_CHANNELS = {
    "reply": EnquiryChannel.COMMENT,
    "mention": EnquiryChannel.MENTION,
    "quote": EnquiryChannel.MENTION,
}
CHANNEL_CODES = {EnquiryChannel.COMMENT: "c", EnquiryChannel.MENTION: "m"}
CODE_CHANNELS = {code: channel for channel, code in CHANNEL_CODES.items()}
#: XRPC error names that mean the session or the app password is no good any more.
REJECTING_ERRORS = {
    "AuthenticationRequired",
    "ExpiredToken",
    "InvalidToken",
    "AccountTakedown",
    "AccountDeactivated",
    "AuthFactorTokenRequired",
}
BASE32_SORTABLE = "234567abcdefghijklmnopqrstuvwxyz"


def is_app_password(value: object) -> bool:
    """Whether ``value`` looks like a Bluesky app password (``xxxx-xxxx-xxxx-xxxx``, lowercase letters
    and digits). Anything else may be the account's own password, which the register never holds
    (004 Do 3), so a connect form refuses it before it is sent anywhere."""
    return isinstance(value, str) and APP_PASSWORD.fullmatch(value) is not None


def post_url(handle_or_did: str, uri: str) -> str:
    """Where a person sees a post in the Bluesky app."""
    parsed = AtUri.from_str(uri)
    return f"https://bsky.app/profile/{handle_or_did or parsed.host}/post/{parsed.rkey}"


def tid_for(moment: datetime) -> str:
    """The smallest record key (TID) a record created at ``moment`` can have: 53 bits of microseconds
    since the epoch, then 10 bits of clock id, in base32-sortable."""
    value = int(moment.timestamp() * 1_000_000) << 10
    return "".join(BASE32_SORTABLE[(value >> shift) & 31] for shift in range(60, -1, -5))


def tid_time(rkey: str) -> datetime | None:
    """When a record key (TID) was made, or None if it is not a TID."""
    if len(rkey) != 13 or any(char not in BASE32_SORTABLE for char in rkey):
        return None
    value = 0
    for char in rkey:
        value = value * 32 + BASE32_SORTABLE.index(char)
    return datetime.fromtimestamp((value >> 10) / 1_000_000, tz=UTC)


def _field(obj: Any, name: str, camel: str | None = None) -> Any:
    """A field of an SDK model or of a plain dict (records of unknown types stay dicts)."""
    if obj is None:
        return None
    if isinstance(obj, dict):
        return obj.get(camel or name, obj.get(name))
    return getattr(obj, name, None)


def _parse_time(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _short(uri: str) -> str:
    return hashlib.blake2b(uri.encode(), digest_size=8).hexdigest()


def _chunks(values: list[str], size: int) -> Iterator[list[str]]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


def _error_name(error: sdk.RequestErrorBase) -> str:
    content = error.response.content if error.response is not None else None
    name = _field(content, "error")
    return name if isinstance(name, str) else ""


def _retry_after(error: sdk.RateLimitExceededError) -> float:
    if error.retry_after is not None:
        return error.retry_after
    if error.reset_at is not None:
        return max(error.reset_at.timestamp() - time.time(), 0.0)
    return 60.0


def translate_error(error: Exception) -> ConnectorError:
    """The connector's error for one of the SDK's or the HTTP client's: never with a secret in it."""
    if isinstance(error, sdk.RateLimitExceededError):
        return RateLimited(_retry_after(error), "Bluesky asked us to slow down")
    if isinstance(error, sdk.UnauthorizedError | sdk.LoginRequiredError):
        return CredentialsRejected(
            "Bluesky did not accept the handle and app password: the app password may have been revoked"
        )
    if isinstance(error, sdk.BadRequestError):
        name = _error_name(error)
        if name in REJECTING_ERRORS:
            return CredentialsRejected(f"Bluesky signed the account out ({name})")
        return ConnectorError(f"Bluesky refused the request ({name or 'bad request'})")
    if isinstance(error, sdk.RequestErrorBase):
        status = error.response.status_code if error.response is not None else "no answer"
        return PlatformUnavailable(f"Bluesky is not answering properly ({status})")
    if isinstance(error, httpx.HTTPError | sdk.ModelError):
        return PlatformUnavailable(f"Bluesky is not answering properly ({type(error).__name__})")
    raise error


@dataclass(frozen=True)
class _Record:
    uri: str
    cid: str
    value: Any

    @property
    def rkey(self) -> str:
        return AtUri.from_str(self.uri).rkey

    @property
    def created_at(self) -> datetime:
        return (
            _parse_time(_field(self.value, "created_at", "createdAt"))
            or tid_time(self.rkey)
            or datetime.fromtimestamp(0, tz=UTC)
        )


class BlueskyConnector:
    """One Bluesky account, signed in with its handle and an app password (see the module's notes)."""

    platform = "bluesky"
    can_reply = True

    def __init__(
        self,
        credentials: Credentials,
        *,
        timeout: float = TIMEOUT_SECONDS,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.credentials = credentials
        self.pds_url = (credentials.extra or {}).get("pds_url") or DEFAULT_PDS_URL
        http = {"transport": transport} if transport is not None else {}
        self._sdk = Client(base_url=self.pds_url, request=Request(timeout=timeout, **http))
        self._sdk.on_session_change(self._remember_session)
        self._session: Session | None = None
        self._session_changed = False
        self._signed_in_by_password = False

    # --- Signing in --------------------------------------------------------------------------------
    def _remember_session(self, event: SessionEvent, session: Session) -> None:
        self._session = session
        if event in (SessionEvent.CREATE, SessionEvent.REFRESH):
            self._session_changed = True

    def _sign_in(self) -> None:
        credentials = self.credentials
        if (
            self._session is None
            and credentials.access_token
            and credentials.refresh_token
            and credentials.account_ref.startswith("did:")
        ):
            stored = Session(
                handle=credentials.handle,
                did=credentials.account_ref,
                access_jwt=credentials.access_token,
                refresh_jwt=credentials.refresh_token,
                # The account's own PDS, which signing in at bsky.social led to.
                pds_endpoint=(credentials.extra or {}).get("pds_endpoint") or self.pds_url,
            )
            self._sdk.login(session_string=stored.encode(), fetch_bsky_profile=False)
            return
        self._sign_in_with_password()

    def _sign_in_with_password(self) -> None:
        credentials = self.credentials
        if not credentials.app_password:
            raise CredentialsRejected("There is no app password for this account: connect it again")
        self._signed_in_by_password = True
        self._sdk.login(
            credentials.handle or credentials.account_ref, credentials.app_password, fetch_bsky_profile=False
        )

    def _call(self, method, *args, **kwargs):
        """Call the SDK, signed in; a stored session that has expired or been revoked is replaced once
        by signing in with the app password. Errors become the connector's own."""
        try:
            if self._session is None:
                self._sign_in()
            try:
                return method(*args, **kwargs)
            except (sdk.UnauthorizedError, sdk.BadRequestError, sdk.LoginRequiredError) as error:
                rejected = (
                    not isinstance(error, sdk.BadRequestError) or _error_name(error) in REJECTING_ERRORS
                )
                if not rejected or self._signed_in_by_password:
                    raise
                self._sign_in_with_password()
                return method(*args, **kwargs)
        except ConnectorError:
            raise
        except Exception as error:  # noqa: BLE001 - every SDK and HTTP failure is translated, others re-raised
            raise translate_error(error) from None

    def _signed_in(self) -> Session:
        if self._session is None:
            self._call(lambda: None)  # signing in is all it does
        if self._session is None:  # pragma: no cover - the SDK sets a session or raises
            raise CredentialsRejected("Bluesky gave no session for this account")
        return self._session

    @property
    def did(self) -> str:
        return self._signed_in().did

    @property
    def handle(self) -> str:
        return self._signed_in().handle or self.credentials.handle

    def refreshed_credentials(self) -> Credentials | None:
        """The account's DID and the new session, when this run signed in or refreshed the session:
        the sync stores them (encrypted) so the next run need not sign in again."""
        if not self._session_changed or self._session is None:
            return None
        session = self._session
        try:
            expires_at = datetime.fromtimestamp(session.access_jwt_payload.exp, tz=UTC)
        except Exception:  # noqa: BLE001 - an unreadable expiry only means the SDK refreshes sooner
            expires_at = None
        return Credentials(
            account_ref=session.did,
            handle=session.handle or self.credentials.handle,
            access_token=session.access_jwt,
            refresh_token=session.refresh_jwt,
            expires_at=expires_at,
            app_password=self.credentials.app_password,
            extra={
                **(self.credentials.extra or {}),
                "pds_url": self.pds_url,
                "pds_endpoint": session.pds_endpoint or self.pds_url,
            },
        )

    # --- Reading the account's repository ----------------------------------------------------------
    def _list_records(self, collection: str, after: str | None) -> tuple[list[_Record], str | None, bool]:
        """Records of ``collection`` with keys after ``after``, oldest first, up to ``PAGE_LIMIT`` pages:
        the records, the last key read, and whether more wait."""
        records: list[_Record] = []
        cursor = after
        for _ in range(PAGE_LIMIT):
            params = models.ComAtprotoRepoListRecords.Params(
                repo=self.did, collection=collection, limit=PAGE_SIZE, reverse=True, cursor=cursor
            )
            page = self._call(self._sdk.com.atproto.repo.list_records, params)
            fresh = [
                _Record(uri=record.uri, cid=record.cid, value=record.value)
                for record in page.records
                if cursor is None or AtUri.from_str(record.uri).rkey > cursor
            ]
            records.extend(fresh)
            if fresh:
                cursor = fresh[-1].rkey
            if len(page.records) < PAGE_SIZE or not fresh:
                return records, cursor, False
        return records, cursor, True

    def _post_views(self, uris: Iterable[str]) -> dict[str, Any]:
        """The App View's view of each post that still exists (and is visible to the account)."""
        views: dict[str, Any] = {}
        for chunk in _chunks(sorted(set(uris)), GET_POSTS_LIMIT):
            answer = self._call(
                self._sdk.app.bsky.feed.get_posts, models.AppBskyFeedGetPosts.Params(uris=chunk)
            )
            views.update({view.uri: view for view in answer.posts})
        return views

    # --- Posts ---------------------------------------------------------------------------------------
    def fetch_posts(self, cursor: str | None) -> Batch[FetchedPost]:
        """The account's posts, replies and reposts with record keys after the cursor's, oldest first
        (all of them, a few pages a call, on the first sync)."""
        state = json.loads(cursor) if cursor else {}
        posts, last_post, more_posts = self._list_records(POST, state.get("post"))
        reposts, last_repost, more_reposts = self._list_records(REPOST, state.get("repost"))
        handle = self.handle
        items = [
            FetchedPost(
                platform_id=record.uri,
                posted_at=record.created_at,
                kind=ItemKind.REPLY if _field(record.value, "reply") else ItemKind.ORIGINAL,
                text=_field(record.value, "text") or "",
                url=post_url(handle, record.uri),
            )
            for record in posts
        ]
        subjects = {record.uri: _field(_field(record.value, "subject"), "uri") or "" for record in reposts}
        shared = self._post_views(uri for uri in subjects.values() if uri)
        for record in reposts:
            view = shared.get(subjects[record.uri])
            items.append(
                FetchedPost(
                    platform_id=record.uri,
                    posted_at=record.created_at,
                    kind=ItemKind.SHARE,
                    text=(_field(view.record, "text") or "") if view is not None else "",
                    url=post_url(view.author.handle, view.uri) if view is not None else "",
                )
            )
        items.sort(key=lambda item: (item.posted_at, item.platform_id))
        new_state = {"post": last_post, "repost": last_repost}
        return Batch(items=items, cursor=json.dumps(new_state), more=more_posts or more_reposts)

    # --- Enquiries -------------------------------------------------------------------------------------
    def fetch_enquiries(self, cursor: str | None) -> Batch[FetchedEnquiry | FetchedReply]:
        """Replies, mentions and quotes addressed to the account since the cursor, each once; those of
        the last two days that have since been deleted; and the account's own replies to others."""
        state = json.loads(cursor) if cursor else {}
        enquiries, notifications_state, more_notifications = self._notifications(
            state.get("notifications") or {}
        )
        watch = self._watch_list(state.get("watch") or [], enquiries)
        deleted, watch = self._deleted(watch)
        replies, last_reply, more_replies = self._own_replies(state.get("replies"))
        new_state = {"notifications": notifications_state, "watch": watch, "replies": last_reply}
        items: list[FetchedEnquiry | FetchedReply] = [*enquiries, *deleted, *replies]
        return Batch(items=items, cursor=json.dumps(new_state), more=more_notifications or more_replies)

    def _notifications(self, state: dict) -> tuple[list[FetchedEnquiry], dict, bool]:
        """Walk the notifications, newest first, back to the last one seen less ``CLOCK_MARGIN`` (or
        ``FIRST_SYNC_LOOK_BACK`` on a first sync), ``PAGE_LIMIT`` pages a call; a walk cut short resumes
        from the API's cursor next call, and the newest seen becomes the mark once it is done."""
        if "stop" in state:
            stop = _parse_time(state["stop"])
        elif "mark" in state:
            stop = _parse_time(state["mark"]) - CLOCK_MARGIN
        else:
            stop = datetime.now(UTC) - FIRST_SYNC_LOOK_BACK
        newest = _parse_time(state.get("newest") or state.get("mark"))
        seen_before: dict[str, str] = dict(state.get("seen") or {})
        seen_now: dict[str, str] = {}
        api_cursor = state.get("resume")
        found: dict[str, FetchedEnquiry] = {}
        finished = False
        for _ in range(PAGE_LIMIT):
            params = models.AppBskyNotificationListNotifications.Params(
                limit=PAGE_SIZE, cursor=api_cursor, reasons=sorted(REASON_CHANNELS)
            )
            page = self._call(self._sdk.app.bsky.notification.list_notifications, params)
            for notification in page.notifications:
                at = _parse_time(notification.indexed_at)
                if at is None:
                    continue
                if at < stop:
                    finished = True
                    break
                newest = max(newest, at) if newest else at
                if notification.reason not in REASON_CHANNELS:
                    continue
                enquiry = self._enquiry(notification, at)
                if notification.uri in found:
                    # A reply that also mentions the account notifies twice: it is one comment.
                    if enquiry.channel == EnquiryChannel.COMMENT:
                        found[notification.uri] = enquiry
                    continue
                key = _short(notification.uri)
                if key in seen_before:
                    continue
                seen_now[key] = at.isoformat()
                found[notification.uri] = enquiry
            if finished or not page.cursor or not page.notifications:
                finished = True
                break
            api_cursor = page.cursor
        mark = newest or stop
        # What the next walk may meet again: the margin below the newest seen (and, while this walk
        # is unfinished, what the last walk saw in the margin it ends at).
        recent = {key: at for key, at in seen_now.items() if _parse_time(at) >= mark - CLOCK_MARGIN}
        if finished:
            seen = {
                key: at
                for key, at in {**seen_before, **recent}.items()
                if _parse_time(at) >= mark - CLOCK_MARGIN
            }
        else:
            seen = {**seen_before, **recent}
        if finished:
            new_state = {"mark": mark.isoformat(), "seen": seen}
        else:
            previous = state.get("mark")
            new_state = {"stop": stop.isoformat(), "resume": api_cursor, "seen": seen}
            if newest:
                new_state["newest"] = newest.isoformat()
            if previous:
                new_state["mark"] = previous
        enquiries = sorted(found.values(), key=lambda item: (item.received_at, item.platform_id))
        return enquiries, new_state, not finished

    def _enquiry(self, notification: Any, at: datetime) -> FetchedEnquiry:
        record = notification.record
        reply = _field(record, "reply")
        root = _field(_field(reply, "root"), "uri")
        parent = _field(_field(reply, "parent"), "uri")
        return FetchedEnquiry(
            platform_id=notification.uri,
            received_at=at,
            channel=REASON_CHANNELS[notification.reason],
            author=notification.author.handle,
            text=_field(record, "text") or "",
            url=post_url(notification.author.handle, notification.uri),
            conversation_id=root or notification.uri,
            in_reply_to=parent or "",
        )

    @staticmethod
    def _watch_list(watch: list, enquiries: list[FetchedEnquiry]) -> list:
        """The enquiries watched for deletion: [uri, received at, channel code, author], newest last."""
        known = {entry[0] for entry in watch}
        watch = [*watch]
        for enquiry in enquiries:
            if enquiry.platform_id not in known:
                code = CHANNEL_CODES.get(enquiry.channel, "m")
                watch.append([enquiry.platform_id, enquiry.received_at.isoformat(), code, enquiry.author])
        since = datetime.now(UTC) - WATCH_FOR
        watch = [entry for entry in watch if _parse_time(entry[1]) >= since]
        watch.sort(key=lambda entry: entry[1])
        return watch[-WATCH_LIMIT:]

    def _deleted(self, watch: list) -> tuple[list[FetchedEnquiry], list]:
        if not watch:
            return [], watch
        views = self._post_views(entry[0] for entry in watch)
        gone = [entry for entry in watch if entry[0] not in views]
        deleted = [
            FetchedEnquiry(
                platform_id=uri,
                received_at=_parse_time(received_at),
                channel=CODE_CHANNELS.get(code, EnquiryChannel.MENTION),
                author=author,
                deleted=True,
            )
            for uri, received_at, code, author in gone
        ]
        return deleted, [entry for entry in watch if entry[0] in views]

    def _own_replies(self, after: str | None) -> tuple[list[FetchedReply], str | None, bool]:
        """The account's replies to other people's posts (a reply in its own thread answers no one)."""
        if after is None:
            after = tid_for(datetime.now(UTC) - FIRST_SYNC_LOOK_BACK)
        records, last, more = self._list_records(POST, after)
        did, handle = self.did, self.handle
        replies = []
        for record in records:
            parent = _field(_field(_field(record.value, "reply"), "parent"), "uri")
            if not parent or AtUri.from_str(parent).host == did:
                continue
            replies.append(
                FetchedReply(
                    platform_id=record.uri,
                    replied_at=record.created_at,
                    in_reply_to=parent,
                    text=_field(record.value, "text") or "",
                    url=post_url(handle, record.uri),
                )
            )
        return replies, last or after, more

    # --- Replying ------------------------------------------------------------------------------------
    def publish_reply(self, *, in_reply_to: str, conversation_id: str, text: str) -> FetchedReply:
        """Reply in the thread to the post ``in_reply_to`` (its thread's root comes from the post
        itself, so a reply lands in the right conversation even if ``conversation_id`` is stale)."""
        text = (text or "").strip()
        if not text:
            raise ConnectorError("A reply needs some text")
        if len(text) > MAX_REPLY_GRAPHEMES:
            raise ConnectorError(f"A Bluesky reply can be at most {MAX_REPLY_GRAPHEMES} characters")
        parent = self._post_views([in_reply_to]).get(in_reply_to)
        if parent is None:
            raise ConnectorError("The post has been deleted on Bluesky, so it cannot be answered there")
        parent_ref = models.ComAtprotoRepoStrongRef.Main(uri=parent.uri, cid=parent.cid)
        thread = _field(parent.record, "reply")
        root = _field(thread, "root")
        root_ref = (
            models.ComAtprotoRepoStrongRef.Main(uri=_field(root, "uri"), cid=_field(root, "cid"))
            if root
            else parent_ref
        )
        replied_at = datetime.now(UTC)
        record = models.AppBskyFeedPost.Record(
            created_at=replied_at.isoformat().replace("+00:00", "Z"),
            text=text,
            reply=models.AppBskyFeedPost.ReplyRef(root=root_ref, parent=parent_ref),
            facets=detect_facets(text) or None,
            langs=["en"],
        )
        created = self._call(self._sdk.app.bsky.feed.post.create, self.did, record)
        return FetchedReply(
            platform_id=created.uri,
            replied_at=replied_at,
            in_reply_to=in_reply_to,
            text=text,
            url=post_url(self.handle, created.uri),
        )


CONNECTOR = BlueskyConnector
