"""Instagram professional accounts through the Instagram Graph API (Facebook Login: the account is
linked to the council's Facebook Page and read with the Page's token; ``meta`` holds the shared
calls, error codes and token renewal).

- **Posts**: ``/{ig-user-id}/media`` with ``since`` (the newest ``timestamp`` seen), newest first,
  following ``paging.next``. Instagram does not say when a caption was edited, so ``edited_at`` is
  never set; a first sync after a reconnection brings the current caption under the same id.
- **Enquiries**: the comments (and their replies) on media of the last ``COMMENT_WINDOW_DAYS`` that
  have any, newer than the watermark (the comments edge has no ``since``: it is filtered here), and
  mentions: media in which the account is tagged (``/{ig-user-id}/tags``). A comment or reply by the
  account itself is its answer: a ``FetchedReply`` to the comment it replies to. Instagram does not
  let anyone edit a comment. Direct messages need the Messenger Platform for Instagram and are not
  read.
- **Deleted**: deleted comments are simply not listed; media deleted between the listing and the
  reading of its comments (error 100, sub-code 33) is skipped; a reply to a deleted comment is refused
  with a plain message.
- **Replying**: ``POST /{comment-id}/replies``; a mention in a caption is answered with a comment
  on that media (``POST /{ig-user-id}/mentions``).
"""

from __future__ import annotations

from datetime import timedelta

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
from .http import NotFound, PageCursor, read_threads
from .meta import COMMENT_WINDOW_DAYS, PAGE_LIMIT, GraphConnector, MetaOAuthClient, graph_time

MEDIA_FIELDS = "id,caption,media_product_type,timestamp,permalink,username,comments_count"
REPLY_FIELDS = "id,text,timestamp,username,from{id,username}"
COMMENT_FIELDS = f"{REPLY_FIELDS},replies{{{REPLY_FIELDS}}}"
MENTIONS = "tags"  # the queue's name for the media the account is tagged in


class InstagramOAuthClient(MetaOAuthClient):
    platform = Platform.INSTAGRAM.value
    scopes = (
        "instagram_basic",  # read the account's profile and media
        "instagram_manage_comments",  # read comments and mentions, and answer comments
        "pages_show_list",  # find the Facebook Page the Instagram account is linked to
        "pages_read_engagement",  # required by Meta alongside the Page-linked Instagram permissions
    )

    def credentials_for_page(self, page: dict, user_token: str) -> Credentials | None:
        account = page.get("instagram_business_account")
        if not account:
            return None
        return Credentials(
            account_ref=account["id"],
            handle=account.get("username", ""),
            access_token=page["access_token"],
            refresh_token=user_token,
            extra={"page_id": page["id"]},
        )


class InstagramConnector(GraphConnector):
    platform = Platform.INSTAGRAM.value
    platform_name = "Instagram"
    can_reply = True
    oauth_class = InstagramOAuthClient

    @property
    def user_id(self) -> str:
        return self.credentials.account_ref

    def fetch_posts(self, cursor: str | None) -> Batch[FetchedPost]:
        return self.read_posts(
            cursor,
            f"{self.user_id}/media",
            {"fields": MEDIA_FIELDS, "limit": 25},
            stamp=lambda raw: int(graph_time(raw["timestamp"]).timestamp()),
            build=self.post,
        )

    def post(self, raw: dict) -> FetchedPost:
        return FetchedPost(
            platform_id=raw["id"],
            posted_at=graph_time(raw["timestamp"]),
            kind=ItemKind.ORIGINAL,
            text=raw.get("caption", ""),
            url=raw.get("permalink", ""),
        )

    def fetch_enquiries(self, cursor: str | None) -> Batch[FetchedEnquiry | FetchedReply]:
        return read_threads(cursor, self.media_with_comments, self.read_thread, limit=PAGE_LIMIT * 2)

    def read_thread(self, thread: str, position: PageCursor) -> list[FetchedEnquiry | FetchedReply]:
        return self.mentions(position) if thread == MENTIONS else self.comments(thread, position)

    def media_with_comments(self, position: PageCursor) -> list[str]:
        """Every recent media with comments (Instagram cannot say which have new ones), then the
        media the account is tagged in."""
        window_start = self.oauth.now() - timedelta(days=COMMENT_WINDOW_DAYS)
        params = {"fields": "id,comments_count", "since": int(window_start.timestamp()), "limit": 100}
        media = [
            raw["id"]
            for data, _ in self.pages(f"{self.user_id}/media", params)
            for raw in data
            if raw.get("comments_count")
        ]
        return [*media, MENTIONS]

    def is_new(self, raw: dict, position: PageCursor) -> bool:
        stamp = int(graph_time(raw["timestamp"]).timestamp())
        if position.since and stamp <= int(position.since):
            return False
        position.saw(str(stamp), key=int)
        return True

    def comments(self, media_id: str, position: PageCursor) -> list[FetchedEnquiry | FetchedReply]:
        found: list[FetchedEnquiry | FetchedReply] = []
        try:
            for data, _ in self.pages(f"{media_id}/comments", {"fields": COMMENT_FIELDS, "limit": 50}):
                for raw in data:
                    if self.is_new(raw, position):
                        found.append(self.comment(raw, media_id, parent=""))
                    for reply in (raw.get("replies") or {}).get("data") or []:
                        if self.is_new(reply, position):
                            found.append(self.comment(reply, media_id, parent=raw["id"]))
        except NotFound:
            return found  # the media was deleted meanwhile
        return found

    def comment(self, raw: dict, media_id: str, *, parent: str) -> FetchedEnquiry | FetchedReply:
        author = raw.get("from") or {}
        username = author.get("username") or raw.get("username", "")
        if author.get("id") == self.user_id:
            return FetchedReply(
                raw["id"], graph_time(raw["timestamp"]), parent or media_id, raw.get("text", "")
            )
        return FetchedEnquiry(
            platform_id=raw["id"],
            received_at=graph_time(raw["timestamp"]),
            channel=EnquiryChannel.COMMENT,
            author=f"@{username}" if username else "",
            text=raw.get("text", ""),
            conversation_id=media_id,
            in_reply_to=parent,
        )

    def mentions(self, position: PageCursor) -> list[FetchedEnquiry | FetchedReply]:
        params = {"fields": "id,caption,timestamp,permalink,username", "limit": 50}
        found: list[FetchedEnquiry | FetchedReply] = []
        for data, _ in self.pages(f"{self.user_id}/tags", params, limit=1):
            for raw in data:
                if self.is_new(raw, position):
                    found.append(
                        FetchedEnquiry(
                            platform_id=raw["id"],
                            received_at=graph_time(raw["timestamp"]),
                            channel=EnquiryChannel.MENTION,
                            author=f"@{raw['username']}" if raw.get("username") else "",
                            text=raw.get("caption", ""),
                            url=raw.get("permalink", ""),
                            conversation_id=raw["id"],
                        )
                    )
        return found

    def publish_reply(self, *, in_reply_to: str, conversation_id: str, text: str) -> FetchedReply:
        if in_reply_to == conversation_id:
            # A mention in someone's caption is answered with a comment on their media.
            data = {"media_id": in_reply_to, "message": text}
            try:
                body = self.graph("POST", f"{self.user_id}/mentions", data=data)
            except NotFound as exc:
                raise ConnectorError("That post is no longer on Instagram") from exc
            return FetchedReply(body["id"], self.oauth.now(), in_reply_to, text)
        return self.answer(in_reply_to, "replies", text)


CONNECTOR = InstagramConnector
OAUTH_CLIENT = InstagramOAuthClient
