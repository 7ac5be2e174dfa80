"""The demonstration platform: a recorded feed replayed by the clock, so that under ``make run`` new
posts and enquiries arrive on the demo council's connected accounts with no platform at all.

``demo_feed.json`` holds an hour of an account's life (its posts; the public's comments, mentions and
messages; the account answering one in the thread, an enquiry edited and one deleted). The replay
repeats it every ``period_minutes``, shifted by a few minutes per account, from a fixed start: what
has "happened" by a given time is always the same, so a cursor (the position of the last event
delivered) resumes exactly. A first sync reads the last two hours only.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cache
from pathlib import Path

from django.utils import timezone

from .base import (
    Batch,
    Credentials,
    EnquiryChannel,
    FetchedEnquiry,
    FetchedPost,
    FetchedReply,
    ItemKind,
)

FEED = Path(__file__).with_name("demo_feed.json")
START = datetime(2020, 1, 1, tzinfo=UTC)
PAGE_SIZE = 25
FIRST_SYNC_LOOK_BACK = timedelta(hours=2)


@dataclass(frozen=True)
class _Event:
    minute: int
    kind: str  # post, enquiry, reply, edit, delete
    index: int  # which post or enquiry of the feed
    text: str = ""


@cache
def _feed() -> dict:
    return json.loads(FEED.read_text(encoding="utf-8"))


@cache
def _timeline(stream: str) -> tuple[_Event, ...]:
    feed = _feed()
    events: list[_Event] = []
    if stream == "posts":
        events = [_Event(post["minute"], "post", i) for i, post in enumerate(feed["posts"])]
    else:
        for i, enquiry in enumerate(feed["enquiries"]):
            events.append(_Event(enquiry["minute"], "enquiry", i))
            if "reply" in enquiry:
                reply = enquiry["reply"]
                events.append(_Event(enquiry["minute"] + reply["after_minutes"], "reply", i, reply["text"]))
            if "edit" in enquiry:
                edit = enquiry["edit"]
                events.append(_Event(enquiry["minute"] + edit["after_minutes"], "edit", i, edit["text"]))
            if "delete_after_minutes" in enquiry:
                events.append(_Event(enquiry["minute"] + enquiry["delete_after_minutes"], "delete", i))
    period = feed["period_minutes"]
    if any(event.minute >= period for event in events):
        raise ValueError("Every event of the demo feed must fall within its period.")
    return tuple(sorted(events, key=lambda event: (event.minute, event.kind, event.index)))


class DemoConnector:
    """``base.Connector`` over the replayed feed. ``clock`` is the platform's "now"."""

    platform = "demo"
    can_reply = True

    def __init__(self, credentials: Credentials, *, clock: Callable[[], datetime] = timezone.now):
        self.credentials = credentials
        self.clock = clock
        ref = credentials.account_ref
        self.shift = timedelta(minutes=int(hashlib.sha256(ref.encode()).hexdigest(), 16) % 11)

    # --- the replay -----------------------------------------------------------------------------
    def _at(self, stream: str, position: int) -> datetime:
        events = _timeline(stream)
        cycle, seq = divmod(position, len(events))
        period = timedelta(minutes=_feed()["period_minutes"])
        return START + self.shift + cycle * period + timedelta(minutes=events[seq].minute)

    def _first_position(self, stream: str, since: datetime) -> int:
        events = _timeline(stream)
        period = timedelta(minutes=_feed()["period_minutes"])
        cycle = max((since - START - self.shift) // period, 0)
        position = cycle * len(events)
        while self._at(stream, position) < since:
            position += 1
        return position

    def _page(self, stream: str, cursor: str | None) -> tuple[list, str | None, bool]:
        """The events after ``cursor`` that have happened by now, up to a page; the new cursor; and
        whether more have happened."""
        now = self.clock()
        if cursor:
            position = int(cursor) + 1
        else:
            position = self._first_position(stream, now - FIRST_SYNC_LOOK_BACK)
        events = _timeline(stream)
        page = []
        while len(page) < PAGE_SIZE and self._at(stream, position) <= now:
            page.append((position, events[position % len(events)], self._at(stream, position)))
            position += 1
        more = self._at(stream, position) <= now
        last = str(page[-1][0]) if page else cursor
        return page, last, more

    def _id(self, kind: str, position: int, index: int) -> str:
        cycle = position // len(_timeline("posts" if kind == "p" else "enquiries"))
        return f"{self.credentials.account_ref}-{kind}{cycle}-{index}"

    def _url(self, platform_id: str) -> str:
        name = self.credentials.handle or self.credentials.account_ref
        return f"https://social.example/{name}/{platform_id}"

    # --- base.Connector -------------------------------------------------------------------------
    def fetch_posts(self, cursor: str | None) -> Batch[FetchedPost]:
        page, last, more = self._page("posts", cursor)
        posts = _feed()["posts"]
        items = []
        for position, event, at in page:
            post = posts[event.index]
            platform_id = self._id("p", position, event.index)
            items.append(
                FetchedPost(
                    platform_id=platform_id,
                    posted_at=at,
                    kind=ItemKind(post["kind"]),
                    text=post["text"],
                    url=self._url(platform_id),
                    published_by=post.get("published_by", ""),
                )
            )
        return Batch(items=items, cursor=last, more=more)

    def fetch_enquiries(self, cursor: str | None) -> Batch[FetchedEnquiry | FetchedReply]:
        page, last, more = self._page("enquiries", cursor)
        enquiries = _feed()["enquiries"]
        period = timedelta(minutes=_feed()["period_minutes"])
        items: list[FetchedEnquiry | FetchedReply] = []
        for position, event, at in page:
            enquiry = enquiries[event.index]
            platform_id = self._id("e", position, event.index)
            received_at = at - timedelta(minutes=event.minute - enquiry["minute"])
            if received_at > at or received_at < at - period:
                received_at = at
            if event.kind == "reply":
                items.append(
                    FetchedReply(
                        platform_id=f"{platform_id}-reply",
                        replied_at=at,
                        in_reply_to=platform_id,
                        text=event.text,
                        url=self._url(f"{platform_id}-reply"),
                    )
                )
                continue
            items.append(
                FetchedEnquiry(
                    platform_id=platform_id,
                    received_at=received_at,
                    channel=EnquiryChannel(enquiry["channel"]),
                    author=enquiry["author"],
                    text=event.text or enquiry["text"],
                    url=self._url(platform_id),
                    conversation_id=platform_id,
                    edited_at=at if event.kind == "edit" else None,
                    deleted=event.kind == "delete",
                )
            )
        return Batch(items=items, cursor=last, more=more)

    def publish_reply(self, *, in_reply_to: str, conversation_id: str, text: str) -> FetchedReply:
        platform_id = f"{self.credentials.account_ref}-r{uuid.uuid4().hex[:12]}"
        return FetchedReply(
            platform_id=platform_id,
            replied_at=self.clock(),
            in_reply_to=in_reply_to,
            text=text,
            url=self._url(platform_id),
        )

    def refreshed_credentials(self) -> Credentials | None:
        return None
