"""Facebook Pages through the Graph API (``meta`` holds the shared calls and error codes).

- **Posts**: ``/{page-id}/published_posts`` with ``since``, newest first, following ``paging.next``.
  The cursor's watermark is the newest ``updated_time`` seen; each run asks from three days before
  it, so a post edited since (Facebook moves ``updated_time`` but does not say it was an edit) comes
  again with its new text under the same id. Only posts newer than the watermark are returned.
- **Enquiries**: the Page's posts of the last ``COMMENT_WINDOW_DAYS`` whose ``updated_time`` (moved
  by every new comment) is past the watermark are queued, then each one's comments are read with
  ``filter=stream`` (replies included) and ``since``. A comment whose ``from.id`` is the Page is the
  Page's own answer: a ``FetchedReply`` to its parent comment. Messenger conversations come from
  ``/{page-id}/conversations`` when ``pages_messaging`` was granted, and are skipped otherwise.
  The queue is kept in the cursor, so a run that stops at the page limit resumes where it stopped.
- **Deleted**: Facebook lists no deleted comments. A post deleted between the listing and the
  reading of its comments (error 100, sub-code 33) is skipped; a reply to a deleted comment is
  refused with a plain message. Comments carry no edit time.
- **Replying**: ``POST /{comment-id}/comments``. Messenger replies need the person's page-scoped id
  and the 24-hour window, so they are answered in Meta Business Suite (``ReplyNotSupported``).
"""

from __future__ import annotations

from datetime import timedelta

from accounts_register.platforms import Platform

from .base import (
    Batch,
    Credentials,
    EnquiryChannel,
    FetchedEnquiry,
    FetchedPost,
    FetchedReply,
    ItemKind,
    ReplyNotSupported,
)
from .http import NotFound, PageCursor, read_threads
from .meta import (
    COMMENT_WINDOW_DAYS,
    PAGE_LIMIT,
    GraphConnector,
    MetaOAuthClient,
    PermissionMissing,
    graph_time,
)

EDIT_LOOKBACK = timedelta(days=3)
CONVERSATIONS = "conversations"  # the queue's name for the Messenger inbox
POST_FIELDS = "id,message,created_time,updated_time,permalink_url,status_type,admin_creator{name}"
COMMENT_FIELDS = "id,message,created_time,from{id,name},parent{id},permalink_url"


class FacebookOAuthClient(MetaOAuthClient):
    platform = Platform.FACEBOOK.value
    scopes = (
        "pages_show_list",  # list the Pages the person manages, to find the one being connected
        "pages_read_engagement",  # read the Page's own posts and their comment counts
        "pages_read_user_content",  # read the public's comments on the Page's posts
        "pages_manage_engagement",  # answer a comment as the Page
        "pages_messaging",  # read the Page's Messenger conversations (direct messages)
    )

    def credentials_for_page(self, page: dict, user_token: str) -> Credentials | None:
        return Credentials(
            account_ref=page["id"],
            handle=page.get("name", ""),
            access_token=page["access_token"],
            refresh_token=user_token,
        )


