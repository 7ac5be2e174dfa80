"""A scripted stand-in for a platform (not for our database): what its API would return, page by page.

``FakePlatform`` holds the platform's side: the account's posts and the activity addressed to it, in
the order they happened, and failures to raise on the next calls. ``platform.connector`` is a
connector class over it, built like the real ones (``Connector(credentials)``), for the sync's
``connector_factory`` or the registry.
"""

from __future__ import annotations

import threading
import time
from datetime import datetime

from django.utils import timezone

from monitoring.connectors.base import (
    Batch,
    Credentials,
    EnquiryChannel,
    FetchedEnquiry,
    FetchedPost,
    FetchedReply,
    ItemKind,
)


class FakePlatform:
    def __init__(self, *, page_size: int = 2, can_reply: bool = True):
        self.posts: list[FetchedPost] = []
        self.activity: list[FetchedEnquiry | FetchedReply] = []
        self.page_size = page_size
        self.failures: dict[int, Exception] = {}  # fetch number (1-based, across streams) -> error
        self.fetches = 0
        self.published: list[FetchedReply] = []
        self.credentials_seen: list[Credentials] = []
        self.refreshed: Credentials | None = None
        self.delay = 0.0
        self.lock = threading.Lock()
        self.reply_error: Exception | None = None
        platform, reply_allowed = self, can_reply

        class FakeConnector:
            """``base.Connector`` over the fake platform."""

            can_reply = reply_allowed

            def __init__(self, credentials: Credentials):
                self.credentials = credentials
                platform.credentials_seen.append(credentials)

            def fetch_posts(self, cursor):
                return platform._page(platform.posts, cursor)

            def fetch_enquiries(self, cursor):
                return platform._page(platform.activity, cursor)

            def publish_reply(self, *, in_reply_to, conversation_id, text):
                if platform.reply_error is not None:
                    raise platform.reply_error
                reply = FetchedReply(
                    platform_id=f"reply-{len(platform.published) + 1}",
                    replied_at=platform.now(),
                    in_reply_to=in_reply_to,
                    text=text,
                )
                platform.published.append(reply)
                platform.activity.append(reply)  # the platform shows it in the thread
                return reply

            def refreshed_credentials(self):
                return platform.refreshed

        FakeConnector.platform = "x"
        self.connector = FakeConnector
        self.clock_now: datetime | None = None

    def now(self) -> datetime:
        return self.clock_now or timezone.now()

    # --- what happens on the platform -------------------------------------------------------------
    def post(self, platform_id: str, at: datetime, text: str = "A post", **kwargs) -> FetchedPost:
        item = FetchedPost(platform_id=platform_id, posted_at=at, kind=ItemKind.ORIGINAL, text=text, **kwargs)
        self.posts.append(item)
        return item

    def enquiry(self, platform_id: str, at: datetime, text: str = "When is the tip open?", **kwargs):
        item = FetchedEnquiry(
            platform_id=platform_id,
            received_at=at,
            channel=kwargs.pop("channel", EnquiryChannel.COMMENT),
            author=kwargs.pop("author", "resident"),
            text=text,
            url=kwargs.pop("url", f"https://x.com/resident/status/{platform_id}"),
            conversation_id=kwargs.pop("conversation_id", platform_id),
            **kwargs,
        )
        self.activity.append(item)
        return item

    def reply(
        self, platform_id: str, in_reply_to: str, at: datetime, text: str = "Open 8am."
    ) -> FetchedReply:
        item = FetchedReply(platform_id=platform_id, replied_at=at, in_reply_to=in_reply_to, text=text)
        self.activity.append(item)
        return item

    # --- its API -----------------------------------------------------------------------------------
    def _page(self, items: list, cursor: str | None) -> Batch:
        with self.lock:
            self.fetches += 1
            failure = self.failures.pop(self.fetches, None)
        if self.delay:
            time.sleep(self.delay)
        if failure is not None:
            raise failure
        start = int(cursor or 0)
        page = items[start : start + self.page_size]
        end = start + len(page)
        return Batch(items=list(page), cursor=str(end), more=end < len(items))