class FacebookConnector(GraphConnector):
    platform = Platform.FACEBOOK.value
    platform_name = "Facebook"
    can_reply = True
    oauth_class = FacebookOAuthClient

    @property
    def page_id(self) -> str:
        return self.credentials.account_ref

    # --- Posts ------------------------------------------------------------------------------
    def fetch_posts(self, cursor: str | None) -> Batch[FetchedPost]:
        return self.read_posts(
            cursor,
            f"{self.page_id}/published_posts",
            {"fields": POST_FIELDS, "limit": 25},
            stamp=lambda raw: int(graph_time(raw.get("updated_time") or raw["created_time"]).timestamp()),
            build=self.post,
            look_back=int(EDIT_LOOKBACK.total_seconds()),
        )

    def post(self, raw: dict) -> FetchedPost:
        return FetchedPost(
            platform_id=raw["id"],
            posted_at=graph_time(raw["created_time"]),
            kind=ItemKind.SHARE if raw.get("status_type") == "shared_story" else ItemKind.ORIGINAL,
            text=raw.get("message", ""),
            url=raw.get("permalink_url", ""),
            published_by=(raw.get("admin_creator") or {}).get("name", ""),
        )

    # --- Enquiries --------------------------------------------------------------------------
    def fetch_enquiries(self, cursor: str | None) -> Batch[FetchedEnquiry | FetchedReply]:
        return read_threads(cursor, self.active_threads, self.read_thread, limit=PAGE_LIMIT * 2)

    def read_thread(self, thread: str, position: PageCursor) -> list[FetchedEnquiry | FetchedReply]:
        return self.messages(position) if thread == CONVERSATIONS else self.comments(thread, position)

    def active_threads(self, position: PageCursor) -> list[str]:
        """The recent posts with activity past the watermark, then the Messenger inbox."""
        window_start = self.oauth.now() - timedelta(days=COMMENT_WINDOW_DAYS)
        params = {"fields": "id,updated_time", "since": int(window_start.timestamp()), "limit": 100}
        threads = []
        for data, _ in self.pages(f"{self.page_id}/published_posts", params):
            for raw in data:
                updated = int(graph_time(raw["updated_time"]).timestamp())
                if not position.since or updated > int(position.since):
                    threads.append(raw["id"])
        return [*threads, CONVERSATIONS]

    def comments(self, post_id: str, position: PageCursor) -> list[FetchedEnquiry | FetchedReply]:
        params = {"fields": COMMENT_FIELDS, "filter": "stream", "order": "chronological", "limit": 100}
        if position.since:
            params["since"] = position.since
        found: list[FetchedEnquiry | FetchedReply] = []
        try:
            for data, _ in self.pages(f"{post_id}/comments", params):
                for raw in data:
                    created = graph_time(raw["created_time"])
                    if position.since and created.timestamp() <= int(position.since):
                        continue
                    position.saw(str(int(created.timestamp())), key=int)
                    found.append(self.comment(raw, post_id))
        except NotFound:
            return found  # the post was deleted meanwhile: its comments went with it
        return found

    def comment(self, raw: dict, post_id: str) -> FetchedEnquiry | FetchedReply:
        author = raw.get("from") or {}
        parent = (raw.get("parent") or {}).get("id", "")
        if author.get("id") == self.page_id:
            return FetchedReply(
                platform_id=raw["id"],
                replied_at=graph_time(raw["created_time"]),
                in_reply_to=parent or post_id,
                text=raw.get("message", ""),
                url=raw.get("permalink_url", ""),
            )
        return FetchedEnquiry(
            platform_id=raw["id"],
            received_at=graph_time(raw["created_time"]),
            channel=EnquiryChannel.COMMENT,
            author=author.get("name", ""),
            text=raw.get("message", ""),
            url=raw.get("permalink_url", ""),
            conversation_id=post_id,
            in_reply_to=parent,
        )

    def messages(self, position: PageCursor) -> list[FetchedEnquiry | FetchedReply]:
        params = {
            "platform": "messenger",
            "fields": "id,updated_time,link,messages.limit(25){id,message,created_time,from}",
            "limit": 25,
        }
        found: list[FetchedEnquiry | FetchedReply] = []
        try:
            for data, _ in self.pages(f"{self.page_id}/conversations", params, limit=1):
                for conversation in data:
                    found.extend(self.conversation(conversation, position))
        except PermissionMissing:
            return []  # pages_messaging not granted: comments are still read
        return found

    def conversation(self, conversation: dict, position: PageCursor) -> list[FetchedEnquiry | FetchedReply]:
        found: list[FetchedEnquiry | FetchedReply] = []
        last_from_public = ""
        link = conversation.get("link", "")
        url = f"https://www.facebook.com{link}" if link.startswith("/") else link
        # The Graph API lists a conversation's messages newest first; read them in order.
        for raw in reversed((conversation.get("messages") or {}).get("data") or []):
            created = graph_time(raw["created_time"])
            author = raw.get("from") or {}
            is_page = author.get("id") == self.page_id
            new = not position.since or created.timestamp() > int(position.since)
            if new and is_page and last_from_public:
                found.append(FetchedReply(raw["id"], created, last_from_public, raw.get("message", ""), url))
            elif new and not is_page:
                found.append(
                    FetchedEnquiry(
                        platform_id=raw["id"],
                        received_at=created,
                        channel=EnquiryChannel.DIRECT_MESSAGE,
                        author=author.get("name", ""),
                        text=raw.get("message", ""),
                        url=url,
                        conversation_id=conversation["id"],
                    )
                )
            if new:
                position.saw(str(int(created.timestamp())), key=int)
            if not is_page:
                last_from_public = raw["id"]
        return found

    # --- Replying ---------------------------------------------------------------------------
    def publish_reply(self, *, in_reply_to: str, conversation_id: str, text: str) -> FetchedReply:
        if conversation_id.startswith("t_"):
            raise ReplyNotSupported("Answer Messenger conversations in Meta Business Suite")
        return self.answer(in_reply_to, "comments", text)


CONNECTOR = FacebookConnector
OAUTH_CLIENT = FacebookOAuthClient
